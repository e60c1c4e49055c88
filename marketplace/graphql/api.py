"""The GraphQL schema assembled from marketplace/graphql/<domain>/ (issue 6 fills it in)."""

import graphene


class Query(graphene.ObjectType):
    ping = graphene.String(description="Liveness of the API.")

    @staticmethod
    def resolve_ping(root, info):
        return "pong"


schema = graphene.Schema(query=Query)
