import graphene

from marketplace.checkout.selectors import checkout_by_token
from marketplace.graphql.checkout.types import Checkout
from marketplace.graphql.core.errors import BadRequest
from marketplace.graphql.core.ids import decode_id


class CheckoutQueries(graphene.ObjectType):
    checkout = graphene.Field(
        Checkout,
        id=graphene.ID(description="The checkout's ID."),
        token=graphene.UUID(description="The checkout's token."),
        description="Look up a checkout by ID or token (the token is the secret that grants access).",
    )

    @staticmethod
    def resolve_checkout(root, info, id=None, token=None):
        if (id is None) == (token is None):
            raise BadRequest("Provide exactly one of the `id` or `token` arguments.")
        key = token if token is not None else decode_id(id, "Checkout", as_uuid=True)
        return checkout_by_token(token=key)
