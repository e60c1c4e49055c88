"""A shopper's path in headless Chromium on a 360-pixel-wide phone: search without diacritics, filter by stars
and province, open a product (badge, price), open its producer. Screenshots go to test-output/screenshots/."""

import re

import pytest

from tests.factories import ProducerFactory, visible_product

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def catalogue():
    bich_thao = ProducerFactory(name="HTX Cà phê Bích Thao", slug="bich-thao", province="son-la")
    dak_lak = ProducerFactory(name="HTX Ea Tu", slug="ea-tu", province="dak-lak")
    return {
        "arabica": visible_product(
            name="Cà phê Arabica Sơn La", slug="arabica", producer=bich_thao, stars=4, price=185_000
        ),
        "bot": visible_product(name="Cà phê bột Sơn La", slug="bot", producer=bich_thao, stars=5),
        "robusta": visible_product(name="Cà phê Robusta", slug="robusta", producer=dak_lak, stars=4),
    }


def card_slugs(page) -> set[str]:
    return {
        el.get_attribute("data-product-slug") for el in page.locator(".results [data-product-slug]").all()
    }


def open_filters(page) -> None:
    """On a phone the filters are a closed drawer until the shopper opens it."""
    if page.locator("details.filter-panel[open]").count() == 0:
        page.click("details.filter-panel summary")


def test_search_filter_open_product_and_producer(page, screenshot, catalogue):
    page.goto(page.base_url + "/")
    page.get_by_label("Tìm sản phẩm").fill("ca phe son la")
    page.get_by_role("button", name="Tìm", exact=True).click()
    page.wait_for_url("**/search/?q=ca+phe+son+la")
    assert card_slugs(page) == {"arabica", "bot"}
    assert page.locator("h1").inner_text() == "Kết quả cho “ca phe son la”"
    screenshot(page, "search")

    # Filter by 4 stars: the checkbox submits the form by itself (small progressive JS).
    open_filters(page)
    page.get_by_role("checkbox", name="OCOP 4 sao").check()
    page.wait_for_url(re.compile(r"stars=4"))
    assert card_slugs(page) == {"arabica"}
    screenshot(page, "filter-stars")

    page.goto(page.base_url + "/products/")
    assert card_slugs(page) == {"arabica", "bot", "robusta"}
    open_filters(page)
    page.get_by_role("checkbox", name="Sơn La").check()
    page.wait_for_url(re.compile(r"province=son-la"))
    assert card_slugs(page) == {"arabica", "bot"}
    open_filters(page)  # still open: the drawer stays as the shopper left it while they filter
    page.get_by_role("checkbox", name="OCOP 4 sao").check()
    page.wait_for_url(re.compile(r"stars=4"))
    assert card_slugs(page) == {"arabica"}
    assert "province=son-la" in page.url
    screenshot(page, "filter-province")

    page.locator('[data-product-slug="arabica"] h3 a').click()
    page.wait_for_url("**/products/arabica/")
    product = page.locator('article[data-product-slug="arabica"]')
    badge = product.locator("[data-ocop-stars]").first
    assert badge.get_attribute("data-ocop-stars") == "4"
    assert badge.get_attribute("aria-label") == "OCOP 4 sao"
    assert (
        product.locator("[data-decision-number]")
        .inner_text()
        .startswith(catalogue["arabica"].certifications.get().decision.number)
    )
    assert product.locator("[data-price-vnd]").first.inner_text() == "185.000 ₫"
    assert product.locator("[data-price-vnd]").first.get_attribute("data-price-vnd") == "185000"
    # Nothing overflows the 360-pixel phone screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "product")

    product.locator(".seller [data-producer-slug]").click()
    page.wait_for_url("**/producers/bich-thao/")
    assert page.locator("h1").inner_text() == "HTX Cà phê Bích Thao"
    assert {el.get_attribute("data-product-slug") for el in page.locator(".card").all()} == {"arabica", "bot"}
    screenshot(page, "producer")


def test_language_switch_without_losing_the_page(page, screenshot, catalogue):
    page.goto(page.base_url + "/products/?province=son-la")
    page.get_by_label("Ngôn ngữ").select_option("en")
    page.wait_for_load_state()
    page.wait_for_selector("html[lang=en]")
    assert "province=son-la" in page.url
    assert page.locator("h1").inner_text() == "All OCOP products"
    screenshot(page, "english")
