"""Who may cancel an order as its buyer, and how an actor is named in the order's history.

Producer access (a producer's own part) is decided by `marketplace.producers.policies`; this module only
adds the buyer's side: the signed-in shopper who placed an order, or a guest holding the order's token (the
link in the confirmation e-mail is the guest's only credential, so it is passed explicitly, never implied).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from marketplace.orders.models import ActorKind, Order
from marketplace.producers.policies import (
    STAFF_PERMISSION,
    Actor,
    ProducerAction,
    SystemActor,
    is_active_user,
    is_staff_with,
)


@dataclass(frozen=True)
class GuestTokenActor:
    """Whoever holds an order's token link (/orders/<token>/). Grants nothing beyond that one order."""

    token: uuid.UUID

    is_authenticated = False
    is_active = False
    is_staff = False
    pk = None

    def has_perm(self, perm: str, obj: object = None) -> bool:
        return False  # a token opens one order, it carries no permission

    def __str__(self) -> str:
        return "guest"


# Staff cancel orders with the same permission they need to act on producers' order parts.
STAFF_CANCEL_PERMISSION = STAFF_PERMISSION[ProducerAction.FULFIL_ORDERS]


def is_order_staff(actor: Actor) -> bool:
    return is_staff_with(actor, STAFF_CANCEL_PERMISSION)


def is_order_buyer(*, order: Order, actor: Actor) -> bool:
    """The signed-in shopper who placed it, or the token holder of an order placed without an account."""
    if isinstance(actor, GuestTokenActor):
        return order.user_id is None and actor.token == order.token
    return is_active_user(actor) and order.user_id is not None and order.user_id == actor.pk


def may_cancel_order(*, order: Order, by: Actor) -> bool:
    """Who may cancel a whole order: its buyer, staff with the permission, or a system task."""
    return isinstance(by, SystemActor) or is_order_staff(by) or is_order_buyer(order=order, actor=by)


def may_view_order(*, order: Order, by: Actor) -> bool:
    """Who may read a whole order: its buyer (a guest by the order's token) or staff with the permission."""
    return is_order_staff(by) or is_order_buyer(order=order, actor=by)


def buyer_actor(*, order: Order, user: Actor, token: uuid.UUID) -> Actor:
    """The actor a request to /orders/<token>/ stands for: the account that placed the order when it is the
    signed-in user, otherwise the holder of the token."""
    if is_active_user(user) and order.user_id is not None and order.user_id == user.pk:
        return user
    return GuestTokenActor(token=token)


def actor_kind(*, order: Order, actor: Actor) -> ActorKind:
    """How an actor appears in the order's history (checked in this order: a staff member who also bought
    the order acts as staff)."""
    if isinstance(actor, SystemActor):
        return ActorKind.SYSTEM
    if isinstance(actor, GuestTokenActor):
        return ActorKind.GUEST
    if is_order_staff(actor):
        return ActorKind.STAFF
    if is_order_buyer(order=order, actor=actor):
        return ActorKind.SHOPPER
    return ActorKind.PRODUCER
