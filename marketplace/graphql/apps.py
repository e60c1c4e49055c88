from django.apps import AppConfig


class GraphQLConfig(AppConfig):
    """Registered only for its templates and static files (the vendored GraphiQL); it has no models."""

    name = "marketplace.graphql"
    label = "marketplace_graphql"
