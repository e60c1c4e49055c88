import pytest

from tests.factories import visible_product


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_home_shows_certified_product_with_badge_and_price(page, screenshot):
    product = visible_product(name="Cà phê bột nguyên chất", slug="ca-phe-bot", stars=5, price=185_000)
    page.goto(page.base_url + "/")
    card = page.locator(f'[data-product-slug="{product.slug}"]')
    assert card.locator("[data-ocop-stars]").get_attribute("data-ocop-stars") == "5"
    assert card.locator("[data-price-vnd]").inner_text() == "185.000 ₫"
    screenshot(page, "home")
