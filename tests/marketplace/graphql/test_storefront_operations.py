"""Acceptance: Saleor's storefront operations return data and no errors."""

import pytest
from graphql_relay import to_global_id

from marketplace.catalog.models import Category
from tests.factories import UserFactory, visible_product
from tests.factories.graphql import feature, product_with_image
from tests.marketplace.graphql import storefront_operations as ops

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    coffee = product_with_image(name="Cà phê Arabica Sơn La", slug="ca-phe-arabica-son-la", price=185_000)
    tea = product_with_image(
        name="Trà Shan tuyết",
        slug="tra-shan-tuyet",
        price=250_000,
        category=Category.objects.get(slug="do-uong"),
    )
    honey = visible_product(
        name="Mật ong bạc hà", slug="mat-ong-bac-ha", category=Category.objects.get(slug="thuc-pham")
    )
    feature(tea, 0)
    feature(coffee, 1)
    return {"coffee": coffee, "tea": tea, "honey": honey}


def test_product_list(api, catalogue):
    data = api.data(ops.PRODUCT_LIST)
    names = [edge["node"]["name"] for edge in data["products"]["edges"]]
    assert names == ["Cà phê Arabica Sơn La", "Mật ong bạc hà", "Trà Shan tuyết"]
    coffee = data["products"]["edges"][0]["node"]
    assert coffee["pricing"]["priceRange"]["start"]["gross"]["amount"] == 185_000
    assert coffee["category"]["name"] == "Đồ uống"
    assert coffee["thumbnail"]["url"].startswith("http://testserver/")


def test_product_list_paginated(api, catalogue):
    variables = {"first": 2, "channel": "default-channel"}
    page1 = api.data(ops.PRODUCT_LIST_PAGINATED, variables)["products"]
    assert page1["totalCount"] == 3
    assert page1["pageInfo"]["hasNextPage"] is True
    assert page1["pageInfo"]["hasPreviousPage"] is False
    page2 = api.data(ops.PRODUCT_LIST_PAGINATED, {**variables, "after": page1["pageInfo"]["endCursor"]})[
        "products"
    ]
    assert [e["node"]["slug"] for e in page2["edges"]] == ["tra-shan-tuyet"]
    assert page2["pageInfo"]["hasNextPage"] is False
    assert page2["pageInfo"]["hasPreviousPage"] is True
    node = page2["edges"][0]["node"]
    assert node["pricing"]["priceRange"]["start"]["gross"] == {"amount": 250_000, "currency": "VND"}
    assert node["pricing"]["onSale"] is False
    assert node["media"][0]["type"] == "IMAGE"
    last = api.data(ops.PRODUCT_LIST_PAGINATED, {"last": 1, "channel": "default-channel"})["products"]
    assert [e["node"]["slug"] for e in last["edges"]] == ["tra-shan-tuyet"]
    assert last["pageInfo"]["hasPreviousPage"] is True


def test_product_list_by_category(api, catalogue):
    data = api.data(ops.PRODUCT_LIST_BY_CATEGORY, {"slug": "do-uong"})
    assert data["category"]["name"] == "Đồ uống"
    assert [e["node"]["name"] for e in data["category"]["products"]["edges"]] == [
        "Cà phê Arabica Sơn La",
        "Trà Shan tuyết",
    ]


def test_product_list_by_collection(api, catalogue):
    data = api.data(ops.PRODUCT_LIST_BY_COLLECTION, {"slug": "featured-products"})
    collection = data["collection"]
    assert collection["name"] == "Sản phẩm nổi bật"
    # The curated order, not alphabetical.
    assert [e["node"]["slug"] for e in collection["products"]["edges"]] == [
        "tra-shan-tuyet",
        "ca-phe-arabica-son-la",
    ]


def test_product_details(api, catalogue):
    coffee = catalogue["coffee"]
    coffee.description = "<p>Hương <strong>thơm</strong></p><ul><li>500g</li></ul>"
    coffee.seo_title = "Cà phê Sơn La"
    coffee.save()
    data = api.data(ops.PRODUCT_DETAILS, {"slug": "ca-phe-arabica-son-la"})
    product = data["product"]
    assert product["id"] == to_global_id("Product", coffee.pk)
    assert product["seoTitle"] == "Cà phê Sơn La"
    import json

    description = json.loads(product["description"])
    assert description["blocks"] == [
        {"type": "paragraph", "data": {"text": "Hương <strong>thơm</strong>"}},
        {"type": "list", "data": {"style": "unordered", "items": ["500g"]}},
    ]
    variant = product["variants"][0]
    assert variant["quantityAvailable"] == 50
    assert variant["pricing"]["price"]["gross"] == {"currency": "VND", "amount": 185_000}
    assert variant["id"] == to_global_id("ProductVariant", coffee.variants.get().pk)


def test_search_products(api, catalogue):
    variables = {
        "search": "trà",
        "sortBy": "NAME",
        "sortDirection": "ASC",
        "first": 10,
        "channel": "default-channel",
    }
    data = api.data(ops.SEARCH_PRODUCTS, variables)
    assert data["products"]["totalCount"] == 1
    assert data["products"]["edges"][0]["node"]["slug"] == "tra-shan-tuyet"
    ranked = api.data(ops.SEARCH_PRODUCTS, {**variables, "sortBy": "RANK", "sortDirection": "DESC"})
    assert ranked["products"]["totalCount"] == 1


