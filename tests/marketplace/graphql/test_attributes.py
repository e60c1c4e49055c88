"""Product types, attributes and `where:` filters: the values are read from the real data (valid
certificate, producer, product, variant) and the filters only ever narrow what a shopper may see."""

import datetime

import pytest
from django.utils import timezone
from graphql_relay import to_global_id

from marketplace.catalog.models import Attribute, Category, ProductType
from marketplace.certification.models import CertificationState
from tests.factories import (
    CertificationFactory,
    ModerationFactory,
    ProducerFactory,
    ProductFactory,
    VariantFactory,
    visible_product,
)

pytestmark = pytest.mark.django_db

PRODUCT_ATTRIBUTES = """
query($slug: String!, $lang: LanguageCodeEnum!) {
  product(slug: $slug, channel: "default-channel") {
    productType { name slug kind hasVariants isShippingRequired }
    attributes { attribute { slug inputType translation(languageCode: $lang) { name } } values { name slug } }
    stars: assignedAttribute(slug: "ocop-stars") {
      attribute { name }
      ... on AssignedSingleChoiceAttribute { value { name slug translation(languageCode: $lang) } }
    }
    bestseller: assignedAttribute(slug: "bestseller") { ... on AssignedBooleanAttribute { value } }
    assignedAttributes(limit: 10) {
      attribute { slug }
      ... on AssignedPlainTextAttribute { text: value }
      ... on AssignedSingleChoiceAttribute { choice: value { slug } }
    }
    productVariants(first: 5) {
      totalCount
      edges { node {
        sku
        attributes(variantSelection: VARIANT_SELECTION) { attribute { slug unit } values { name } }
        assignedAttributes { attribute { slug } ... on AssignedNumericAttribute { number: value } }
      } }
    }
  }
}
"""


@pytest.fixture
def wine():
    producer = ProducerFactory(province="lao-cai", kind="household")
    product = ProductFactory(
        name="Rượu ngô Bắc Hà",
        slug="ruou-ngo-bac-ha",
        producer=producer,
        origin="Bắc Hà, Lào Cai",
        category=Category.objects.get(slug="do-uong"),
    )
    CertificationFactory(product=product, stars=4)
    VariantFactory(product=product, sku="RUOU-500", price_amount=150_000, volume_ml=500, weight_grams=900)
    return product


def _query(api, slug, lang="EN"):
    return api.data(PRODUCT_ATTRIBUTES, {"slug": slug, "lang": lang})["product"]


def test_attributes_show_the_products_real_data(api, wine):
    product = _query(api, "ruou-ngo-bac-ha")
    assert product["productType"] == {
        "name": "Đồ uống",
        "slug": "do-uong",
        "kind": "NORMAL",
        "hasVariants": True,
        "isShippingRequired": True,
    }
    assert product["attributes"] == [
        {
            "attribute": {
                "slug": "ocop-stars",
                "inputType": "DROPDOWN",
                "translation": {"name": "OCOP stars"},
            },
            "values": [{"name": "4 sao", "slug": "4"}],
        },
        {
            "attribute": {"slug": "province", "inputType": "DROPDOWN", "translation": {"name": "Province"}},
            "values": [{"name": "Lào Cai", "slug": "lao-cai"}],
        },
        {
            "attribute": {
                "slug": "producer-kind",
                "inputType": "DROPDOWN",
                "translation": {"name": "Producer type"},
            },
            "values": [{"name": "Hộ kinh doanh", "slug": "household"}],
        },
        {
            "attribute": {
                "slug": "origin",
                "inputType": "PLAIN_TEXT",
                "translation": {"name": "Area of origin"},
            },
            "values": [{"name": "Bắc Hà, Lào Cai", "slug": None}],
        },
    ]
    assert product["stars"] == {
        "attribute": {"name": "Hạng sao OCOP"},
        "value": {"name": "4 sao", "slug": "4", "translation": "4 stars"},
    }
    assert product["bestseller"] is None
    assert product["assignedAttributes"] == [
        {"attribute": {"slug": "ocop-stars"}, "choice": {"slug": "4"}},
        {"attribute": {"slug": "province"}, "choice": {"slug": "lao-cai"}},
        {"attribute": {"slug": "producer-kind"}, "choice": {"slug": "household"}},
        {"attribute": {"slug": "origin"}, "text": "Bắc Hà, Lào Cai"},
    ]
    variants = product["productVariants"]
    assert variants["totalCount"] == 1
    assert variants["edges"][0]["node"] == {
        "sku": "RUOU-500",
        "attributes": [
            {"attribute": {"slug": "weight", "unit": "G"}, "values": [{"name": "900"}]},
            {"attribute": {"slug": "volume", "unit": "LITER"}, "values": [{"name": "0.5"}]},
        ],
        "assignedAttributes": [
            {"attribute": {"slug": "weight"}, "number": 900.0},
            {"attribute": {"slug": "volume"}, "number": 0.5},
        ],
    }


