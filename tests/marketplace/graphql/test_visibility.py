"""The storefront's visibility rule holds for every way into the API: lists, lookups, nested connections,
filters and search. (Checkout lines are covered in test_checkout.py.)"""

import datetime

import pytest
from django.utils import timezone
from graphql_relay import to_global_id

from marketplace.certification.models import CertificationState
from tests.factories import (
    CertificationFactory,
    DecisionFactory,
    ModerationFactory,
    ProducerFactory,
    ProductFactory,
    VariantFactory,
    visible_product,
)
from tests.factories.graphql import feature

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf():
    producer = ProducerFactory(slug="htx-son-la")
    visible = visible_product(producer=producer, name="Cà phê hiển thị", slug="hien-thi")
    hidden = visible_product(producer=producer, name="Cà phê bị ẩn", slug="bi-an")
    ModerationFactory(product=hidden)
    unpublished = visible_product(producer=producer, name="Cà phê nháp", slug="nhap", is_published=False)
    expired = ProductFactory(producer=producer, name="Cà phê hết hạn", slug="het-han")
    CertificationFactory(
        product=expired,
        decision=DecisionFactory(date=datetime.date(2021, 1, 4)),
        state=CertificationState.EXPIRED,
        ended_at=timezone.now(),
    )
    VariantFactory(product=expired)
    lapsed = ProductFactory(producer=producer, name="Cà phê quá hạn", slug="qua-han")
    # Still "active" in the table: the daily expiry task has not run yet.
    CertificationFactory(
        product=lapsed,
        decision=DecisionFactory(date=timezone.localdate() - datetime.timedelta(days=365 * 3 + 5)),
    )
    VariantFactory(product=lapsed)
    revoked = ProductFactory(producer=producer, name="Cà phê thu hồi", slug="thu-hoi")
    CertificationFactory(
        product=revoked, state=CertificationState.REVOKED, revoked_by=DecisionFactory(kind="revocation")
    )
    VariantFactory(product=revoked)
    invisible = [hidden, unpublished, expired, lapsed, revoked]
    for position, product in enumerate([visible, *invisible]):
        feature(product, position)
    return {"producer": producer, "visible": visible, "invisible": invisible}


def slugs(connection) -> list[str]:
    return [edge["node"]["slug"] for edge in connection["edges"]]


def test_lists_show_only_visible_products(api, shelf):
    data = api.data(
        """query {
          products(first: 100) { totalCount edges { node { slug } } }
          search: products(first: 100, filter: {search: "Cà phê"}) { totalCount edges { node { slug } } }
          stars: products(first: 100, filter: {ocopStars: [3, 4, 5]}) { edges { node { slug } } }
          province: products(first: 100, filter: {provinces: ["son-la"]}) { edges { node { slug } } }
          category(slug: "do-uong") { products(first: 100) { totalCount edges { node { slug } } } }
          collection(slug: "featured-products") {
            products(first: 100) { totalCount edges { node { slug } } }
          }
          producer(slug: "htx-son-la") {
            products(first: 100) { totalCount edges { node { slug } } }
            certifications { stars }
          }
          producers(first: 10) { edges { node { slug } } }
          last: products(last: 100) { edges { node { slug } } }
        }"""
    )
    for connection in (
        data["products"],
        data["search"],
        data["category"]["products"],
        data["collection"]["products"],
        data["producer"]["products"],
    ):
        assert slugs(connection) == ["hien-thi"]
        assert connection["totalCount"] == 1
    for connection in (data["stars"], data["province"], data["last"]):
        assert slugs(connection) == ["hien-thi"]
    assert len(data["producer"]["certifications"]) == 1
    assert slugs(data["producers"]) == ["htx-son-la"]


def test_filter_by_ids_cannot_reach_invisible_products(api, shelf):
    ids = [to_global_id("Product", product.pk) for product in [shelf["visible"], *shelf["invisible"]]]
    data = api.data(
        "query($ids: [ID!]) { products(first: 10, filter: {ids: $ids}) { edges { node { slug } } } }",
        {"ids": ids},
    )
    assert slugs(data["products"]) == ["hien-thi"]


@pytest.mark.parametrize("index", range(5))
def test_lookups_return_null_for_invisible_products(api, shelf, index):
    product = shelf["invisible"][index]
    data = api.data(
        """query($id: ID!, $slug: String!) {
          byId: product(id: $id) { id }
          bySlug: product(slug: $slug, channel: "default-channel") { id }
        }""",
        {"id": to_global_id("Product", product.pk), "slug": product.slug},
    )
    assert data == {"byId": None, "bySlug": None}


def test_visible_product_lookup_and_variant_back_reference(api, shelf):
    product = shelf["visible"]
    data = api.data(
        """query($id: ID!) {
          product(id: $id) { slug variants { product { slug } } ocop { stars status } } }""",
        {"id": to_global_id("Product", product.pk)},
    )
    assert data["product"]["variants"][0]["product"]["slug"] == "hien-thi"
    assert data["product"]["ocop"] == {"stars": 4, "status": "ACTIVE"}


def test_wrong_id_type_in_a_query_is_an_error(api, shelf):
    body = api("query($id: ID!) { product(id: $id) { id } }", {"id": to_global_id("Category", 1)})
    assert body["data"] == {"product": None}
    assert (
        body["errors"][0]["message"]
        == f"Invalid ID: {to_global_id('Category', 1)}. Expected: Product, received: Category."
    )
    body = api('query { product(id: "not-base64!") { id } }')
    assert body["errors"][0]["message"] == "Couldn't resolve id: not-base64!."


def test_expiring_certificate_is_reported(api):
    product = ProductFactory(slug="sap-het-han")
    CertificationFactory(
        product=product,
        decision=DecisionFactory(date=timezone.localdate() - datetime.timedelta(days=365 * 3 - 30)),
    )
    VariantFactory(product=product)
    data = api.data(
        'query { product(slug: "sap-het-han") { ocop { status validUntil decisionNumber issuer } } }'
    )
    assert data["product"]["ocop"]["status"] == "EXPIRING"
    assert data["product"]["ocop"]["issuer"] == "UBND tỉnh Sơn La"
