import graphene

from marketplace.accounts.models import User as UserModel
from marketplace.graphql.checkout.types import OrderCountableConnection
from marketplace.graphql.core.connection import connection_field, paginate
from marketplace.graphql.core.errors import PermissionDenied
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
    def resolve_orders(root, info, **page):
        if info.context.user.pk != root.pk:
            raise PermissionDenied()
        return paginate(
            orders_for_user(user=root),
            info,
            OrderCountableConnection,
            on_page=lambda orders: prime_orders(info.context, orders),
            **page,
        )
