"""The producer's part of each order: see it, ship it with a tracking code, deliver it."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from marketplace.orders.models import OrderStatus, PaymentState
from marketplace.payments.models import PaymentMethod
from tests.factories import ProducerFactory
from tests.factories.orders import buyable_variant, place_order
from tests.factories.portal import member_of


@pytest.fixture
def shop(db):
    a, b = ProducerFactory(slug="htx-a"), ProducerFactory(slug="htx-b")
    owner = member_of(a)
    client = Client()
    client.force_login(owner)
    return a, b, client


def test_part_shows_only_this_producers_lines_and_ships_with_tracking(shop):
    a, b, client = shop
    mine = buyable_variant(producer=a, name="Cà phê A", price=100_000)
    theirs = buyable_variant(producer=b, name="Chè B", price=50_000)
    order = place_order((mine, 2), (theirs, 1))
    part = order.parts.get(producer=a)
    page = client.get(f"/seller/htx-a/orders/{part.pk}/").content.decode()
    assert "Cà phê A" in page and "Chè B" not in page
    assert f'data-price-vnd="{part.total_amount}"' in page
    assert 'data-action="mark-paid"' not in page  # cash on delivery: nothing to record here
    dashboard = client.get("/seller/htx-a/").content.decode()
    assert f'data-order-part="{part.pk}" data-status="unconfirmed"' in dashboard

    response = client.post(f"/seller/htx-a/orders/{part.pk}/ship/", {"tracking_code": "  VNP123456789 "})
    assert response.status_code == 302
    part.refresh_from_db()
    assert (part.status, part.tracking_code) == (OrderStatus.SHIPPED, "VNP123456789")
    assert part.shipped_at is not None and part.confirmed_at is not None
    assert order.parts.get(producer=b).status == OrderStatus.UNCONFIRMED
    assert f'data-order-part="{part.pk}"' not in client.get("/seller/htx-a/orders/").content.decode()
    assert f'data-order-part="{part.pk}"' in client.get("/seller/htx-a/orders/?show=all").content.decode()


def test_ship_needs_a_tracking_code(shop):
    a, _, client = shop
    order = place_order((buyable_variant(producer=a), 1))
    part = order.parts.get()
    response = client.post(f"/seller/htx-a/orders/{part.pk}/ship/", {"tracking_code": ""})
    assert response.status_code == 400
    part.refresh_from_db()
    assert (part.status, part.tracking_code) == (OrderStatus.UNCONFIRMED, "")


def test_the_portal_cannot_confirm_a_bank_transfer(shop):
    """Staff or reconciliation confirm money received; a producer's page has no such button or address."""
    a, b, client = shop
    order = place_order(
        (buyable_variant(producer=a), 1),
        (buyable_variant(producer=b), 1),
        payment_method=PaymentMethod.BANK_TRANSFER,
    )
    part = order.parts.get(producer=a)
    assert 'data-action="mark-paid"' not in client.get(f"/seller/htx-a/orders/{part.pk}/").content.decode()
    assert client.post(f"/seller/htx-a/orders/{part.pk}/paid/").status_code == 404
    order.refresh_from_db()
    assert order.payment_state == PaymentState.UNPAID
    assert set(order.parts.values_list("status", flat=True)) == {OrderStatus.UNCONFIRMED}


def test_delivering_before_shipping_is_refused_with_a_message(shop):
    a, _, client = shop
    order = place_order((buyable_variant(producer=a), 1))
    part = order.parts.get()
    response = client.post(f"/seller/htx-a/orders/{part.pk}/deliver/", follow=True)
    assert "Không thể chuyển từ" in response.content.decode()
    part.refresh_from_db()
    assert part.status == OrderStatus.UNCONFIRMED


@pytest.mark.parametrize(("url", "expected"), [("/seller/{slug}/orders/", 5), ("/seller/{slug}/", 10)])
def test_order_pages_run_a_constant_number_of_queries(db, url, expected):
    counts = []
    for n in (1, 15):
        producer = ProducerFactory()
        user = member_of(producer)
        variant = buyable_variant(producer=producer, quantity=100)
        for _ in range(n):
            place_order((variant, 1))
        client = Client()
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url.format(slug=producer.slug)).status_code == 200
        counts.append(len(queries))
    assert counts == [expected, expected]
