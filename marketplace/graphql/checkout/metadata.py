"""Saleor's `updateMetadata` for checkouts: the id is the checkout's global ID or token (the token is the
secret, as for every checkout mutation). Other objects carry no metadata here: their IDs are refused."""

import uuid

import graphene

from marketplace.checkout import services
from marketplace.graphql.checkout.mutations import _checkout
from marketplace.graphql.core.errors import InputError
from marketplace.graphql.core.metadata import MetadataErrorCode, MetadataInput, ObjectWithMetadata
from marketplace.graphql.core.mutations import BaseMutation, error_type

MAX_ITEMS_PER_CALL = services.METADATA_MAX_KEYS

MetadataError = error_type("MetadataError", MetadataErrorCode)


def _id_or_token(value: str) -> tuple[str | None, uuid.UUID | None]:
    """Saleor takes a checkout's global ID or its token here."""
    try:
        return None, uuid.UUID(value)
    except ValueError:
        return value, None


class UpdateMetadata(BaseMutation):
    errors = graphene.List(graphene.NonNull(MetadataError), required=True)
    item = graphene.Field(ObjectWithMetadata)

    class Arguments:
        id = graphene.ID(required=True, description="ID of the checkout to update.")
        input = graphene.List(
            graphene.NonNull(MetadataInput), required=True, description="The keys and values to set."
        )

    class Meta:
        description = "Updates public metadata of a checkout (other keys stay)."

    error_codes = MetadataErrorCode

    @classmethod
    def perform(cls, root, info, id, input):
        items = list(input)
        if len(items) > MAX_ITEMS_PER_CALL:
            raise InputError("input", f"At most {MAX_ITEMS_PER_CALL} items per call.", "INVALID")
        pairs = [(item.key, item.value) for item in items]
        checkout = services.checkout_metadata_update(
            checkout=_checkout(*_id_or_token(id)), items=pairs, by=info.context.user
        )
        return cls(item=checkout, errors=[])


class MetadataMutations(graphene.ObjectType):
    update_metadata = UpdateMetadata.Field()
