"""Delivered order lines and reviews for the review tests (issue 16), through the real services."""

from django.contrib.auth.models import Permission

from marketplace.orders.models import OrderLine, OrderStatus
from marketplace.orders.services import order_part_confirm, order_part_mark_delivered, order_part_mark_shipped
from marketplace.reviews.models import Review
from marketplace.reviews.services import review_create
from tests.factories import StaffFactory
from tests.factories.orders import buyable_variant, place_order


def _operator():
    return StaffFactory(is_superuser=True)


def bought_line(*, buyer, status: str = OrderStatus.DELIVERED, variant=None, producer=None) -> OrderLine:
    """An order line bought by `buyer` (a user) and moved to `status` by staff."""
    if variant is None:
        variant = buyable_variant(producer=producer)
    order = place_order((variant, 1), user=buyer)
    part = order.parts.get()
    operator = _operator()
    if status in (OrderStatus.CONFIRMED, OrderStatus.SHIPPED, OrderStatus.DELIVERED):
        order_part_confirm(part=part, by=operator)
    if status in (OrderStatus.SHIPPED, OrderStatus.DELIVERED):
        order_part_mark_shipped(part=part, by=operator)
    if status == OrderStatus.DELIVERED:
        order_part_mark_delivered(part=part, by=operator)
    return part.lines.select_related("part__order", "variant__product").get()


def reviewed(*, buyer, stars: int = 5, text: str = "Ngon", **line_fields) -> Review:
    return review_create(line=bought_line(buyer=buyer, **line_fields), by=buyer, stars=stars, text=text)


def staff_with(*codenames: str):
    """An active staff user holding exactly these permissions ("app_label.codename")."""
    user = StaffFactory()
    for name in codenames:
        app_label, codename = name.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return type(user).objects.get(pk=user.pk)  # a fresh instance: no cached permissions
