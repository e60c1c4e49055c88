"""Nested fields are batched by DataLoaders: the SQL count does not grow with the page size."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories.graphql import bulk_visible_products

pytestmark = pytest.mark.django_db

PRODUCTS_PAGE = """
query {
  products(first: 100, channel: "default-channel") {
    totalCount
    edges {
      node {
        id name slug
        pricing { priceRange { start { gross { amount currency } } stop { gross { amount } } } }
        thumbnail(size: 512, format: WEBP) { url alt }
        category { id name slug }
        producer { id name slug province kind }
        ocop { stars status decisionNumber decisionDate issuer validUntil score }
        variants { id name quantityAvailable pricing { price { gross { amount currency } } } }
        collections { slug }
        rating
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""

# count, page, variants(+stock), images, categories, producers, certificates(+decision), collections
EXPECTED_QUERIES = 8


def run_page(api) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        data = api.data(PRODUCTS_PAGE)
    return len(queries), data


def test_products_page_runs_constant_queries(api):
    bulk_visible_products(1)
    small, data = run_page(api)
    assert len(data["products"]["edges"]) == 1
    bulk_visible_products(99)
    large, data = run_page(api)
    assert len(data["products"]["edges"]) == 100
    assert data["products"]["totalCount"] == 100
    node = data["products"]["edges"][-1]["node"]
    assert node["ocop"]["stars"] == 4
    assert node["ocop"]["status"] == "ACTIVE"
    assert node["thumbnail"]["url"].endswith(".png")
    assert small == large == EXPECTED_QUERIES


def test_producer_products_and_category_products_are_batched(api):
    products = bulk_visible_products(30)
    slug = products[0].producer.slug
    query = """query($slug: String!) {
      producer(slug: $slug) {
        name certifications { stars decisionNumber }
        products(first: 50) { totalCount edges { node {
          name pricing { priceRange { start { gross { amount } } } }
          ocop { stars } producer { slug } category { slug } } } }
      }
      category(slug: "do-uong") {
        products(first: 50) { edges { node { ocop { stars } thumbnail { url } } } }
      }
    }"""
    with CaptureQueriesContext(connection) as queries:
        data = api.data(query, {"slug": slug})
    assert data["producer"]["products"]["totalCount"] == 30
    assert len(data["producer"]["certifications"]) == 30
    assert len(data["category"]["products"]["edges"]) == 30
    assert len(queries) <= 14


def test_checkout_find_runs_constant_queries(api):
    from graphql_relay import to_global_id

    from marketplace.checkout import services
    from tests.factories.graphql import product_with_image
    from tests.marketplace.graphql import storefront_operations as ops

    checkout = services.checkout_create(email="lan@example.vn", by=AnonymousUser())
    checkout_id = to_global_id("Checkout", str(checkout.token))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            api.data(ops.CHECKOUT_FIND, {"id": checkout_id})
        return len(queries)

    product = product_with_image()
    services.checkout_lines_add(checkout=checkout, variant_id=product.variants.get().pk, by=AnonymousUser())
    one = count()
    for _ in range(9):
        product = product_with_image()
        services.checkout_lines_add(
            checkout=checkout, variant_id=product.variants.get().pk, by=AnonymousUser()
        )
    assert count() == one


ATTRIBUTES_PAGE = """
query($where: ProductWhereInput) {
  products(first: 100, channel: "default-channel", where: $where) {
    edges { node {
      productType { slug kind productAttributes { slug } }
      attributes { attribute { slug inputType translation(languageCode: EN) { name } }
                   values { name slug translation(languageCode: EN) { name } } }
      assignedAttribute(slug: "ocop-stars") { ... on AssignedSingleChoiceAttribute { value { slug } } }
      assignedAttributes(limit: 50) { attribute { slug } }
    } }
  }
  sample: products(first: 12, channel: "default-channel") {
    edges { node {
      productVariants(first: 50) { totalCount edges { node {
        attributes(variantSelection: VARIANT_SELECTION) { attribute { slug } values { name } }
        assignedAttributes { attribute { slug } }
      } } }
    } }
  }
}
"""
# page, producers, certificates, 4 attribute catalogue tables + categories, attribute and value
# translations in one language; the sample: page, variants(+stock)
EXPECTED_ATTRIBUTE_QUERIES = 12


def test_attributes_and_variants_of_a_page_run_constant_queries(api):
    where = {"attributes": [{"slug": "ocop-stars", "values": ["4"]}]}

    def run() -> tuple[int, dict]:
        with CaptureQueriesContext(connection) as queries:
            data = api.data(ATTRIBUTES_PAGE, {"where": where})
        return len(queries), data

    bulk_visible_products(1)
    small, data = run()
    bulk_visible_products(99)
    large, data = run()
    edges = data["products"]["edges"]
    assert len(edges) == 100
    node = edges[-1]["node"]
    assert node["productType"]["slug"] == "do-uong"
    assert node["attributes"][0]["values"] == [
        {"name": "4 sao", "slug": "4", "translation": {"name": "4 stars"}}
    ]
    assert node["assignedAttribute"] == {"value": {"slug": "4"}}
    assert [e["node"]["productVariants"]["totalCount"] for e in data["sample"]["edges"]] == [1] * 12
    assert small == large == EXPECTED_ATTRIBUTE_QUERIES


VARIANTS_AND_PAGES = """
{
  productVariants(first: 100, channel: "default-channel") {
    totalCount
    edges { node { sku quantityAvailable product { slug productType { slug } }
      attributes { attribute { slug } values { name } } } }
  }
  pages(first: 20) {
    totalCount edges { node { slug pageType { slug } assignedAttributes { attribute { slug } } } }
  }
}
"""
# variants(+stock) and their count, the variants' visible products, 4 attribute tables + categories,
# pages and their count
EXPECTED_VARIANT_PAGE_QUERIES = 10


def test_product_variants_and_pages_run_constant_queries(api):
    def run() -> tuple[int, dict]:
        with CaptureQueriesContext(connection) as queries:
            data = api.data(VARIANTS_AND_PAGES)
        return len(queries), data

    bulk_visible_products(2)
    small, _ = run()
    bulk_visible_products(98)
    large, data = run()
    assert data["productVariants"]["totalCount"] == 100
    assert data["productVariants"]["edges"][0]["node"]["product"]["productType"] == {"slug": "do-uong"}
    assert small == large == EXPECTED_VARIANT_PAGE_QUERIES


TRANSLATED_PAGE = """
query {
  products(first: 100, channel: "default-channel") {
    edges { node {
      translation(languageCode: EN) { name slug }
      variants { translation(languageCode: EN) { name } }
      category { translation(languageCode: EN) { name } }
      collections { translation(languageCode: EN) { name } }
      slugPL: translation(languageCode: PL) { slug }
    } }
  }
}
"""


def test_translations_of_a_page_run_constant_queries(api):
    from marketplace.catalog.services import product_translation_set
    from marketplace.producers.policies import SYSTEM_TASK

    def run() -> tuple[int, list]:
        with CaptureQueriesContext(connection) as queries:
            edges = api.data(TRANSLATED_PAGE)["products"]["edges"]
        return len(queries), edges

    first = bulk_visible_products(1)
    product_translation_set(product=first[0], language_code="en", name="First", by=SYSTEM_TASK)
    small, edges = run()
    assert edges[0]["node"]["translation"] == {"name": "First", "slug": "first"}
    bulk_visible_products(99)
    large, edges = run()
    assert len(edges) == 100
    assert [edge["node"]["translation"] for edge in edges].count(None) == 99
    # page, variants, categories, collections; EN and PL product translations, EN variant and category
    # translations (no collection is found, so none of their translations is asked for)
    assert small == large == 8


def test_translated_checkout_lines_run_constant_queries(api):
    from graphql_relay import to_global_id

    from marketplace.catalog.services import variant_translation_set
    from marketplace.checkout import services
    from marketplace.producers.policies import SYSTEM_TASK
    from tests.factories.graphql import product_with_image

    checkout = services.checkout_create(email="lan@example.vn", by=AnonymousUser())
    query = """query($id: ID!) { checkout(id: $id) { lines { variant {
      name translation(languageCode: EN) { name }
      product {
        name translation(languageCode: EN) { name } category { translation(languageCode: EN) { name } }
      }
    } } } }"""

    def count() -> tuple[int, list]:
        with CaptureQueriesContext(connection) as queries:
            lines = api.data(query, {"id": to_global_id("Checkout", str(checkout.token))})["checkout"][
                "lines"
            ]
        return len(queries), lines

    def add() -> None:
        variant = product_with_image().variants.get()
        services.checkout_lines_add(checkout=checkout, variant_id=variant.pk, by=AnonymousUser())
        variant_translation_set(variant=variant, language_code="en", name=f"Bag {variant.pk}", by=SYSTEM_TASK)

    add()
    one, lines = count()
    for _ in range(9):
        add()
    ten, lines = count()
    assert len(lines) == 10
    assert all(line["variant"]["translation"]["name"].startswith("Bag ") for line in lines)
    assert one == ten
