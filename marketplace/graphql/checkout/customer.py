"""checkoutCustomerAttach / checkoutCustomerDetach (issue 13): @saleor/auth-sdk detaches the cart when a
shopper signs out at checkout; the storefront attaches it after sign-in. Registered with the account
mutations (marketplace/graphql/account/schema.py)."""

import graphene

from marketplace.checkout.services import checkout_customer_attach, checkout_customer_detach
from marketplace.graphql.checkout.mutations import CheckoutError, CheckoutMutation, _checkout
from marketplace.graphql.checkout.types import Checkout
from marketplace.graphql.core.auth import require_login


class CheckoutCustomerAttach(CheckoutMutation):
    checkout = graphene.Field(Checkout)
    errors = graphene.List(graphene.NonNull(CheckoutError), required=True)

    class Arguments:
        id = graphene.ID(description="The checkout's ID.")
        customer_id = graphene.ID(description="Not supported: the signed-in user is attached.")

    class Meta:
        description = "Sets the signed-in customer as the owner of the checkout."

    @classmethod
    def perform(cls, root, info, id=None, customer_id=None):
        user = require_login(info)
        return cls(checkout=checkout_customer_attach(checkout=_checkout(id), by=user), errors=[])


class CheckoutCustomerDetach(CheckoutMutation):
    checkout = graphene.Field(Checkout)
    errors = graphene.List(graphene.NonNull(CheckoutError), required=True)

    class Arguments:
        id = graphene.ID(description="The checkout's ID.")

    class Meta:
        description = "Removes the signed-in owner from the checkout."

    @classmethod
    def perform(cls, root, info, id=None):
        user = require_login(info)
        return cls(checkout=checkout_customer_detach(checkout=_checkout(id), by=user), errors=[])
