import graphene
from django.db.models import Exists, OuterRef

from marketplace.catalog.selectors import products_visible_to_shoppers
from marketplace.graphql.core.connection import connection_field, paginate
from marketplace.graphql.producer.filters import ProducerFilterInput, filter_producers
from marketplace.graphql.producer.types import Producer, ProducerCountableConnection
from marketplace.producers.models import Producer as ProducerModel


def producers_on_sale():
    """Producers with at least one product visible to shoppers (the public directory)."""
    return ProducerModel.objects.filter(
        Exists(products_visible_to_shoppers().filter(producer=OuterRef("pk")))
    )


class ProducerQueries(graphene.ObjectType):
    producer = graphene.Field(
        Producer, slug=graphene.String(required=True), description="Look up a producer."
    )
    producers = connection_field(
        ProducerCountableConnection,
        filter=graphene.Argument(ProducerFilterInput),
        description="Producers with products on sale.",
    )

    @staticmethod
    def resolve_producer(root, info, slug):
        return ProducerModel.objects.filter(slug=slug).first()

    @staticmethod
    def resolve_producers(root, info, filter=None, **page):
        queryset = filter_producers(producers_on_sale(), filter or {}).order_by("name", "pk")
        return paginate(queryset, info, ProducerCountableConnection, **page)