def test_translation_is_null_without_one_and_falls_back_to_the_base_language(api, wine):
    assert _query(api, "ruou-ngo-bac-ha", "FR")["attributes"][0]["attribute"]["translation"] is None
    assert _query(api, "ruou-ngo-bac-ha", "EN_US")["stars"]["value"]["translation"] == "4 stars"


def test_stars_follow_the_valid_certificate_never_a_stored_copy(api, wine):
    assert _query(api, "ruou-ngo-bac-ha")["stars"]["value"]["slug"] == "4"
    wine.certifications.update(state=CertificationState.SUPERSEDED)
    CertificationFactory(product=wine, stars=5)  # re-rated by a newer decision
    assert _query(api, "ruou-ngo-bac-ha")["stars"]["value"]["slug"] == "5"


def test_product_type_follows_the_category_group_and_the_tourism_type_ships_nothing(api):
    child = Category.objects.create(
        name="Homestay", slug="homestay", parent=Category.objects.get(slug="du-lich")
    )
    visible_product(slug="homestay-ta-xua", category=child)
    product = _query(api, "homestay-ta-xua")
    assert product["productType"]["slug"] == "du-lich"
    assert product["productType"]["isShippingRequired"] is False
    assert [a["attribute"]["slug"] for a in product["attributes"]] == [
        "ocop-stars",
        "province",
        "producer-kind",
    ]


WHERE = """
query($where: ProductWhereInput) {
  products(first: 20, channel: "default-channel", where: $where) { totalCount edges { node { slug } } }
}
"""


@pytest.fixture
def shelf():
    son_la = ProducerFactory(province="son-la", kind="cooperative")
    ha_noi = ProducerFactory(province="ha-noi", kind="company")
    products = {
        "ca-phe": visible_product(slug="ca-phe", stars=5, producer=son_la, price=185_000),
        "tra": visible_product(slug="tra", stars=4, producer=son_la, price=90_000),
        "banh": visible_product(
            slug="banh",
            stars=3,
            producer=ha_noi,
            price=40_000,
            category=Category.objects.get(slug="thuc-pham"),
        ),
    }
    hidden = visible_product(slug="an-5-sao", stars=5, producer=son_la)
    ModerationFactory(product=hidden)
    return products


def _slugs(api, where):
    return sorted(edge["node"]["slug"] for edge in api.data(WHERE, {"where": where})["products"]["edges"])


def test_where_filters_by_attributes_within_visible_products(api, shelf):
    assert _slugs(api, {"attributes": [{"slug": "ocop-stars", "values": ["5"]}]}) == ["ca-phe"]
    assert _slugs(
        api, {"attributes": [{"slug": "ocop-stars", "value": {"slug": {"oneOf": ["4", "5"]}}}]}
    ) == ["ca-phe", "tra"]
    assert _slugs(
        api, {"attributes": [{"slug": "ocop-stars", "value": {"numeric": {"range": {"gte": 4}}}}]}
    ) == ["ca-phe", "tra"]
    assert _slugs(api, {"attributes": [{"slug": "province", "value": {"slug": {"eq": "ha-noi"}}}]}) == [
        "banh"
    ]
    assert _slugs(
        api, {"attributes": [{"slug": "producer-kind", "value": {"name": {"eq": "Hợp tác xã"}}}]}
    ) == ["ca-phe", "tra"]
    assert _slugs(api, {"attributes": [{"slug": "no-such-attribute", "values": ["x"]}]}) == []


