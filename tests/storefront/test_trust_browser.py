"""The scan path in headless Chromium (issue 16): a producer downloads the QR label sheet of each product
from the portal, the label is rendered and decoded like a phone camera would, and the decoded address opens
the verification page, which tells valid, expiring, revoked and expired labels apart (the last two in red),
at 360 px and 1280 px."""

import datetime
from pathlib import Path

import pytest
from django.core.cache import cache
from django.utils import timezone

from marketplace.certification.models import Certification, DecisionKind
from marketplace.certification.services import certification_revoke
from marketplace.producers.policies import SYSTEM_IMPORT
from tests.factories import DecisionFactory, ProducerFactory
from tests.factories.portal import member_of
from tests.factories.trust import certificate
from tests.qr_scan import scan_pdf

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

RED = "rgb(183, 28, 28)"  # --red in site.css


def _sign_in(page, email: str) -> None:
    page.goto(page.base_url + "/seller/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill("pass-word-123")
    page.locator("form.auth-form button[type=submit]").click()
    page.wait_for_url(page.base_url + "/seller/**")


def _download_labels(page, producer_slug: str, cert: Certification) -> bytes:
    page.goto(f"{page.base_url}/seller/{producer_slug}/products/{cert.product_id}/")
    with page.expect_download() as download:
        page.locator("[data-action=qr-labels]").click()
    return Path(download.value.path()).read_bytes()


def _lapse(cert: Certification) -> None:
    """Time passes: the certificate's 36 months end yesterday (the daily expiry task has not run)."""
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Certification.objects.filter(pk=cert.pk).update(
        valid_from=yesterday - datetime.timedelta(days=1095), valid_until=yesterday
    )


@pytest.mark.parametrize("width", [360, 1280])
def test_scanning_labels_shows_each_certificate_status(page, settings, screenshot, width):
    cache.clear()
    settings.SITE_URL = page.base_url  # the address printed in the QR codes
    page.set_viewport_size({"width": width, "height": 900})
    producer = ProducerFactory(name="HTX Cà phê Bích Thao", slug="bich-thao")
    member_of(producer, email="bichthao@example.vn")
    certs = {
        status: certificate(
            "expiring" if status == "expiring" else "valid",
            producer=producer,
            name=f"Cà phê {status}",
            slug=f"ca-phe-{status}",
        )
        for status in ("valid", "expiring", "revoked", "expired")
    }

    _sign_in(page, "bichthao@example.vn")
    sheets = {status: _download_labels(page, "bich-thao", cert) for status, cert in certs.items()}

    # After printing: one certificate is revoked, another runs out.
    revocation = DecisionFactory(kind=DecisionKind.REVOCATION, number="77/QĐ-UBND")
    certification_revoke(certification=certs["revoked"], decision=revocation, by=SYSTEM_IMPORT)
    _lapse(certs["expired"])

    for status, pdf in sheets.items():
        scans, _ = scan_pdf(pdf)
        urls = {scan.text for scan in scans}
        assert urls == {f"{page.base_url}/v/{certs[status].code}/"}, status
        response = page.goto(urls.pop())
        assert response.status == 200
        root = page.locator("[data-certificate-status]")
        assert root.get_attribute("data-certificate-status") == status
        assert page.locator("h1").inner_text() == f"Cà phê {status}"
        background = page.locator(".verdict").evaluate("el => getComputedStyle(el).backgroundColor")
        assert (background == RED) is (status in ("revoked", "expired")), (status, background)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"{width}-{status}")
    assert "77/QĐ-UBND" in page.goto(f"{page.base_url}/v/{certs['revoked'].code}/").text()

    # The product page links its certificate's page; the timeline names the decision.
    page.goto(f"{page.base_url}/products/ca-phe-valid/")
    assert page.locator("[data-decision-number]").first.get_attribute("data-decision-number") == (
        certs["valid"].decision.number
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"{width}-product-timeline")
    page.locator("[data-decision-number] a").first.click()
    page.wait_for_url(f"**/decisions/{certs['valid'].decision_id}/")
    assert (
        page.locator(f'[data-certificate-code="{certs["valid"].code}"]').get_attribute("data-outcome")
        == "new"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"{width}-decision")
    page.go_back()
    page.locator("[data-verify-url]").click()
    page.wait_for_url(f"**/v/{certs['valid'].code}/")
    assert page.locator("[data-certificate-status]").get_attribute("data-certificate-status") == "valid"
