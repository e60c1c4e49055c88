"""Who may act for a producer: the one place that decides it.

Every write service takes the acting party as a required keyword argument (`by`) and asks this module.
An actor is a signed-in user or an explicit `SystemActor` (a task, the decision import, the demo loader,
a verified webhook); there is no "None means trusted". Staff act through a Django permission per action;
producer members act only on their own producer's objects.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias, TypeGuard

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from marketplace.producers.models import Producer, ProducerMembership

if TYPE_CHECKING:
    from marketplace.accounts.models import User


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
    ADD_PRODUCT = "add_product"  # a new product in the producer's catalogue
    DELETE_PRODUCT = "delete_product"  # delete a never-certified product
    MANAGE_PROFILE = "manage_profile"  # the public profile, logo, photos, bank account
    FULFIL_ORDERS = "fulfil_orders"  # confirm, ship, deliver or cancel its own order parts
    VIEW_MONEY = "view_money"  # ledger, statements, payouts
    REPLY_REVIEWS = "reply_reviews"  # public replies to reviews of its products
    MANAGE_DISCOUNTS = "manage_discounts"  # its own vouchers (promo codes)


# The Django permission a staff user needs for each action on any producer's objects.
STAFF_PERMISSION: dict[ProducerAction, str] = {
    ProducerAction.MANAGE_CATALOGUE: "catalog.change_product",
    ProducerAction.ADD_PRODUCT: "catalog.add_product",
    ProducerAction.DELETE_PRODUCT: "catalog.delete_product",
    ProducerAction.MANAGE_PROFILE: "producers.change_producer",
    ProducerAction.FULFIL_ORDERS: "orders.change_order",
    ProducerAction.VIEW_MONEY: "orders.view_order",
    ProducerAction.REPLY_REVIEWS: "producers.change_producer",
    ProducerAction.MANAGE_DISCOUNTS: "discounts.change_voucher",
}


def is_system(actor: Actor) -> bool:
    return isinstance(actor, SystemActor)


def is_active_user(actor: Actor) -> TypeGuard[User]:
    """A signed-in, active person (never a SystemActor, an anonymous visitor or a guest token holder)."""
    return (
        not is_system(actor) and actor is not None and bool(actor.is_authenticated) and bool(actor.is_active)
    )


def acting_user(actor: Actor) -> User | None:
    """The user to record in `created_by`/`hidden_by`-style columns (None for a system actor)."""
    return actor if is_active_user(actor) else None


def is_staff_with(actor: Actor, permission: str) -> bool:
    """An active staff user holding `permission` (superusers hold every permission)."""
    return is_active_user(actor) and bool(actor.is_staff) and actor.has_perm(permission)


def require_actor(actor: Actor) -> None:
    """Shopper-side writes whose capability is a secret token (a cart, an order link): anyone holding it
    may act, signed in or not, but the caller must still say who acts (None is never a trusted caller)."""
    if actor is None or not (is_system(actor) or hasattr(actor, "is_authenticated")):
        raise PermissionDenied("permission_denied")


def require_self(actor: Actor, user_id: int) -> None:
    """A shopper's own records (addresses): that user, or a system actor."""
    if not (is_system(actor) or (is_active_user(actor) and actor.pk == user_id)):
        raise PermissionDenied("permission_denied")


def require_own_account_deletable(actor: Actor, user_id: int) -> None:
    """Deleting one's own personal data (issue 13): only the user, and only a plain shopper account. Staff and
    producer members hold a role others rely on; whoever granted it must remove it first."""
    require_self(actor, user_id)
    if is_active_user(actor) and (
        actor.is_staff or actor.is_superuser or ProducerMembership.objects.filter(user_id=actor.pk).exists()
    ):
        raise PermissionDenied("permission_denied")


def require_system(actor: Actor) -> None:
    """Work only a task, an import, the demo loader or a verified webhook does (expiry, reminders)."""
    if not is_system(actor):
        raise PermissionDenied("permission_denied")


def require_staff_with(actor: Actor, permission: str) -> None:
    """Staff-only writes (moderation, producer records, payment confirmation): staff holding `permission`,
    or a system actor. Producer members never pass, whatever they belong to."""
    if not (is_system(actor) or is_staff_with(actor, permission)):
        raise PermissionDenied("permission_denied")


# Certificates come only from decisions: staff who may run decision imports, or the import/demo actors.
CERTIFY_PERMISSION = "catalog_import.change_importrun"


# Money received into the marketplace's bank account is confirmed by staff holding this permission or by
# reconciliation (a system actor), never by a producer: it confirms every producer's part of the order.
PAYMENT_CONFIRM_PERMISSION = "orders.change_order"


def may_confirm_payment(actor: Actor) -> bool:
    return is_system(actor) or is_staff_with(actor, PAYMENT_CONFIRM_PERMISSION)


def require_payment_confirmation(actor: Actor) -> None:
    require_staff_with(actor, PAYMENT_CONFIRM_PERMISSION)


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