def test_where_saleor_fields(api, shelf):
    coffee = to_global_id("Product", shelf["ca-phe"].pk)
    assert _slugs(api, {"ids": [coffee]}) == ["ca-phe"]
    assert _slugs(api, {"slug": {"oneOf": ["tra", "an-5-sao"]}}) == ["tra"]
    food = to_global_id("ProductType", ProductType.objects.get(slug="thuc-pham").pk)
    assert _slugs(api, {"productType": {"eq": food}}) == ["banh"]
    drinks = to_global_id("Category", Category.objects.get(slug="do-uong").pk)
    assert _slugs(api, {"category": {"eq": drinks}}) == ["ca-phe", "tra"]
    assert _slugs(api, {"price": {"range": {"gte": 50000, "lte": 100000}}}) == ["tra"]
    assert _slugs(api, {"isAvailable": True, "stockAvailability": "IN_STOCK"}) == ["banh", "ca-phe", "tra"]
    assert _slugs(api, {"minimalPrice": {"range": {"lte": 50000}}}) == ["banh"]
    assert _slugs(api, {"price": {"oneOf": [90000, 185000]}}) == ["ca-phe", "tra"]
    assert _slugs(api, {"isPublished": False}) == []
    assert _slugs(
        api,
        {"OR": [{"slug": {"eq": "banh"}}, {"attributes": [{"slug": "ocop-stars", "values": ["5"]}]}]},
    ) == ["banh", "ca-phe"]


def test_where_is_bounded(api, shelf):
    too_many = {"attributes": [{"slug": "ocop-stars", "values": ["5"]}] * 11}
    body = api(WHERE, {"where": too_many})
    assert body["errors"][0]["message"] == "`attributes` accepts at most 10 filters."
    nested = {"AND": [{"AND": [{"AND": [{"slug": {"eq": "tra"}}]}]}]}
    assert api(WHERE, {"where": nested})["errors"][0]["message"] == "`where` nests AND/OR at most 3 deep."
    body = api(WHERE, {"where": {"ids": ["x"] * 101}})
    assert body["errors"][0]["message"] == "Filter `ids` accepts at most 100 values."


def test_attributes_and_product_types_queries(api):
    Attribute.objects.filter(slug="origin").update(visible_in_storefront=False)
    data = api.data(
        """{ attributes(first: 10) { totalCount edges { node { slug inputType unit withChoices
               choices(first: 3) { totalCount edges { node { slug name } } } } } }
             attribute(slug: "ocop-stars") { name }
             hidden: attribute(slug: "origin") { name }
             productTypes(first: 10) { totalCount edges { node { slug productAttributes { slug }
               variantAttributes(variantSelection: VARIANT_SELECTION) { slug } } } } }"""
    )
    nodes = [edge["node"] for edge in data["attributes"]["edges"]]
    assert [node["slug"] for node in nodes] == ["ocop-stars", "province", "producer-kind", "weight", "volume"]
    assert nodes[0]["choices"] == {
        "totalCount": 3,
        "edges": [{"node": {"slug": s, "name": f"{s} sao"}} for s in ("3", "4", "5")],
    }
    assert nodes[1]["choices"]["totalCount"] == 34
    assert nodes[3]["unit"] == "G" and nodes[3]["withChoices"] is False
    assert data["attribute"] == {"name": "Hạng sao OCOP"}
    assert data["hidden"] is None
    assert data["productTypes"]["totalCount"] == 7
    drinks = next(e["node"] for e in data["productTypes"]["edges"] if e["node"]["slug"] == "do-uong")
    assert [a["slug"] for a in drinks["productAttributes"]] == ["ocop-stars", "province", "producer-kind"]
    assert [a["slug"] for a in drinks["variantAttributes"]] == ["weight", "volume"]


