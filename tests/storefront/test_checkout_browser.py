import re

import pytest

from marketplace.catalog.models import Stock
from marketplace.orders.models import Order, OrderStatus, PaymentState
from marketplace.payments.models import Payment
from marketplace.payments.services import stripe_client
from tests.factories import UserFactory
from tests.factories.orders import buyable_variant
from tests.stripe_helpers import (  # noqa: F401 - fixtures
    _localstripe_server,
    localstripe,
    pay_with_test_card,
    stripe_event,
    stripe_signature,
)

PASSWORD = "pass-word-123"


def _fill_delivery(page, *, email: str | None = None) -> None:
    if email is not None:
        page.fill("#id_email", email)
    page.fill("#id_full_name", "Lò Thị Mai")
    page.fill("#id_phone", "0912 345 678")
    page.select_option("#id_province", "son-la")
    page.fill("#id_commune", "Phường Tô Hiệu")
    page.fill("#id_street", "12 Chu Văn Thịnh")
    page.fill("#id_note", "Gọi trước khi giao")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("flat_shipping")  # the sums below assume 30.000 ₫ per producer part
def test_search_buy_with_cash_on_delivery_and_find_the_order_in_the_account(page, screenshot):
    UserFactory(email="mai@example.vn")
    variant = buyable_variant(
        quantity=5, price=185_000, name="Cà phê Arabica Sơn La", slug="ca-phe-arabica-son-la"
    )

    # Search (without diacritics, as people type on a phone) → product page → add to cart.
    page.goto(page.base_url + "/")
    page.get_by_label("Tìm sản phẩm").fill("ca phe arabica son la")
    page.get_by_role("button", name="Tìm", exact=True).click()
    page.wait_for_url(re.compile(r"/search/\?q="))
    page.locator('.results [data-product-slug="ca-phe-arabica-son-la"] h3 a').click()
    page.wait_for_url(re.compile(r"/products/ca-phe-arabica-son-la/$"))
    page.fill("input[name=quantity]", "2")
    page.click("form.add-to-cart button[type=submit]")
    # The product stays on screen (shop-ux.js); its confirmation links to the cart.
    page.click("[data-view-cart]")
    page.wait_for_url(re.compile(r"/cart/$"))
    line = page.locator('[data-product-slug="ca-phe-arabica-son-la"].cart-line')
    assert line.locator("input[name=quantity]").input_value() == "2"
    screenshot(page, "cart")

    # Signing in keeps the cart the guest filled.
    page.goto(page.base_url + "/account/login/?next=/cart/")
    page.fill("input[name=username]", "mai@example.vn")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.auth-form button[type=submit]")
    page.wait_for_url(re.compile(r"/cart/$"))
    assert page.locator("[data-cart-line]").count() == 1

    page.click("[data-action=checkout]")
    page.wait_for_url(re.compile(r"/checkout/$"))
    assert page.input_value("#id_email") == "mai@example.vn"
    _fill_delivery(page)
    assert page.is_checked("input[name=payment_method][value=cod]")
    # Nothing overflows the 360-pixel phone screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "checkout")
    page.click("[data-action=place-order]")

    page.wait_for_url(re.compile(r"/orders/[0-9a-f-]{36}/$"))
    order = Order.objects.get()
    confirmation = page.locator(f'[data-order-number="{order.number}"]')
    assert confirmation.get_attribute("data-order-status") == "unconfirmed"
    assert "Cà phê Arabica Sơn La" in confirmation.inner_text()
    assert page.locator("[data-order-total]").get_attribute("data-order-total") == "400000"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "confirmation")

    page.goto(page.base_url + "/account/")
    assert page.locator(f'.order-list [data-order-number="{order.number}"]').count() == 1
    screenshot(page, "account")
    assert Stock.objects.get(variant=variant).quantity == 3
    assert (order.user.email, order.payment_method, order.note) == (
        "mai@example.vn",
        "cod",
        "Gọi trước khi giao",
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("localstripe", "flat_shipping")
def test_pay_by_card_against_localstripe_and_complete_through_the_signed_webhook(
    page, screenshot, live_server
):
    buyable_variant(quantity=5, price=250_000, name="Trà Shan tuyết Tà Xùa", slug="tra-shan-tuyet")
    # Stripe.js comes from Stripe's CDN, which this machine cannot reach: the page must say so gracefully.
    page.route(re.compile(r"^https://js\.stripe\.com/.*"), lambda route: route.abort())

    page.goto(page.base_url + "/products/tra-shan-tuyet/")
    page.click("form.add-to-cart button[type=submit]")
    # The product stays on screen (shop-ux.js); its confirmation links to the cart.
    page.click("[data-view-cart]")
    page.wait_for_url(re.compile(r"/cart/$"))
    page.click("[data-action=checkout]")
    _fill_delivery(page, email="khach@example.vn")
    page.check("input[name=payment_method][value=card]")
    page.click("[data-action=place-order]")

    page.wait_for_url(re.compile(r"/orders/[0-9a-f-]{36}/pay/$"))
    order = Order.objects.get()
    payment = Payment.objects.get(order=order)
    form = page.locator("[data-stripe-pay]")
    assert form.get_attribute("data-client-secret") == payment.stripe_client_secret
    assert form.get_attribute("data-publishable-key") == "pk_test_localstripe"
    page.wait_for_function("document.querySelector('.payment-status').textContent.includes('Không tải được')")
    screenshot(page, "pay")

    # The shopper's card, confirmed at the (local) Stripe; then Stripe calls our webhook, signed.
    intent = pay_with_test_card(stripe_client(), payment.stripe_payment_intent_id)
    assert (intent.status, intent.amount, intent.currency) == ("succeeded", 280_000, "vnd")
    payload = stripe_event("payment_intent.succeeded", intent.to_dict(), event_id="evt_browser_card")
    response = page.request.post(
        live_server.url + "/payments/stripe/webhook/",
        data=payload,
        headers={"Content-Type": "application/json", "Stripe-Signature": stripe_signature(payload)},
    )
    assert response.status == 200

    page.goto(page.base_url + f"/orders/{order.token}/")
    article = page.locator(f'[data-order-number="{order.number}"]')
    assert article.get_attribute("data-payment-state") == "paid"
    assert article.get_attribute("data-order-status") == "confirmed"
    screenshot(page, "paid")
    order.refresh_from_db()
    assert (order.status, order.payment_state) == (OrderStatus.CONFIRMED, PaymentState.PAID)
