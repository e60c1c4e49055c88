"""Saleor's languages: `translation(languageCode)` answers the stored translation or null (the client falls
back to the base Vietnamese field), `slugLanguageCode` finds records by translated slug, unknown languages
are refused by the enum, and the SQL stays constant per page."""

import json

import pytest

from marketplace.catalog import services as catalog
from marketplace.catalog.models import Category, Collection, ProductTranslation
from marketplace.content import services as content
from marketplace.content.models import MenuItem, Page
from marketplace.core.languages import LANGUAGES
from marketplace.graphql.core.languages import LanguageCodeEnum
from marketplace.producers.policies import SYSTEM_TASK
from tests.factories import visible_product

pytestmark = pytest.mark.django_db

PRODUCT = """
query($slug: String!, $lang: LanguageCodeEnum!, $slugLang: LanguageCodeEnum) {
  product(slug: $slug, channel: "default-channel", slugLanguageCode: $slugLang) {
    name slug
    translation(languageCode: $lang) {
      id name slug description seoTitle seoDescription language { code language }
    }
    variants { name translation(languageCode: $lang) { name language { code } } }
    category { name translation(languageCode: $lang) { name slug } }
  }
}
"""


@pytest.fixture
def translated():
    product = visible_product(name="Cà phê bột nguyên chất")
    catalog.product_translation_set(
        product=product,
        language_code="en",
        name="Pure ground coffee",
        description='<p>Arabica from Son La.<script>alert(1)</script><a href="javascript:x">x</a></p>',
        seo_title="Ground coffee",
        by=SYSTEM_TASK,
    )
    catalog.variant_translation_set(
        variant=product.variants.get(), language_code="en", name="500 g bag", by=SYSTEM_TASK
    )
    catalog.category_translation_set(
        category=product.category, language_code="en", name="Beverages", by=SYSTEM_TASK
    )
    return product


def test_enum_has_every_saleor_language_and_stored_codes_are_lower_case():
    names = {value.name for value in LanguageCodeEnum}
    assert len(names) == len(LANGUAGES) == 779
    assert {"EN", "EN_US", "VI", "VI_VN", "PL", "ZH_HANS_SG", "KO"} <= names
    assert ("en-us", "English (United States)") in LANGUAGES


def test_translation_answers_the_stored_values(api, translated):
    data = api.data(PRODUCT, {"slug": translated.slug, "lang": "EN"})["product"]
    assert data["name"] == "Cà phê bột nguyên chất"
    translation = data["translation"]
    assert translation["name"] == "Pure ground coffee"
    assert translation["slug"] == "pure-ground-coffee"
    assert translation["seoTitle"] == "Ground coffee"
    assert translation["seoDescription"] is None
    assert translation["language"] == {"code": "EN", "language": "English"}
    assert translation["id"].startswith("UHJvZHVjdFRyYW5zbGF0aW9u")  # ProductTranslation:…
    # Sanitised like the base description, served as EditorJS.
    assert json.loads(translation["description"])["blocks"] == [
        {"type": "paragraph", "data": {"text": "Arabica from Son La.<a>x</a>"}}
    ]
    assert ProductTranslation.objects.get().description == (
        '<p>Arabica from Son La.<a rel="nofollow noopener">x</a></p>'
    )
    assert data["variants"][0]["translation"] == {"name": "500 g bag", "language": {"code": "EN"}}
    assert data["category"]["translation"] == {"name": "Beverages", "slug": "beverages"}


def test_missing_translation_is_null_so_the_client_falls_back(api, translated):
    data = api.data(PRODUCT, {"slug": translated.slug, "lang": "FR"})["product"]
    assert data["translation"] is None
    assert data["variants"][0]["translation"] is None
    assert data["category"]["translation"] is None
    assert api.data(PRODUCT, {"slug": translated.slug, "lang": "VI"})["product"]["translation"] is None


def test_slug_language_code_finds_the_translated_slug(api, translated):
    found = api.data(PRODUCT, {"slug": "pure-ground-coffee", "lang": "EN", "slugLang": "EN"})["product"]
    assert found["name"] == "Cà phê bột nguyên chất"
    assert api.data(PRODUCT, {"slug": "pure-ground-coffee", "lang": "EN"})["product"] is None
    assert api.data(PRODUCT, {"slug": translated.slug, "lang": "EN", "slugLang": "EN"})["product"] is None
    category = api.data(
        '{ category(slug: "beverages", slugLanguageCode: EN) '
        "{ slug translation(languageCode: EN) { name } } }"
    )["category"]
    assert category == {"slug": "do-uong", "translation": {"name": "Beverages"}}