def test_product_variants_lists_only_visible_products_variants(api, shelf):
    hidden_variant = ProductFactory(is_published=False)
    VariantFactory(product=hidden_variant, sku="HIDDEN-1")
    query = """query($where: ProductVariantWhereInput) {
      productVariants(first: 10, channel: "default-channel", where: $where) {
        totalCount edges { node { sku product { slug } } } } }"""
    data = api.data(query)["productVariants"]
    assert data["totalCount"] == 3
    assert sorted(e["node"]["product"]["slug"] for e in data["edges"]) == ["banh", "ca-phe", "tra"]
    assert api.data(query, {"where": {"sku": {"eq": "HIDDEN-1"}}})["productVariants"]["totalCount"] == 0
    sku = shelf["tra"].variants.get().sku
    one = api.data("query($sku: String) { productVariant(sku: $sku) { sku } }", {"sku": sku})
    assert one == {"productVariant": {"sku": sku}}
    assert api.data('{ productVariant(sku: "HIDDEN-1") { sku } }') == {"productVariant": None}


def test_expired_certificate_shows_no_star(api):
    product = ProductFactory(slug="het-han")
    CertificationFactory(
        product=product, stars=5, valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    VariantFactory(product=product)
    assert api.data('{ product(slug: "het-han") { name } }') == {"product": None}


def test_producers_set_origin_and_volume_through_the_api(api):
    from tests.factories.portal import member_of

    producer = ProducerFactory()
    product = ProductFactory(producer=producer)
    variant = VariantFactory(product=product)
    owner = member_of(producer)
    body = api(
        """mutation($id: ID!) {
          productUpdate(id: $id, input: {origin: "Tà Xùa"}) { errors { field code } } }""",
        {"id": to_global_id("Product", product.pk)},
        user=owner,
    )
    assert body["data"]["productUpdate"]["errors"] == []
    body = api(
        """mutation($id: ID!) {
          productVariantUpdate(id: $id, input: {volumeMl: 750}) { errors { field } } }""",
        {"id": to_global_id("ProductVariant", variant.pk)},
        user=owner,
    )
    assert body["data"]["productVariantUpdate"]["errors"] == []
    product.refresh_from_db()
    variant.refresh_from_db()
    assert (product.origin, variant.volume_ml) == ("Tà Xùa", 750)
    body = api(
        """mutation($id: ID!) {
          productVariantUpdate(id: $id, input: {volumeMl: -1}) { errors { field } } }""",
        {"id": to_global_id("ProductVariant", variant.pk)},
        user=owner,
    )
    assert body["data"]["productVariantUpdate"]["errors"] == [{"field": "volumeMl"}]
    variant.refresh_from_db()
    assert variant.volume_ml == 750


def test_translation_objects_tell_their_language(api):
    data = api.data(
        """{ attribute(slug: "producer-kind") {
              translation(languageCode: EN_GB) { name language { code language } }
              choices(first: 1) { edges { node {
                name translation(languageCode: EN) { name language { code } } } } }
            } }"""
    )["attribute"]
    assert data["translation"] == {"name": "Producer type", "language": {"code": "EN", "language": "English"}}
    assert data["choices"]["edges"][0]["node"] == {
        "name": "Doanh nghiệp",
        "translation": {"name": "Company", "language": {"code": "EN"}},
    }


VARIANT_SCOPES = """
query($slug: String!) {
  product(slug: $slug, channel: "default-channel") {
    variants {
      choose: attributes(variantSelection: VARIANT_SELECTION) { attribute { slug } values { name } }
      every: attributes(variantSelection: ALL) { attribute { slug } values { name } }
    }
  }
}
"""


def test_variant_selection_offers_only_the_pack_sizes_the_variant_has(api):
    """A drinks type has weight and volume; a coffee pack weighs and has no volume, so the volume is nothing
    to choose (Saleor's storefront waits for a choice in every selection attribute before "Add to bag")."""
    coffee = visible_product(slug="ca-phe-hat", category=Category.objects.get(slug="do-uong"))
    coffee.variants.update(weight_grams=600, volume_ml=None)
    variant = api.data(VARIANT_SCOPES, {"slug": "ca-phe-hat"})["product"]["variants"][0]
    assert variant["choose"] == [{"attribute": {"slug": "weight"}, "values": [{"name": "600"}]}]
    assert variant["every"] == [
        {"attribute": {"slug": "weight"}, "values": [{"name": "600"}]},
        {"attribute": {"slug": "volume"}, "values": []},
    ]