def test_current_user(api):
    user = UserFactory(email="khach@example.vn", first_name="Lan", last_name="Nguyễn")
    data = api.data(ops.CURRENT_USER, user=user)
    assert data["me"] == {
        "id": to_global_id("User", user.pk),
        "email": "khach@example.vn",
        "firstName": "Lan",
        "lastName": "Nguyễn",
        "avatar": None,
    }
    assert api.data(ops.CURRENT_USER) == {"me": None}


def test_menu_get_by_slug(api):
    navbar = api.data(ops.MENU_GET_BY_SLUG, {"slug": "navbar"})["menu"]["items"]
    assert [item["category"]["slug"] for item in navbar if item["category"]] == [
        "thuc-pham",
        "do-uong",
        "duoc-lieu",
        "thu-cong-my-nghe",
    ]
    assert navbar[-1]["collection"]["slug"] == "featured-products"
    footer = api.data(ops.MENU_GET_BY_SLUG, {"slug": "footer"})["menu"]["items"]
    children = footer[0]["children"]
    assert children[0]["page"]["slug"] == "about"
    assert children[0]["level"] == 1
    assert children[1]["url"] == "/search/"


def test_page_get_by_slug(api):
    page = api.data(ops.PAGE_GET_BY_SLUG, {"slug": "about"})["page"]
    assert page["title"] == "Giới thiệu"
    assert '"blocks"' in page["content"]


def test_channels_list(api):
    data = api.data(ops.CHANNELS_LIST)
    assert data["channels"] == [
        {
            "id": data["channels"][0]["id"],
            "name": "Default channel",
            "slug": "default-channel",
            "isActive": True,
            "currencyCode": "VND",
            "countries": [{"country": "Viet Nam", "code": "VN"}],
        }
    ]


def test_product_attribute_details(api, catalogue):
    data = api.data(ops.PRODUCT_ATTRIBUTE_DETAILS, {"slug": "tra-shan-tuyet", "languageCode": "EN"})[
        "product"
    ]
    assert data["productType"] == {"slug": "do-uong"}
    assert data["productVariants"] == {"totalCount": 1}
    assert data["flag"] is None
    stars = data["assignedAttributes"][0]
    assert stars == {
        "attribute": {"name": "Hạng sao OCOP", "slug": "ocop-stars", "translation": {"name": "OCOP stars"}},
        "choice": {"name": "4 sao", "slug": "4", "translation": "4 stars"},
    }
    assert [a["attribute"]["slug"] for a in data["assignedAttributes"]] == [
        "ocop-stars",
        "province",
        "producer-kind",
    ]


def test_product_variants_page_and_variant_by_sku(api, catalogue):
    variant = catalogue["tea"].variants.get()
    variant.weight_grams = 250
    variant.save()
    page = api.data(
        ops.PRODUCT_VARIANTS_PAGE, {"slug": "tra-shan-tuyet", "languageCode": "EN_US", "first": 10}
    )["product"]["productVariants"]
    assert page["totalCount"] == 1 and page["pageInfo"]["hasNextPage"] is False
    node = page["edges"][0]["node"]
    assert node["selectionAttributes"] == [
        {
            "attribute": {
                "name": "Khối lượng",
                "slug": "weight",
                "inputType": "NUMERIC",
                "translation": {"name": "Weight"},
            },
            "values": [{"name": "250", "slug": "250", "value": None, "translation": None, "file": None}],
        },
        # no volume: the drinks type has one, but this pack has none, so it is nothing to choose
    ]
    assert node["nonSelectionAttributes"] == []
    found = api.data(ops.VARIANT_BY_SKU, {"sku": variant.sku, "languageCode": "EN"})["productVariant"]
    assert found["id"] == node["id"]
    assert found["product"]["slug"] == "tra-shan-tuyet"


def test_product_list_where(api, catalogue):
    variables = {
        "first": 12,
        "sortBy": {"field": "NAME", "direction": "ASC"},
        "where": {"attributes": [{"slug": "province", "value": {"slug": {"oneOf": ["son-la"]}}}]},
    }
    data = api.data(ops.PRODUCT_LIST_WHERE, variables)["products"]
    assert [edge["node"]["slug"] for edge in data["edges"]] == [
        "ca-phe-arabica-son-la",
        "mat-ong-bac-ha",
        "tra-shan-tuyet",
    ]
    variables["where"] = {"attributes": [{"slug": "province", "values": ["ha-noi"]}]}
    assert api.data(ops.PRODUCT_LIST_WHERE, variables)["products"]["totalCount"] == 0


def test_content_pages_by_slugs(api):
    from marketplace.content.models import Page

    Page.objects.create(title="Nháp", slug="nhap", is_published=False)
    data = api.data(ops.CONTENT_PAGES, {"slugs": ["about", "nhap", "khong-co"], "languageCode": "EN"})[
        "pages"
    ]
    assert data["totalCount"] == 1
    assert data["edges"][0]["node"] == {
        "slug": "about",
        "isPublished": True,
        "pageType": {"slug": "content"},
        "assignedAttributes": [],
    }