def test_unknown_language_is_refused_by_the_enum(api, translated):
    body = api(PRODUCT, {"slug": translated.slug, "lang": "XX"})
    assert body.get("data") is None
    assert "LanguageCodeEnum" in body["errors"][0]["message"]
    body = api("{ products(first: 1) { edges { node { translation(languageCode: english) { name } } } } }")
    assert "LanguageCodeEnum" in body["errors"][0]["message"]


def test_collection_page_and_menu_translations(api):
    featured = Collection.objects.get(slug="featured-products")
    catalog.collection_translation_set(
        collection=featured, language_code="en", name="Featured products", by=SYSTEM_TASK
    )
    about = Page.objects.get(slug="about")
    content.page_translation_set(
        page=about, language_code="en", title="About us", content="<p>Hello</p>", by=SYSTEM_TASK
    )
    item = MenuItem.objects.filter(menu__slug="navbar", category__isnull=False).first()
    content.menu_item_translation_set(menu_item=item, language_code="en", name="Drinks", by=SYSTEM_TASK)
    data = api.data(
        """{
          collection(slug: "featured-products") { translation(languageCode: EN) { name slug } }
          page(slug: "about-us", slugLanguageCode: EN) {
            slug translation(languageCode: EN) { title slug content language { code } }
          }
          menu(slug: "navbar") { items { id name translation(languageCode: EN) { name } } }
        }"""
    )
    assert data["collection"]["translation"] == {"name": "Featured products", "slug": "featured-products"}
    assert data["page"]["slug"] == "about"
    assert data["page"]["translation"]["title"] == "About us"
    assert json.loads(data["page"]["translation"]["content"])["blocks"] == [
        {"type": "paragraph", "data": {"text": "Hello"}}
    ]
    items = {entry["name"]: entry["translation"] for entry in data["menu"]["items"]}
    assert items[item.name] == {"name": "Drinks"}
    assert sum(1 for value in items.values() if value is None) == len(items) - 1


def test_translation_rows_are_unique_per_language(translated):
    catalog.product_translation_set(
        product=translated, language_code="EN", name="Ground coffee", by=SYSTEM_TASK
    )
    assert list(
        ProductTranslation.objects.filter(product=translated).values_list("language_code", "name")
    ) == [("en", "Ground coffee")]
    assert Category.objects.get(slug="do-uong").translations.get().name == "Beverages"


LOCALE_SLUGS = """
fragment LocaleSlugs on Product {
  slugEN: translation(languageCode: EN) { slug }
  slugPL: translation(languageCode: PL) { slug }
  slugDE: translation(languageCode: DE) { slug }
  slugFR: translation(languageCode: FR) { slug }
  slugFI: translation(languageCode: FI) { slug }
  slugNB: translation(languageCode: NB) { slug }
  slugJA: translation(languageCode: JA) { slug }
  slugKO: translation(languageCode: KO) { slug }
}
query($lang: LanguageCodeEnum!) {
  products(first: 100, channel: "default-channel") {
    edges { node { name translation(languageCode: $lang) { name slug } ...LocaleSlugs } }
  }
}
"""


def test_a_page_with_a_slug_per_language_is_accepted(api, translated):
    edges = api.data(LOCALE_SLUGS, {"lang": "EN"})["products"]["edges"]
    node = edges[0]["node"]
    assert node["slugEN"] == {"slug": "pure-ground-coffee"}
    assert node["slugPL"] is None and node["slugKO"] is None


def test_language_code_inputs_take_the_enum(api):
    created = api.data(
        'mutation { checkoutCreate(input: {channel: "default-channel", languageCode: EN, lines: []}) '
        "{ checkout { id } errors { field code } } }"
    )["checkoutCreate"]
    assert created["errors"] == [] and created["checkout"]["id"]
    body = api(
        'mutation { checkoutCreate(input: {channel: "default-channel", languageCode: "en", lines: []}) '
        "{ errors { code } } }"
    )
    assert "LanguageCodeEnum" in body["errors"][0]["message"]
