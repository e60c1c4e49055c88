"""The shopper's return request form /orders/<token>/return/ (issue 15)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from marketplace.money.models import ReturnPhoto, ReturnRequest
from marketplace.orders.models import OrderEvent, OrderLine
from tests.factories import UserFactory
from tests.factories.money import deliver
from tests.factories.orders import buyable_variant, place_order

pytestmark = pytest.mark.django_db


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 40)).save(buffer, format="PNG")
    return SimpleUploadedFile("anh.png", buffer.getvalue(), content_type="image/png")


def test_guest_asks_for_a_return_with_a_photo(client, settings):
    settings.MONEY_RETURN_WINDOW_DAYS = 7
    order = place_order((buyable_variant(price=100_000), 2))
    url = f"/orders/{order.token}/return/"
    assert "data-order-return" not in client.get(f"/orders/{order.token}/").content.decode()
    deliver(order)
    assert "data-order-return" in client.get(f"/orders/{order.token}/").content.decode()
    line = OrderLine.objects.get(part__order=order)
    too_many = client.post(url, {"line": line.pk, "quantity": 3, "reason": "Vỡ"})
    assert too_many.status_code == 400
    assert "Số lượng trả vượt số lượng đã mua." in too_many.content.decode()
    response = client.post(url, {"line": line.pk, "quantity": 1, "reason": "Chai bị nứt", "photos": [_png()]})
    assert response.status_code == 302
    request = ReturnRequest.objects.get()
    assert (request.line_id, request.quantity, request.reason) == (line.pk, 1, "Chai bị nứt")
    assert ReturnPhoto.objects.filter(request=request).count() == 1
    assert list(OrderEvent.objects.filter(order=order).values_list("kind", "actor_kind")) == [
        ("return_requested", "guest")
    ]


def test_someone_elses_order_is_not_found(client):
    buyer = UserFactory()
    order = place_order((buyable_variant(price=100_000), 1), user=buyer)
    deliver(order)
    client.force_login(UserFactory())
    line = OrderLine.objects.get(part__order=order)
    response = client.post(f"/orders/{order.token}/return/", {"line": line.pk, "quantity": 1, "reason": "x"})
    assert response.status_code == 404
    assert not ReturnRequest.objects.exists()
