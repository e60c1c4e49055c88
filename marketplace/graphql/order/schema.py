import graphene

from marketplace.graphql.checkout.types import Order
from marketplace.graphql.core.ids import decode_id
from marketplace.graphql.order.dataloaders import prime_orders
from marketplace.orders.policies import buyer_actor, may_view_order
from marketplace.orders.selectors import order_by_token


class OrderQueries(graphene.ObjectType):
    order = graphene.Field(
        Order,
        id=graphene.ID(description="ID of an order."),
        external_reference=graphene.String(description="Not supported: orders have no external reference."),
        description=(
            "Look up an order by ID: for the shopper who placed it, staff with the order permission, or, for "
            "an order placed without an account, whoever holds its ID (the link in its confirmation e-mail)."
        ),
    )

    @staticmethod
    def resolve_order(root, info, id=None, external_reference=None):
        if id is None:
            return None
        order = order_by_token(token=decode_id(id, "Order", as_uuid=True))
        if order is None:
            return None
        actor = buyer_actor(order=order, user=info.context.user, token=order.token)
        if not (may_view_order(order=order, by=actor) or may_view_order(order=order, by=info.context.user)):
            return None  # like an unknown ID: an order's existence is not disclosed
        prime_orders(info.context, [order])
        return order
