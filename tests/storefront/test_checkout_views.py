import re

import pytest
from django.core import mail
from django.test import Client

from marketplace.catalog.models import Stock
from marketplace.certification.models import CertificationState
from marketplace.checkout.models import Checkout, CheckoutLine
from marketplace.orders.models import Order, OrderStatus
from marketplace.payments.vietqr import crc16_ccitt
from tests.factories import ProducerFactory
from tests.factories.orders import ADDRESS, buyable_variant, decertify, filled_checkout, place_order

# Sums in these tests assume a flat 30.000 ₫ per producer part (see the flat_shipping fixture).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("flat_shipping")]


def _add(client: Client, variant, quantity: int = 1):
    return client.post("/cart/add/", {"variant": variant.pk, "quantity": quantity})


def _use_cart(client: Client, checkout: Checkout) -> None:
    session = client.session
    session["checkout_token"] = str(checkout.token)
    session.save()


def _cart(client: Client) -> Checkout:
    return Checkout.objects.get(token=client.session["checkout_token"])


def _checkout_form(client: Client, **overrides) -> dict:
    token = client.session["checkout_token"]
    return {
        **ADDRESS,
        "idempotency_key": token,
        "payment_method": "cod",
        "note": "Giao giờ hành chính",
        **overrides,
    }


def test_product_page_has_a_real_add_to_cart_form(client):
    variant = buyable_variant()
    html = client.get(f"/products/{variant.product.slug}/").content.decode()
    assert 'action="/cart/add/"' in html
    assert f'name="variant" value="{variant.pk}"' in html
    assert 'name="quantity"' in html


def test_add_to_cart_and_see_it(client):
    variant = buyable_variant(name="Cà phê Mộc Châu", price=185_000)
    response = _add(client, variant, 2)
    assert response.status_code == 302 and response["Location"] == "/cart/"
    html = client.get("/cart/").content.decode()
    assert "Cà phê Mộc Châu" in html
    assert 'data-cart-total="400000"' in html  # 370.000 + 30.000 shipping
    assert _cart(client).lines.get().quantity == 2


def test_add_more_than_in_stock_is_refused_with_a_message(client):
    variant = buyable_variant(quantity=2, name="Mận hậu")
    _add(client, variant, 3)
    html = client.get("/cart/").content.decode()
    assert "«Mận hậu» chỉ còn 2 sản phẩm trong kho." in html
    assert not CheckoutLine.objects.exists()


def test_cart_quantity_change_and_remove(client):
    variant = buyable_variant(quantity=5)
    _add(client, variant, 1)
    line = _cart(client).lines.get()
    client.post(f"/cart/lines/{line.pk}/", {"quantity": 4})
    assert _cart(client).lines.get().quantity == 4
    client.post(f"/cart/lines/{line.pk}/", {"quantity": 6})
    assert _cart(client).lines.get().quantity == 4
    client.post(f"/cart/lines/{line.pk}/", {"remove": "1"})
    assert not _cart(client).lines.exists()


def test_someone_elses_cart_line_cannot_be_touched(client):
    variant = buyable_variant(quantity=5)
    other = Client()
    _add(other, variant, 1)
    their_line = _cart(other).lines.get()
    _add(client, variant, 1)
    client.post(f"/cart/lines/{their_line.pk}/", {"quantity": 3})
    assert CheckoutLine.objects.get(pk=their_line.pk).quantity == 1


@pytest.mark.parametrize("lines", [1, 30])
def test_cart_page_runs_a_constant_number_of_queries(client, django_assert_max_num_queries, lines):
    producer = ProducerFactory()
    _use_cart(client, filled_checkout(*[(buyable_variant(producer=producer), 1) for _ in range(lines)]))
    with django_assert_max_num_queries(6):
        response = client.get("/cart/")
    assert response.content.decode().count("data-cart-line=") == lines


def test_cod_checkout_creates_order_and_shows_confirmation(client, django_capture_on_commit_callbacks):
    variant = buyable_variant(quantity=5, name="Chè Shan tuyết")
    _add(client, variant, 2)
    assert client.get("/checkout/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/checkout/", _checkout_form(client))
    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/orders/{order.token}/"
    assert order.note == "Giao giờ hành chính"
    assert order.status == OrderStatus.UNCONFIRMED
    assert Stock.objects.get(variant=variant).quantity == 3
    page = client.get(response["Location"]).content.decode()
    assert f'data-order-number="{order.number}"' in page
    assert "Chè Shan tuyết" in page
    assert len(mail.outbox) == 1  # the producer of the factory has no email nor members
    assert "checkout_token" not in client.session


def test_double_submit_creates_one_order(client):
    variant = buyable_variant(quantity=5)
    _add(client, variant, 1)
    form = _checkout_form(client)
    first = client.post("/checkout/", form)
    second = client.post("/checkout/", form)
    assert first["Location"] == second["Location"]
    assert Order.objects.count() == 1
    assert Stock.objects.get(variant=variant).quantity == 4


