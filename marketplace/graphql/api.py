"""The GraphQL schema: one Query and one Mutation assembled from marketplace/graphql/<domain>/."""

import graphene

from marketplace.graphql.content.schema import ContentQueries
from marketplace.graphql.producer.schema import ProducerQueries
from marketplace.graphql.product.schema import ProductQueries


class Query(ProductQueries, ProducerQueries, ContentQueries, graphene.ObjectType):
    pass


schema = graphene.Schema(query=Query)
