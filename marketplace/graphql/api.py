"""The GraphQL schema: one Query and one Mutation assembled from marketplace/graphql/<domain>/."""

import graphene
from graphql import DirectiveLocation, GraphQLDeprecatedDirective, GraphQLDirective, specified_directives

from marketplace.graphql.account.schema import AccountMutations, AccountQueries
from marketplace.graphql.attribute.schema import AttributeQueries
from marketplace.graphql.attribute.types import ASSIGNED_ATTRIBUTE_TYPES
from marketplace.graphql.certification.schema import CertificationQueries
from marketplace.graphql.checkout.metadata import MetadataMutations
from marketplace.graphql.checkout.mutations import CheckoutMutations
from marketplace.graphql.checkout.schema import CheckoutQueries
from marketplace.graphql.checkout.transactions import TransactionMutations
from marketplace.graphql.content.schema import ContentQueries
from marketplace.graphql.core.limits import bound_list_resolvers
from marketplace.graphql.order.mutations import OrderMutations
from marketplace.graphql.order.schema import OrderQueries
from marketplace.graphql.producer.schema import ProducerQueries
from marketplace.graphql.product.mutations import ProductMutations
from marketplace.graphql.product.schema import ProductQueries


class Query(
    ProductQueries,
    AttributeQueries,
    ProducerQueries,
    CheckoutQueries,
    ContentQueries,
    AccountQueries,
    CertificationQueries,
    OrderQueries,
    graphene.ObjectType,
):
    pass


class Mutation(
    CheckoutMutations,
    TransactionMutations,
    MetadataMutations,
    ProductMutations,
    AccountMutations,
    OrderMutations,
    graphene.ObjectType,
):
    pass


# graphql-core 3.2.14 lets @deprecated mark directive definitions too (DIRECTIVE_DEFINITION, a location the
# GraphQL spec and graphql-js 16 do not know): clients building a schema from our introspection (GraphQL Code
# Generator in Saleor's storefront) then fail to parse it. Saleor answers the spec's four locations.
DEPRECATED = GraphQLDirective(
    name=GraphQLDeprecatedDirective.name,
    locations=[
        location
        for location in GraphQLDeprecatedDirective.locations
        if location != DirectiveLocation.DIRECTIVE_DEFINITION
    ],
    args=GraphQLDeprecatedDirective.args,
    description=GraphQLDeprecatedDirective.description,
)
DIRECTIVES = [DEPRECATED if d.name == DEPRECATED.name else d for d in specified_directives]

schema = graphene.Schema(
    query=Query, mutation=Mutation, types=ASSIGNED_ATTRIBUTE_TYPES, directives=DIRECTIVES
)
bound_list_resolvers(schema.graphql_schema)