def test_checkout_of_a_decertified_product_is_refused_and_explained(client):
    variant = buyable_variant(quantity=5, name="Trà hoa vàng")
    _add(client, variant, 1)
    decertify(variant.product, CertificationState.REVOKED)

    cart = client.get("/cart/").content.decode()
    assert "«Trà hoa vàng» không còn được bán: chứng nhận OCOP của sản phẩm đã bị thu hồi." in cart
    assert 'data-action="checkout"' not in cart

    response = client.post("/checkout/", _checkout_form(client))
    assert response.status_code == 400
    assert "chứng nhận OCOP của sản phẩm đã bị thu hồi" in response.content.decode()
    assert not Order.objects.exists()
    assert Stock.objects.get(variant=variant).quantity == 5


def test_out_of_stock_at_checkout_is_told(client):
    variant = buyable_variant(quantity=5, name="Mắc khén")
    _add(client, variant, 2)
    Stock.objects.filter(variant=variant).update(quantity=0)
    response = client.post("/checkout/", _checkout_form(client))
    assert response.status_code == 400
    assert "«Mắc khén» đã hết hàng." in response.content.decode()
    assert not Order.objects.exists()


def test_invalid_form_keeps_everything(client):
    variant = buyable_variant(quantity=5)
    _add(client, variant, 1)
    response = client.post("/checkout/", _checkout_form(client, province="ha-tay", phone=""))
    assert response.status_code == 400
    assert not Order.objects.exists()
    assert Stock.objects.get(variant=variant).quantity == 5


def test_card_is_hidden_without_stripe_keys(client, settings):
    settings.STRIPE_SECRET_KEY = settings.STRIPE_PUBLISHABLE_KEY = ""
    _add(client, buyable_variant(), 1)
    html = client.get("/checkout/").content.decode()
    assert 'value="cod"' in html and 'value="bank_transfer"' in html
    assert 'value="card"' not in html
    response = client.post("/checkout/", _checkout_form(client, payment_method="card"))
    assert response.status_code == 400
    assert not Order.objects.exists()


def test_bank_transfer_order_shows_vietqr(client, settings):
    settings.VIETQR_BANK_BIN = "970436"
    settings.VIETQR_ACCOUNT_NUMBER = "0011000000000"
    variant = buyable_variant(price=250_000)
    order = place_order((variant, 2), payment_method="bank_transfer")
    html = client.get(f"/orders/{order.token}/").content.decode()
    assert "data-vietqr" in html and "<svg" in html
    assert f"OCOP {order.number}" in html
    assert crc16_ccitt("123456789") == "29B1"


def test_unknown_order_token_is_404(client):
    assert client.get("/orders/7d5b9a4e-1111-4222-8333-944445555666/").status_code == 404


def test_shopper_cancels_own_unpaid_order_and_stock_returns(client, shopper):
    client.force_login(shopper)
    variant = buyable_variant(quantity=5)
    order = place_order((variant, 2), user=shopper)
    response = client.post(f"/orders/{order.token}/cancel/", {"confirmed": "1"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert Stock.objects.get(variant=variant).quantity == 5


def test_a_guest_cannot_cancel_someone_elses_order(client, shopper):
    variant = buyable_variant(quantity=5)
    order = place_order((variant, 2), user=shopper)
    assert client.post(f"/orders/{order.token}/cancel/").status_code == 404
    order.refresh_from_db()
    assert order.status == OrderStatus.UNCONFIRMED
    assert Stock.objects.get(variant=variant).quantity == 3


@pytest.mark.parametrize("lines", [1, 15])
def test_checkout_and_order_pages_run_a_constant_number_of_queries(
    client, django_assert_max_num_queries, lines
):
    producers = [ProducerFactory(), ProducerFactory()]
    variants = [buyable_variant(producer=producers[i % 2]) for i in range(lines)]
    _use_cart(client, filled_checkout(*[(variant, 1) for variant in variants]))
    with django_assert_max_num_queries(7):
        assert client.get("/checkout/").status_code == 200
    order = place_order(*[(variant, 1) for variant in variants])
    with django_assert_max_num_queries(5):
        html = client.get(f"/orders/{order.token}/").content.decode()
    assert html.count("<li>") >= lines


@pytest.mark.parametrize("orders", [1, 10])
def test_account_page_runs_a_constant_number_of_queries(
    client, shopper, django_assert_max_num_queries, orders
):
    variant = buyable_variant(quantity=100)
    for _ in range(orders):
        place_order((variant, 1), user=shopper)
    client.force_login(shopper)
    with django_assert_max_num_queries(8):
        html = client.get("/account/").content.decode()
    assert html.count("data-order-number=") == orders


def test_cart_speaks_english_when_asked(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Your cart is empty." in client.get("/cart/").content.decode()
    variant = buyable_variant(quantity=1, name="Mận hậu")
    _add(client, variant, 2)
    assert "Only 1 of “Mận hậu” left in stock." in client.get("/cart/").content.decode()


def test_product_with_several_variants_offers_a_choice_and_marks_sold_out_ones(client):
    from tests.factories import VariantFactory

    variant = buyable_variant(name="Chè Shan tuyết")
    VariantFactory(product=variant.product, name="Hộp 1kg", price_amount=500_000, stock__quantity=0)
    html = client.get(f"/products/{variant.product.slug}/").content.decode()
    assert '<select id="variant-' in html
    assert "Hộp 1kg – 500.000 ₫ (hết hàng)" in html
    assert re.search(r'<option value="\d+" disabled>Hộp 1kg', html)
