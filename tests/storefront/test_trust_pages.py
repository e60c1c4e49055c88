"""Certificate verification (/v/<code>/), the product page's timeline and decision pages (issue 16)."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from marketplace.catalog.selectors import active_certifications
from marketplace.certification.models import Certification, CertificationState, DecisionKind
from marketplace.certification.selectors import certificate_check
from marketplace.certification.services import (
    certification_issue,
    certification_revoke,
    certifications_expire,
)
from marketplace.producers.policies import SYSTEM_IMPORT, SYSTEM_TASK
from tests.factories import (
    CertificationFactory,
    DecisionFactory,
    ModerationFactory,
    ProductFactory,
    VariantFactory,
)
from tests.factories.trust import STATUSES, certificate

pytestmark = pytest.mark.django_db

VERIFY_QUERIES = 1  # the certificate with product, producer, decisions, successor and "on sale" in one


@pytest.fixture
def client():
    return Client()


def status_of(html: str) -> str:
    return re.search(r'data-certificate-status="([a-z]+)"', html).group(1)


@pytest.mark.parametrize("status", STATUSES)
def test_verification_page_shows_each_status_in_one_query(client, status, django_assert_num_queries):
    cert = certificate(status, name="Chè Shan tuyết Tà Xùa")
    with django_assert_num_queries(VERIFY_QUERIES):
        response = client.get(f"/v/{cert.code}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert status_of(html) == status
    assert "Chè Shan tuyết Tà Xùa" in html and cert.product.producer.name in html
    assert cert.decision.number in html and cert.decision.issuer in html
    assert cert.valid_until.strftime("%d/%m/%Y") in html
    assert f'data-ocop-stars="{cert.stars}"' in html
    assert "max-age=60" in response["Cache-Control"]


def test_revoked_and_expired_labels_say_so_in_red_words(client):
    revoked, expired = certificate("revoked"), certificate("expired")
    revoked_html = client.get(f"/v/{revoked.code}/").content.decode()
    assert "CHỨNG NHẬN ĐÃ BỊ THU HỒI" in revoked_html and revoked.revoked_by.number in revoked_html
    assert "status-revoked" in revoked_html
    assert "CHỨNG NHẬN ĐÃ HẾT HIỆU LỰC" in client.get(f"/v/{expired.code}/").content.decode()


def test_superseded_certificate_links_to_the_newer_one(client):
    old = certificate("superseded", stars=3)
    newer = Certification.objects.get(product=old.product, state=CertificationState.ACTIVE)
    html = client.get(f"/v/{old.code}/").content.decode()
    assert f'data-successor-code="{newer.code}"' in html
    assert f'href="/v/{newer.code}/"' in html and f'href="/decisions/{newer.decision_id}/"' in html
    assert status_of(client.get(f"/v/{newer.code}/").content.decode()) == "valid"


def test_status_on_the_day_of_lapsing_comes_from_dates_before_and_after_the_daily_task(client):
    today = timezone.localdate()
    decision = DecisionFactory(date=today - datetime.timedelta(days=1000))
    last_day = CertificationFactory(decision=decision, valid_until=today)
    lapsed = CertificationFactory(decision=decision, valid_until=today - datetime.timedelta(days=1))
    assert status_of(client.get(f"/v/{last_day.code}/").content.decode()) == "expiring"
    assert status_of(client.get(f"/v/{lapsed.code}/").content.decode()) == "expired"  # task not run yet
    assert certifications_expire(by=SYSTEM_TASK) == [lapsed.product_id]
    lapsed.refresh_from_db()
    assert lapsed.state == CertificationState.EXPIRED
    assert status_of(client.get(f"/v/{lapsed.code}/").content.decode()) == "expired"
    assert status_of(client.get(f"/v/{last_day.code}/").content.decode()) == "expiring"
    # The next morning, before the task runs again.
    assert certificate_check(code=last_day.code, today=today + datetime.timedelta(days=1)).status == "expired"


def test_verification_status_agrees_with_the_storefront_rule_for_every_case():
    certificates = [certificate(status) for status in STATUSES]
    today = timezone.localdate()
    for day in (today - datetime.timedelta(days=400), today, today + datetime.timedelta(days=40)):
        backing = set(active_certifications(today=day).values_list("pk", flat=True))
        for cert in certificates:
            shown = certificate_check(code=cert.code, today=day).status
            assert (shown in ("valid", "expiring")) == (cert.pk in backing), (cert, day, shown)
            assert cert.is_valid_on(day) == (cert.pk in backing)


def test_products_not_sold_here_still_verify_without_a_product_link(client):
    unlisted = ProductFactory(is_published=False, name="Mật ong bạc hà")
    hidden = ProductFactory(name="Rượu ngô")
    ModerationFactory(product=hidden)
    on_sale = certificate("valid")
    for cert, sold in (
        (certificate("valid", product=unlisted), False),
        (certificate("valid", product=hidden), False),
        (on_sale, True),
    ):
        html = client.get(f"/v/{cert.code}/").content.decode()
        assert status_of(html) == "valid"
        assert (f'href="/products/{cert.product.slug}/"' in html) is sold
        assert ("không bán trên Chợ OCOP" in html) is not sold


def test_codes_read_as_people_type_them_and_unknown_codes_get_the_designed_404(client):
    cert = certificate("valid")
    typed = cert.code.lower().replace("0", "o").replace("1", "l")
    assert status_of(client.get(f"/v/{typed}/").content.decode()) == "valid"
    for code in ("ZZZZZZZZ", "short", "x" * 300, "%3Cscript%3E"):
        response = client.get(f"/v/{code}/")
        assert response.status_code == 404
        html = response.content.decode()
        assert 'data-error-page="404"' in html and 'class="site-header"' in html
        assert "<script>" not in html


def test_codes_are_eight_crockford_characters_and_unique():
    certs = [certificate(status) for status in STATUSES]
    codes = {c.code for c in Certification.objects.all()}
    assert len(codes) == Certification.objects.count() >= len(certs)
    assert all(re.fullmatch(r"[0-9ABCDEFGHJKMNPQRSTVWXYZ]{8}", code) for code in codes)


# --- The product page: its certificate's page and the timeline ---------------------------------------------


def test_product_page_links_its_current_certificate_and_lists_every_decision(client):
    product = ProductFactory(slug="tra-shan", name="Trà Shan tuyết")
    VariantFactory(product=product)
    today = timezone.localdate()
    first = certification_issue(
        product=product,
        decision=DecisionFactory(date=today - datetime.timedelta(days=2000)),
        stars=3,
        by=SYSTEM_IMPORT,
    )
    certifications_expire(by=SYSTEM_TASK)
    renewed = certification_issue(
        product=product,
        decision=DecisionFactory(date=today - datetime.timedelta(days=700)),
        stars=3,
        by=SYSTEM_IMPORT,
    )
    upgraded = certification_issue(
        product=product,
        decision=DecisionFactory(date=today - datetime.timedelta(days=100)),
        stars=4,
        by=SYSTEM_IMPORT,
    )
    html = client.get("/products/tra-shan/").content.decode()
    assert re.search(rf'data-verify-url="http://testserver/v/{upgraded.code}/"', html)
    events = re.findall(r'data-decision-number="([^"]+)" data-outcome="([a-z]+)"', html)
    assert events == [
        (upgraded.decision.number, "upgraded"),
        (renewed.decision.number, "renewed"),  # re-recognised after the lapse, same stars
        (first.decision.number, "expired"),
        (first.decision.number, "new"),
    ]
    assert f'href="/decisions/{renewed.decision_id}/"' in html


def test_timeline_shows_a_revocation_and_a_downgrade():
    from marketplace.certification.selectors import certification_timeline, timeline_certifications

    product = ProductFactory()
    today = timezone.localdate()
    five = certification_issue(
        product=product,
        decision=DecisionFactory(date=today - datetime.timedelta(900)),
        stars=5,
        by=SYSTEM_IMPORT,
    )
    four = certification_issue(
        product=product,
        decision=DecisionFactory(date=today - datetime.timedelta(300)),
        stars=4,
        by=SYSTEM_IMPORT,
    )
    revocation = DecisionFactory(date=today - datetime.timedelta(days=10), kind=DecisionKind.REVOCATION)
    certification_revoke(certification=four, decision=revocation, by=SYSTEM_IMPORT)
    events = certification_timeline(list(timeline_certifications().filter(product=product)))
    assert [(e.outcome, e.decision.number, e.date) for e in events] == [
        ("revoked", revocation.number, revocation.date),
        ("downgraded", four.decision.number, four.decision.date),
        ("new", five.decision.number, five.decision.date),
    ]
    assert events[1].previous_stars == 5


# --- Decision pages -------------------------------------------------------------------------------------


def _decision_with_products(size: int):
    today = timezone.localdate()
    earlier = DecisionFactory(date=today - datetime.timedelta(days=800))
    decision = DecisionFactory(date=today - datetime.timedelta(days=20), number="2345/QĐ-UBND")
    expected = {}
    for n in range(size):
        product = ProductFactory(name=f"Sản phẩm {n:03d}")
        before = (None, 3, 4, 5)[n % 4]
        if before is not None:
            certification_issue(product=product, decision=earlier, stars=before, by=SYSTEM_IMPORT)
        cert = certification_issue(product=product, decision=decision, stars=4, by=SYSTEM_IMPORT)
        expected[cert.code] = {None: "new", 3: "upgraded", 4: "renewed", 5: "downgraded"}[before]
    return decision, expected


@pytest.mark.parametrize("size", [1, 40])
def test_decision_page_lists_its_products_with_outcomes_in_constant_queries(
    client, size, django_assert_num_queries
):
    decision, expected = _decision_with_products(size)
    with django_assert_num_queries(3):  # decision, count, page of certificates (with "before" stars)
        response = client.get(f"/decisions/{decision.pk}/")
    html = response.content.decode()
    assert response.status_code == 200 and decision.number in html
    shown = dict(re.findall(r'<tr data-certificate-code="([0-9A-Z]{8})" data-outcome="([a-z]+)"', html))
    assert shown == expected
    assert "Chưa công bố" in html and "data-decision-source" not in html


def test_revocation_decision_page_lists_revoked_products(client):
    revoked = certificate("revoked")
    html = client.get(f"/decisions/{revoked.revoked_by_id}/").content.decode()
    assert re.findall(r'<tr data-certificate-code="([0-9A-Z]{8})" data-outcome="([a-z]+)"', html) == [
        (revoked.code, "revoked")
    ]


def test_unknown_decision_is_404(client):
    assert client.get("/decisions/999999/").status_code == 404
    assert client.get("/decisions/999999/source/").status_code == 404


def test_gone_product_page_links_the_certificate_that_ended(client):
    revoked = certificate("revoked", slug="ruou-ngo")
    response = client.get("/products/ruou-ngo/")
    assert response.status_code == 410
    assert f'href="/v/{revoked.code}/"' in response.content.decode()


def test_pages_answer_head_and_refuse_writes(client):
    cert = certificate("valid")
    assert client.head(f"/v/{cert.code}/").status_code == 200
    assert client.post(f"/v/{cert.code}/").status_code == 405
    assert client.post(f"/decisions/{cert.decision_id}/").status_code == 405
