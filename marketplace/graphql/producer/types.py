import graphene

from marketplace.core.provinces import BY_CODE
from marketplace.graphql.certification.types import OcopCertification
from marketplace.graphql.core.connection import CountableConnection, connection_field
from marketplace.graphql.producer.dataloaders import CertificationsByProducerIdLoader
from marketplace.graphql.product.types import (
    ProductCountableConnection,
    channel_argument,
    resolve_product_connection,
)
from marketplace.producers import models
from marketplace.producers.models import ProducerKind as ProducerKindModel


class ProducerKind(graphene.Enum):
    COMPANY = ProducerKindModel.COMPANY.value
    COOPERATIVE = ProducerKindModel.COOPERATIVE.value
    COOPERATIVE_GROUP = ProducerKindModel.COOPERATIVE_GROUP.value
    HOUSEHOLD = ProducerKindModel.HOUSEHOLD.value


class Producer(graphene.ObjectType):
    name = graphene.String(required=True, description="Legal name.")
    slug = graphene.String(required=True)
    kind = graphene.Field(ProducerKind, required=True)
    province = graphene.String(
        required=True, description="Current province code (one of the 34), e.g. son-la."
    )
    province_name = graphene.String(required=True, description="Current province name, e.g. Sơn La.")
    description = graphene.String(description="The producer's story (plain text).")
    is_verified = graphene.Boolean(
        required=True,
        description="Staff verified the seller's identity (registration, tax code or citizen ID).",
    )
    verified_registration_code = graphene.String(description="The code staff verified; null when unverified.")
    products = connection_field(
        ProductCountableConnection, channel=channel_argument(), description="The producer's products on sale."
    )
    certifications = graphene.List(
        graphene.NonNull(OcopCertification),
        required=True,
        description="Active OCOP certificates of the producer's products on sale.",
    )

    class Meta:
        interfaces = (graphene.relay.Node,)
        description = "An OCOP producer (chủ thể): the seller of its products."

    @classmethod
    def is_type_of(cls, root, info):
        return isinstance(root, models.Producer)

    @staticmethod
    def resolve_kind(root, info):
        return ProducerKind.get(root.kind)

    @staticmethod
    def resolve_is_verified(root, info):
        return root.verified_at is not None

    @staticmethod
    def resolve_verified_registration_code(root, info):
        return root.verified_code if root.verified_at is not None else None

    @staticmethod
    def resolve_province_name(root, info):
        province = BY_CODE.get(root.province)
        return province.name if province else ""

    @staticmethod
    def resolve_products(root, info, channel=None, **page):
        from django.db.models import Q

        return resolve_product_connection(info, Q(producer_id=root.pk), channel=channel, **page)

    @staticmethod
    def resolve_certifications(root, info):
        return CertificationsByProducerIdLoader.for_context(info.context).load(root.pk)


class ProducerCountableConnection(CountableConnection):
    class Meta:
        node = Producer
