"""Who may act for a producer: the one place that decides it.

Every write service takes the acting party as a required keyword argument (`by`) and asks this module.
An actor is a signed-in user or an explicit `SystemActor` (a task, the decision import, the demo loader,
a verified webhook); there is no "None means trusted". Staff act through a Django permission per action;
producer members act only on their own producer's objects.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Protocol, TypeAlias

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from marketplace.producers.models import Producer, ProducerMembership


class _Party(Protocol):
    """What the policy reads of an actor: a user (signed in or anonymous) or a SystemActor."""

    @property
    def is_authenticated(self) -> bool: ...
    @property
    def is_active(self) -> bool: ...
    @property
    def is_staff(self) -> bool: ...
    @property
    def pk(self) -> Any: ...

    def has_perm(self, perm: str, obj: Any = None) -> bool: ...


@dataclass(frozen=True)
class SystemActor:
    """A trusted caller that is not a person; `name` says which (it goes into audit records)."""

    name: str

    is_authenticated = True
    is_active = True
    is_staff = False
    pk = None

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return False  # a system actor is trusted by is_system(), never through staff permissions

    def __str__(self) -> str:
        return f"system:{self.name}"


Actor: TypeAlias = _Party

SYSTEM_IMPORT = SystemActor("import")
SYSTEM_DEMO = SystemActor("demo")
SYSTEM_TASK = SystemActor("task")
SYSTEM_WEBHOOK = SystemActor("webhook")


class ProducerAction(enum.StrEnum):
    MANAGE_CATALOGUE = "manage_catalogue"  # products, variants, images, stock, prices, publishing
    MANAGE_PROFILE = "manage_profile"  # the public profile, logo, photos, bank account
    FULFIL_ORDERS = "fulfil_orders"  # confirm, ship, deliver or cancel its own order parts
    VIEW_MONEY = "view_money"  # ledger, statements, payouts
    REPLY_REVIEWS = "reply_reviews"  # public replies to reviews of its products


# The Django permission a staff user needs for each action on any producer's objects.
STAFF_PERMISSION: dict[ProducerAction, str] = {
    ProducerAction.MANAGE_CATALOGUE: "catalog.change_product",
    ProducerAction.MANAGE_PROFILE: "producers.change_producer",
    ProducerAction.FULFIL_ORDERS: "orders.change_order",
    ProducerAction.VIEW_MONEY: "orders.view_order",
    ProducerAction.REPLY_REVIEWS: "producers.change_producer",
}


def is_system(actor: Actor) -> bool:
    return isinstance(actor, SystemActor)


def is_active_user(actor: Actor) -> bool:
    return (
        not is_system(actor) and actor is not None and bool(actor.is_authenticated) and bool(actor.is_active)
    )


def is_staff_with(actor: Actor, permission: str) -> bool:
    """An active staff user holding `permission` (superusers hold every permission)."""
    return is_active_user(actor) and bool(actor.is_staff) and actor.has_perm(permission)


def may_act_for_producer(*, actor: Actor, action: ProducerAction, producer_id: int) -> bool:
    if is_system(actor):
        return True
    if not is_active_user(actor):
        return False
    if is_staff_with(actor, STAFF_PERMISSION[action]):
        return True
    return ProducerMembership.objects.filter(user_id=actor.pk, producer_id=producer_id).exists()


def require_producer_action(*, actor: Actor, action: ProducerAction, producer_id: int) -> None:
    if not may_act_for_producer(actor=actor, action=action, producer_id=producer_id):
        raise PermissionDenied("permission_denied")


def producers_in_scope(*, actor: Actor, action: ProducerAction) -> QuerySet[Producer]:
    """The producers an actor may act for with `action` (querysets filter by this, never by hand)."""
    if is_system(actor) or is_staff_with(actor, STAFF_PERMISSION[action]):
        return Producer.objects.all()
    if not is_active_user(actor):
        return Producer.objects.none()
    return Producer.objects.filter(memberships__user_id=actor.pk)


def producer_ids_of_member(*, actor: Actor) -> QuerySet[Producer]:
    """The producers a user belongs to as a member (the portal's producer switcher), staff or not."""
    if not is_active_user(actor):
        return Producer.objects.none()
    return Producer.objects.filter(memberships__user_id=actor.pk).order_by("name")
