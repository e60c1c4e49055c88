"""The designed 404 in Chromium at phone and desktop widths, under the CSP: the search box works from it."""

import pytest

from tests.factories import visible_product

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("width", "height"), [(360, 740), (1280, 800)])
def test_404_in_the_layout_leads_back_to_the_shop(page, screenshot, width, height):
    visible_product(name="Cà phê Arabica Sơn La", slug="ca-phe-arabica")
    page.set_viewport_size({"width": width, "height": height})
    response = page.goto(page.base_url + "/products/khong-con-nua/")
    assert response.status == 404
    assert page.locator("[data-error-page='404']").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    box = page.locator("#error-q").bounding_box()
    assert box is not None and box["y"] + box["height"] <= height  # the search box is above the fold
    screenshot(page, f"404-{width}")
    page.locator("#error-q").fill("cà phê")
    page.locator(".error-search button[type=submit]").click()
    assert page.url.startswith(page.base_url + "/search/?q=")
    assert page.locator("[data-product-slug='ca-phe-arabica']").count() >= 1
    assert page.locator("[data-site-footer] [data-business-registration]").count() == 1
