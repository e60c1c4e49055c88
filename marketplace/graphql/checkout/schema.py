import graphene

from marketplace.checkout.selectors import checkout_by_token
from marketplace.graphql.checkout.types import AddressValidationData, Checkout, vietnam_address_rules
from marketplace.graphql.core.errors import BadRequest
from marketplace.graphql.core.ids import decode_id
from marketplace.graphql.core.types import CountryCode


class CheckoutQueries(graphene.ObjectType):
    checkout = graphene.Field(
        Checkout,
        id=graphene.ID(description="The checkout's ID."),
        token=graphene.UUID(description="The checkout's token."),
        description="Look up a checkout by ID or token (the token is the secret that grants access).",
    )

    address_validation_rules = graphene.Field(
        AddressValidationData,
        country_code=graphene.Argument(CountryCode, required=True, description="Two-letter ISO 3166 code."),
        country_area=graphene.String(description="Ignored: the rules are the same in every province."),
        city=graphene.String(description="Ignored."),
        city_area=graphene.String(description="Ignored."),
        description="How to fill in an address in the country; null outside Viet Nam (no delivery there).",
    )

    @staticmethod
    def resolve_address_validation_rules(
        root, info, country_code, country_area=None, city=None, city_area=None
    ):
        code = getattr(country_code, "value", country_code)
        return vietnam_address_rules() if code == "VN" else None

    @staticmethod
    def resolve_checkout(root, info, id=None, token=None):
        if (id is None) == (token is None):
            raise BadRequest("Provide exactly one of the `id` or `token` arguments.")
        key = token if token is not None else decode_id(id, "Checkout", as_uuid=True)
        return checkout_by_token(token=key)
