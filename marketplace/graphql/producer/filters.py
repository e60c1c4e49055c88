import graphene
from django.db.models import Q, QuerySet

from marketplace.core.provinces import BY_CODE
from marketplace.graphql.core.errors import BadRequest
from marketplace.graphql.producer.types import ProducerKind


class ProducerFilterInput(graphene.InputObjectType):
    search = graphene.String(description="Name contains.")
    provinces = graphene.List(graphene.NonNull(graphene.String), description="Province codes, e.g. son-la.")
    kinds = graphene.List(graphene.NonNull(ProducerKind))


def filter_producers(queryset: QuerySet, data) -> QuerySet:
    if data.get("search"):
        text = data["search"].strip()[:200]
        queryset = queryset.filter(Q(name__icontains=text) | Q(slug__icontains=text))
    if data.get("provinces") is not None:
        provinces = list(data["provinces"])[:100]
        unknown = sorted(set(provinces) - set(BY_CODE))
        if unknown:
            raise BadRequest(f"Unknown province code(s): {', '.join(unknown[:5])}.")
        queryset = queryset.filter(province__in=provinces)
    if data.get("kinds") is not None:
        queryset = queryset.filter(kind__in=[getattr(kind, "value", kind) for kind in data["kinds"]])
    return queryset
