"""Product.certificationTimeline and OcopCertification.code/verifyUrl (issue 16)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from marketplace.certification.services import certification_issue
from marketplace.producers.policies import SYSTEM_IMPORT
from tests.factories import DecisionFactory, ProducerFactory
from tests.factories.trust import certificate

pytestmark = pytest.mark.django_db

PAGE = """
query {
  products(first: 100, channel: "default-channel") {
    edges { node { slug
      ocop { stars code verifyUrl }
      certificationTimeline { outcome date decisionNumber decisionDate issuer decisionUrl stars previousStars
                              certificateCode }
    } }
  }
}
"""


def _catalogue(size: int, producer):
    today = timezone.localdate()
    earlier = DecisionFactory(date=today - datetime.timedelta(days=600))
    later = DecisionFactory(date=today - datetime.timedelta(days=60))
    for n in range(size):
        cert = certificate("valid", producer=producer, slug=f"p-{producer.pk}-{n}", stars=3)
        certification_issue(
            product=cert.product, decision=earlier if n % 2 else later, stars=4, by=SYSTEM_IMPORT
        )


def run(api) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        data = api.data(PAGE)
    return len(queries), data


def test_timeline_is_batched_and_matches_the_product_page(api, client, settings):
    settings.SITE_URL = "https://cho-ocop.vn"
    _catalogue(1, ProducerFactory())
    small, _ = run(api)
    _catalogue(30, ProducerFactory())
    large, data = run(api)
    assert small == large
    nodes = {edge["node"]["slug"]: edge["node"] for edge in data["products"]["edges"]}
    assert len(nodes) == 31
    node = next(iter(nodes.values()))
    assert node["ocop"]["verifyUrl"] == f"https://cho-ocop.vn/v/{node['ocop']['code']}/"
    timeline = node["certificationTimeline"]
    assert [event["outcome"] for event in timeline] == ["UPGRADED", "NEW"]
    assert (timeline[0]["stars"], timeline[0]["previousStars"], timeline[1]["previousStars"]) == (4, 3, None)
    assert timeline[0]["certificateCode"] == node["ocop"]["code"]
    html = client.get(f"/products/{node['slug']}/").content.decode()
    for event in timeline:
        assert (
            f'data-decision-number="{event["decisionNumber"]}" data-outcome="{event["outcome"].lower()}"'
            in html
        )
        assert event["decisionUrl"].removeprefix("http://testserver") in html


VERIFY = """
query Verify($code: String!) {
  ocopCertificate(code: $code) { code status daysLeft stars productName productSlug producerName
    decisionNumber decisionDate issuer validFrom validUntil revokedByNumber supersededByCode verifyUrl }
}
"""


@pytest.mark.parametrize("status", ["valid", "expiring", "expired", "revoked", "superseded"])
def test_ocop_certificate_agrees_with_the_verification_page(api, client, status, django_assert_num_queries):
    cert = certificate(status)
    with django_assert_num_queries(1):
        data = api.data(VERIFY, {"code": cert.code.lower()})["ocopCertificate"]
    html = client.get(f"/v/{cert.code}/").content.decode()
    assert f'data-certificate-status="{data["status"].lower()}"' in html
    assert data["status"] == status.upper() and data["code"] == cert.code
    assert (data["revokedByNumber"] is not None) is (status == "revoked")
    assert (data["supersededByCode"] is not None) is (status == "superseded")
    if data["supersededByCode"]:
        assert f'data-successor-code="{data["supersededByCode"]}"' in html
    assert (data["daysLeft"] is not None) is (status in ("valid", "expiring"))
    assert api.data(VERIFY, {"code": "ZZZZZZZZ"})["ocopCertificate"] is None
