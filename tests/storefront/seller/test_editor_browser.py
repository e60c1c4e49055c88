"""The portal in Chromium under our CSP: the description editor (bold, list, link, the product's own image),
the confirm dialog before "Ngừng bán", tables that fit 1280 px and scroll on a phone, the packing slip."""

import pytest

from marketplace.catalog.models import Product
from marketplace.catalog.services import product_image_add
from marketplace.producers.policies import SYSTEM_TASK
from tests.factories import CertificationFactory, ProducerFactory, ProductFactory, VariantFactory
from tests.factories.orders import buyable_variant, place_order
from tests.factories.portal import member_of, png_upload
from tests.storefront.seller.test_portal_browser import _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shop():
    producer = ProducerFactory(name="HTX Cà phê Bích Thao", slug="bich-thao")
    member_of(producer, email="bichthao@example.vn")
    product = ProductFactory(
        producer=producer, name="Cà phê Arabica", slug="ca-phe-arabica", description="<p>Mô tả cũ</p>"
    )
    CertificationFactory(product=product, stars=4)
    VariantFactory(product=product, sku="BT-500", price_amount=185_000, stock__quantity=20)
    image = product_image_add(product=product, uploaded_file=png_upload(), alt="Gói 500g", by=SYSTEM_TASK)
    return producer, product, image


def test_the_editor_writes_clean_html_under_the_csp(page, screenshot):
    _, product, image = _shop()
    _sign_in(page, "bichthao@example.vn")
    page.goto(f"{page.base_url}/seller/bich-thao/products/{product.pk}/")
    assert page.locator("#id_description").is_hidden()  # the textarea stays for the form, hidden
    editor = page.locator("[data-richtext-editor]")
    assert editor.inner_text().strip() == "Mô tả cũ"
    assert editor.get_attribute("aria-labelledby") == "id_description-label"

    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type("Trồng ở Chiềng Ban, Sơn La")
    for _ in range(len(", Sơn La")):
        page.keyboard.press("ArrowLeft")
    for _ in range(len("Chiềng Ban")):
        page.keyboard.press("Shift+ArrowLeft")
    page.locator("[data-richtext-command=bold]").click()
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.locator("[data-richtext-command=bullets]").click()
    page.keyboard.type("Rang mộc")
    page.keyboard.press("Enter")
    page.keyboard.type("Xay theo yêu cầu")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # leaves the list
    page.once("dialog", lambda dialog: dialog.accept("https://ocop.gov.vn/"))
    page.locator("[data-richtext-command=link]").click()
    page.locator("[data-richtext-image-choice]").select_option(index=1)
    screenshot(page, "editor-360")
    page.locator("[data-action=save-product]").click()
    assert page.url == f"{page.base_url}/seller/bich-thao/products/{product.pk}/"

    description = Product.objects.get(pk=product.pk).description
    assert "<strong>Chiềng Ban</strong>" in description
    assert "<ul><li>Rang mộc</li><li>Xay theo yêu cầu</li></ul>" in description
    assert '<a href="https://ocop.gov.vn/" rel="nofollow noopener">https://ocop.gov.vn/</a>' in description
    assert f'<img src="{image.image.url}" alt="Gói 500g">' in description
    assert "style=" not in description and "<div" not in description and "<span" not in description
    # The saved text comes back into the editor as it was stored.
    assert page.locator("[data-richtext-editor] strong").inner_text() == "Chiềng Ban"
    assert page.locator("[data-richtext-editor] img").count() == 1

    # The shop shows it.
    page.goto(f"{page.base_url}/products/{product.slug}/")
    assert page.locator(".description strong").inner_text() == "Chiềng Ban"


def test_stop_selling_asks_in_a_dialog_and_nothing_happens_on_no(page):
    _, product, _ = _shop()
    _sign_in(page, "bichthao@example.vn")
    page.goto(f"{page.base_url}/seller/bich-thao/products/{product.pk}/")
    messages = []

    def answer(accept):
        def handler(dialog):
            messages.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()

        return handler

    page.once("dialog", answer(False))
    page.locator("[data-action=unpublish]").click()
    page.wait_for_timeout(300)
    assert Product.objects.get(pk=product.pk).is_published is True
    assert messages and messages[0].startswith("Ngừng bán sản phẩm này?")
    page.once("dialog", answer(True))
    page.locator("[data-action=unpublish]").click()
    page.wait_for_selector("[data-action=publish]")
    assert Product.objects.get(pk=product.pk).is_published is False


def test_tables_fit_1280_and_scroll_on_a_phone_and_the_slip_prints(page, screenshot):
    producer = ProducerFactory(name="HTX Cà phê Bích Thao", slug="bich-thao")
    member_of(producer, email="bichthao@example.vn")
    for index in range(3):
        variant = buyable_variant(
            producer=producer, name=f"Cà phê Arabica Sơn La rang mộc loại đặc biệt số {index}"
        )
        order = place_order((variant, 2), (buyable_variant(producer=producer), 1))
    part = order.parts.get()
    _sign_in(page, "bichthao@example.vn")

    def overflow(selector: str) -> list[int]:
        return page.eval_on_selector_all(selector, "nodes => nodes.map(n => n.scrollWidth - n.clientWidth)")

    for path in (
        "/seller/bich-thao/orders/",
        "/seller/bich-thao/products/",
        f"/seller/bich-thao/orders/{part.pk}/",
    ):
        page.set_viewport_size({"width": 360, "height": 740})
        page.goto(page.base_url + path)
        # The page itself never scrolls sideways; a wide table scrolls inside its box.
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto(page.base_url + path)
        assert all(extra <= 0 for extra in overflow(".table-scroll")), path
        screenshot(page, path.strip("/").replace("/", "-") + "-1280")

    page.goto(f"{page.base_url}/seller/bich-thao/orders/{part.pk}/")
    page.locator("[data-action=packing-slip]").click()
    page.wait_for_load_state("load")  # its print stylesheet, before the print media is emulated
    assert page.locator("[data-packing-slip]").count() == 1
    page.emulate_media(media="print")
    assert page.locator("[data-print]").is_hidden()
    screenshot(page, "packing-slip-print")
