"""QR label sheets (issue 16): the PDF is A4, holds 20/30/40 mm labels that decode to the certificate's
verification page, and only the producer's members and permitted staff may download it."""

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.test import Client

from marketplace.certification.models import Certification
from tests.factories import MembershipFactory, ProducerFactory, StaffFactory, UserFactory
from tests.factories.trust import certificate
from tests.qr_scan import scan_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_budget():
    cache.clear()


@pytest.fixture
def labelled():
    producer = ProducerFactory(slug="htx-a", name="HTX Cà phê Bích Thao")
    cert = certificate("valid", producer=producer, name="Cà phê bột nguyên chất", stars=5)
    return producer, cert


def _url(producer_slug: str, product_id: int) -> str:
    return f"/seller/{producer_slug}/products/{product_id}/qr-labels.pdf"


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_sheet_is_a4_with_three_label_sizes_that_open_the_verification_page(labelled, settings):
    settings.SITE_URL = "https://cho-ocop.vn"
    producer, cert = labelled
    member = MembershipFactory(producer=producer).user
    response = _client(member).get(_url("htx-a", cert.product_id))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="tem-qr-{cert.product.slug}-{cert.code}.pdf"'
    )
    scans, (width, height) = scan_pdf(response.content)
    assert (round(width), round(height)) == (210, 297)
    assert {scan.text for scan in scans} == {f"https://cho-ocop.vn/v/{cert.code}/"}
    # Printed symbol widths: 20, 30 and 40 mm labels minus their 2-module quiet zones (29 of 33 modules).
    widths = sorted({round(scan.width_mm) for scan in scans})
    assert widths == [18, 26, 35], widths
    assert len(scans) >= 20


def test_product_without_a_valid_certificate_gets_a_clear_refusal(labelled):
    producer, _ = labelled
    revoked = certificate("revoked", producer=producer)
    member = MembershipFactory(producer=producer).user
    response = _client(member).get(_url("htx-a", revoked.product_id))
    assert response.status_code == 409
    assert "không có chứng nhận OCOP còn hiệu lực" in response.content.decode()


def test_authorisation_matrix(labelled):
    producer, cert = labelled
    other = ProducerFactory(slug="htx-b")
    other_cert = certificate("valid", producer=other)
    member = MembershipFactory(producer=producer).user
    other_member = MembershipFactory(producer=other).user
    catalogue_staff = StaffFactory(email="catalogue@example.vn")
    catalogue_staff.user_permissions.add(Permission.objects.get(codename="change_product"))
    plain_staff = StaffFactory(email="support@example.vn")
    before = list(Certification.objects.order_by("pk").values())
    url = _url("htx-a", cert.product_id)

    anonymous = _client().get(url)
    assert (anonymous.status_code, anonymous["Location"]) == (302, f"/account/login/?next={url}")
    for who in (other_member, UserFactory(email="shopper@example.vn"), plain_staff):
        assert _client(who).get(url).status_code == 403, who
    # Another producer's product under one's own slug, or one's product under another slug: not found.
    assert _client(other_member).get(_url("htx-b", cert.product_id)).status_code == 404
    assert _client(member).get(_url("htx-a", other_cert.product_id)).status_code == 404
    assert _client(member).get(_url("htx-zzz", cert.product_id)).status_code == 404
    for who in (member, catalogue_staff, StaffFactory(email="root@example.vn", is_superuser=True)):
        response = _client(who).get(url)
        assert (response.status_code, response["Content-Type"]) == (200, "application/pdf"), who
    assert _client(member).post(url).status_code == 405
    assert list(Certification.objects.order_by("pk").values()) == before


def test_downloading_in_a_loop_is_bounded(labelled, settings):
    settings.QR_LABELS_PER_MINUTE = 2
    producer, cert = labelled
    client = _client(MembershipFactory(producer=producer).user)
    codes = [client.get(_url("htx-a", cert.product_id)).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_product_form_offers_the_sheet_and_the_verification_page(labelled):
    producer, cert = labelled
    html = (
        _client(MembershipFactory(producer=producer).user)
        .get(f"/seller/htx-a/products/{cert.product_id}/")
        .content.decode()
    )
    assert f'href="{_url("htx-a", cert.product_id)}"' in html
    assert f'href="/v/{cert.code}/"' in html


def test_without_a_vietnamese_font_the_sheet_still_prints_and_scans(labelled, settings):
    settings.PDF_FONT_PATHS = [("/nonexistent/Regular.ttf", "/nonexistent/Bold.ttf")]
    producer, cert = labelled
    response = _client(MembershipFactory(producer=producer).user).get(_url("htx-a", cert.product_id))
    assert response.status_code == 200
    scans, _ = scan_pdf(response.content)
    assert {scan.text for scan in scans} == {f"{settings.SITE_URL}/v/{cert.code}/"}
