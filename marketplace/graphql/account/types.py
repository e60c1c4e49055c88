import graphene

from marketplace.accounts.models import User as UserModel
from marketplace.accounts.selectors import addresses_of
from marketplace.graphql.checkout.types import Address, OrderCountableConnection, address_of
from marketplace.graphql.core.connection import connection_field, paginate
from marketplace.graphql.core.errors import PermissionDenied
from marketplace.graphql.core.ids import to_global_id
from marketplace.graphql.core.types import Image
from marketplace.graphql.order.dataloaders import prime_orders
from marketplace.orders.selectors import orders_for_user


class User(graphene.ObjectType):
    email = graphene.String(required=True)
    first_name = graphene.String(required=True)
    last_name = graphene.String(required=True)
    is_staff = graphene.Boolean(required=True)
    is_active = graphene.Boolean(required=True)
    date_joined = graphene.DateTime(required=True)
    avatar = graphene.Field(Image, size=graphene.Int(), format=graphene.String())
    addresses = graphene.List(graphene.NonNull(Address), required=True, description="The address book.")
    default_shipping_address = graphene.Field(Address)
    default_billing_address = graphene.Field(Address, description="The default address (one serves both).")
    orders = connection_field(
        OrderCountableConnection, description="List of the user's orders, newest first."
    )

    class Meta:
        interfaces = (graphene.relay.Node,)
        description = "Represents user data."

    @classmethod
    def is_type_of(cls, root, info):
        return isinstance(root, UserModel)

    @staticmethod
    def resolve_avatar(root, info, size=None, format=None):
        return None

    @staticmethod
    def resolve_addresses(root, info):
        _require_self(info, root)
        return [saved_address(address) for address in _address_book(root)]

    @staticmethod
    def resolve_default_shipping_address(root, info):
        _require_self(info, root)
        default = next((address for address in _address_book(root) if address.is_default), None)
        return saved_address(default) if default is not None else None

    resolve_default_billing_address = resolve_default_shipping_address

    @staticmethod
    def resolve_orders(root, info, **page):
        _require_self(info, root)
        return paginate(
            orders_for_user(user=root),
            info,
            OrderCountableConnection,
            on_page=lambda orders: prime_orders(info.context, orders),
            **page,
        )


def _require_self(info, user) -> None:
    if info.context.user.pk != user.pk:
        raise PermissionDenied()


def _address_book(user) -> list:
    """The user's saved addresses, default first, loaded once per request."""
    cache = getattr(user, "_graphql_address_book", None)
    if cache is None:
        cache = list(addresses_of(user=user))
        user._graphql_address_book = cache
    return cache


def saved_address(address) -> dict:
    return {**(address_of(address) or {}), "id": to_global_id("Address", address.pk)}
