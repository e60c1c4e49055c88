"""A guest cancels from the order page in a real browser: site.js asks in a dialog (no inline script), a
dismissed dialog changes nothing, an accepted one cancels in one round trip."""

import re

import pytest

from marketplace.catalog.models import Stock
from marketplace.orders.models import Order, OrderEvent, OrderStatus
from tests.factories.orders import buyable_variant, place_order


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_guest_cancels_from_the_order_page_after_the_dialog(page, screenshot):
    variant = buyable_variant(quantity=5)
    order = place_order((variant, 2), payment_method="bank_transfer")
    page.goto(f"{page.base_url}/orders/{order.token}/")
    page.locator("details.order-cancel summary").click()
    page.fill("textarea[name=reason]", "Đặt nhầm số lượng")
    dialogs = []

    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.click("[data-action=cancel-order]")
    page.wait_for_timeout(300)
    assert dialogs == ["Hủy đơn hàng này? Hàng sẽ được trả lại cho người bán và không thể hoàn tác."]
    assert Order.objects.get(pk=order.pk).status == OrderStatus.UNCONFIRMED
    assert page.url.endswith(f"/orders/{order.token}/")

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-action=cancel-order]")
    page.wait_for_selector('[data-order-status="cancelled"]')
    assert re.search(r"/orders/[0-9a-f-]+/$", page.url)
    screenshot(page, "cancelled")
    assert page.locator("[data-vietqr]").count() == 0  # no payment asked for a cancelled order
    assert Stock.objects.get(variant=variant).quantity == 5
    assert OrderEvent.objects.get(order=order).reason == "Đặt nhầm số lượng"
