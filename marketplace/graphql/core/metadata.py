"""Saleor's public metadata: `ObjectWithMetadata` and its key/value items. Only checkouts carry metadata
here (checkout.models.Checkout.metadata, bounded by checkout.services.checkout_metadata_update); private
metadata is not kept."""

import graphene


class MetadataItem(graphene.ObjectType):
    key = graphene.String(required=True, description="Key of a metadata item.")
    value = graphene.String(required=True, description="Value of a metadata item.")


class MetadataInput(graphene.InputObjectType):
    key = graphene.String(required=True, description="Key of a metadata item.")
    value = graphene.String(required=True, description="Value of a metadata item.")


class MetadataErrorCode(graphene.Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    REQUIRED = "required"
    NOT_UPDATED = "not_updated"


class ObjectWithMetadata(graphene.Interface):
    metadata = graphene.List(
        graphene.NonNull(MetadataItem), required=True, description="List of public metadata items."
    )
    metafield = graphene.String(
        key=graphene.String(required=True), description="A single key from public metadata."
    )

    @staticmethod
    def resolve_metadata(root, info):
        return [MetadataItem(key=key, value=value) for key, value in sorted((root.metadata or {}).items())]

    @staticmethod
    def resolve_metafield(root, info, key):
        return (root.metadata or {}).get(key)
