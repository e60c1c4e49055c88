import re

import pytest
from django.conf import settings
from django.core import mail

from marketplace.accounts.models import Address, User
from marketplace.checkout.models import Checkout
from tests.factories import UserFactory
from tests.factories.orders import buyable_variant, place_order

pytestmark = pytest.mark.django_db
PASSWORD = "pass-word-123"


def test_account_requires_sign_in(client):
    response = client.get("/account/")
    assert response.status_code == 302 and response["Location"].startswith("/account/login/")


def test_register_signs_in_and_keeps_the_cart(client):
    variant = buyable_variant()
    client.post("/cart/add/", {"variant": variant.pk, "quantity": 2})
    response = client.post("/account/register/", {"email": "moi@example.vn", "password": "ca-phe-son-la-26"})
    assert response.status_code == 302 and response["Location"] == "/account/"
    user = User.objects.get(email="moi@example.vn")
    assert Checkout.objects.get(user=user).lines.get().quantity == 2
    assert "moi@example.vn" in client.get("/account/").content.decode()


def test_register_with_taken_email_changes_nothing(client):
    UserFactory(email="co@example.vn")
    response = client.post("/account/register/", {"email": "CO@example.vn", "password": "ca-phe-son-la-26"})
    assert response.status_code == 400
    assert User.objects.count() == 1


def test_sign_in_merges_guest_cart_into_saved_cart(client):
    user = UserFactory(email="lan@example.vn")
    coffee, tea = buyable_variant(), buyable_variant()
    saved = Checkout.objects.create(user=user)
    saved.lines.create(variant=coffee, quantity=1)
    client.post("/cart/add/", {"variant": tea.pk, "quantity": 1})
    response = client.post("/account/login/", {"username": "lan@example.vn", "password": PASSWORD})
    assert response.status_code == 302
    assert Checkout.objects.count() == 1
    assert set(Checkout.objects.get().lines.values_list("variant_id", flat=True)) == {coffee.pk, tea.pk}
    assert client.session["checkout_token"] == str(saved.token)


def test_wrong_password_does_not_sign_in(client):
    UserFactory(email="lan@example.vn")
    response = client.post("/account/login/", {"username": "lan@example.vn", "password": "nope"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_sign_out_hides_the_cart(client):
    user = UserFactory(email="lan@example.vn")
    client.force_login(user)
    client.post("/cart/add/", {"variant": buyable_variant(name="Cà phê Mộc").pk, "quantity": 1})
    client.post("/account/logout/")
    client.get("/cart/")  # the pending "added" message
    assert "data-cart-line" not in client.get("/cart/").content.decode()


def test_account_lists_only_my_orders(client):
    me, other = UserFactory(), UserFactory()
    mine = place_order((buyable_variant(), 1), user=me)
    theirs = place_order((buyable_variant(), 1), user=other)
    client.force_login(me)
    html = client.get("/account/").content.decode()
    assert f'data-order-number="{mine.number}"' in html
    assert theirs.number not in html


def test_password_reset_by_email(client):
    user = UserFactory(email="lan@example.vn")
    response = client.post("/account/password-reset/", {"email": "lan@example.vn"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+/account/password-reset/\S+/\S+/", mail.outbox[0].body).group(0)
    path = link.removeprefix(settings.SITE_URL)
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
        {"new_password1": "moc-chau-2026-xanh", "new_password2": "moc-chau-2026-xanh"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("moc-chau-2026-xanh")


def test_addresses_add_and_delete(client):
    user = UserFactory()
    client.force_login(user)
    data = {
        "full_name": "Lan",
        "phone": "0912345678",
        "province": "son-la",
        "commune": "Chiềng Sinh",
        "street": "Tổ 3",
    }
    assert client.post("/account/addresses/", data).status_code == 302
    address = Address.objects.get(user=user)
    assert address.is_default
    assert client.post("/account/addresses/", {**data, "province": "ha-tay"}).status_code == 400
    assert Address.objects.count() == 1

    stranger = UserFactory()
    client.force_login(stranger)
    client.post(f"/account/addresses/{address.pk}/delete/")
    assert Address.objects.filter(pk=address.pk).exists()
    client.force_login(user)
    client.post(f"/account/addresses/{address.pk}/delete/")
    assert not Address.objects.exists()


def test_checkout_prefills_the_default_address(client):
    user = UserFactory()
    Address.objects.create(
        user=user,
        full_name="Lò Thị Mai",
        phone="0912345678",
        province="son-la",
        commune="X",
        street="Y",
        is_default=True,
    )
    client.force_login(user)
    client.post("/cart/add/", {"variant": buyable_variant().pk, "quantity": 1})
    assert 'value="Lò Thị Mai"' in client.get("/checkout/").content.decode()
