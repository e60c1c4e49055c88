"""The open register: /open-data/certificates.csv and .json, and GraphQL's ocopRegister, against the
database row for row, and against the verification pages (issue 16)."""

import csv
import io
import json

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from marketplace.catalog.selectors import active_certifications
from marketplace.certification.selectors import REGISTER_FIELDS
from marketplace.core import provinces
from tests.factories import ProducerFactory, ProductFactory
from tests.factories.trust import STATUSES, certificate
from tests.marketplace.graphql.conftest import Api

pytestmark = pytest.mark.django_db

REGISTER = """
query Register($first: Int, $after: String) {
  ocopRegister(first: $first, after: $after) {
    totalCount
    edges { node { code product productSlug producer producerSlug province stars decisionNumber
                   decisionDate issuer validUntil verifyUrl } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


@pytest.fixture(autouse=True)
def _fresh_rate_budget():
    cache.clear()


@pytest.fixture
def api(db) -> Api:
    return Api()


@pytest.fixture
def register():
    """Two certificates of every status; a producer name that a spreadsheet would run as a formula."""
    sly = ProducerFactory(name='=HYPERLINK("http://evil","HTX")', province="lao-cai")
    certs = {status: [certificate(status), certificate(status, producer=sly)] for status in STATUSES}
    certificate("valid", product=ProductFactory(is_published=False, name="-Rượu ngô chưa lên sàn"))
    return certs


def expected_rows() -> list[dict]:
    """The register straight from the storefront's rule, built here without the export's code."""
    rows = []
    for c in active_certifications().select_related("product__producer", "decision").order_by("code"):
        rows.append(
            {
                "code": c.code,
                "product": c.product.name,
                "product_slug": c.product.slug,
                "producer": c.product.producer.name,
                "producer_slug": c.product.producer.slug,
                "province": provinces.name_of(c.product.producer.province),
                "stars": c.stars,
                "decision_number": c.decision.number,
                "decision_date": c.decision.date.isoformat(),
                "issuer": c.decision.issuer,
                "valid_until": c.valid_until.isoformat(),
                "verify_url": f"http://127.0.0.1:8000/v/{c.code}/",
            }
        )
    return rows


def unguard(text: str) -> str:
    return text[1:] if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@", "\t", "\r") else text


def test_csv_matches_the_database_row_for_row_and_guards_formulas(register, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    response = Client().get("/open-data/certificates.csv")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "max-age=900" in response["Cache-Control"] and "public" in response["Cache-Control"]
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    reader = list(csv.reader(io.StringIO(text[1:])))
    assert tuple(reader[0]) == REGISTER_FIELDS
    expected = expected_rows()
    assert len(reader) - 1 == len(expected) == 7  # valid ×2, expiring ×2, unlisted but certified
    formula_cells = [cell for row in reader[1:] for cell in row if cell[:1] in "=+-@\t\r"]
    assert formula_cells == []
    assert any(row[3].startswith("'=HYPERLINK") for row in reader[1:])
    assert any(row[1] == "'-Rượu ngô chưa lên sàn" for row in reader[1:])
    got = [dict(zip(REGISTER_FIELDS, [unguard(cell) for cell in row], strict=True)) for row in reader[1:]]
    assert got == [{k: str(v) for k, v in row.items()} for row in expected]


def test_json_matches_the_database_row_for_row(register, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    response = Client().get("/open-data/certificates.json")
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"
    data = json.loads(b"".join(response.streaming_content))
    assert data["date"] == timezone.localdate().isoformat()
    assert tuple(data["fields"]) == REGISTER_FIELDS
    assert data["certificates"] == expected_rows()


def test_empty_register_is_still_valid_files():
    assert (
        json.loads(b"".join(Client().get("/open-data/certificates.json").streaming_content))["certificates"]
        == []
    )
    text = b"".join(Client().get("/open-data/certificates.csv").streaming_content).decode()
    assert text.strip() == "\ufeff" + ",".join(REGISTER_FIELDS)


def test_api_pages_and_files_agree(register, api):
    first = api.data(REGISTER, {"first": 4})["ocopRegister"]
    second = api.data(REGISTER, {"first": 4, "after": first["pageInfo"]["endCursor"]})["ocopRegister"]
    assert first["totalCount"] == 7 and first["pageInfo"]["hasNextPage"]
    nodes = [edge["node"] for edge in first["edges"] + second["edges"]]
    data = json.loads(b"".join(Client().get("/open-data/certificates.json").streaming_content))
    snake = {
        "productSlug": "product_slug",
        "producerSlug": "producer_slug",
        "decisionNumber": "decision_number",
        "decisionDate": "decision_date",
        "validUntil": "valid_until",
        "verifyUrl": "verify_url",
    }
    assert [{snake.get(k, k): v for k, v in node.items()} for node in nodes] == data["certificates"]
    client = Client()
    for row in data["certificates"]:
        html = client.get(f"/v/{row['code']}/").content.decode()
        assert 'data-certificate-status="valid"' in html or 'data-certificate-status="expiring"' in html
        assert row["decision_number"] in html
    for status in ("expired", "revoked", "superseded"):
        for cert in register[status]:
            assert cert.code not in {row["code"] for row in data["certificates"]}


def test_register_api_runs_constant_queries(api, django_assert_num_queries):
    certificate("valid")
    with django_assert_num_queries(2):  # page + count
        small = api.data(REGISTER, {"first": 100})["ocopRegister"]
    for _ in range(20):
        certificate("valid")
    with django_assert_num_queries(2):
        large = api.data(REGISTER, {"first": 100})["ocopRegister"]
    assert (len(small["edges"]), len(large["edges"])) == (1, 21)


def test_a_client_downloading_in_a_loop_is_told_to_wait(settings):
    settings.OPEN_DATA_REQUESTS_PER_MINUTE = 3
    client = Client()
    codes = [client.get("/open-data/certificates.csv").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = client.get("/open-data/certificates.json")
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert "Quá nhiều lượt tải" in refused.content.decode()
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.get("/open-data/certificates.json").status_code == 200
