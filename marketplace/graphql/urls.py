"""GraphQL endpoint (issue 6): /graphql/ (GraphiQL in the browser when DEBUG is on)."""

from django.urls import path

from marketplace.graphql.views import GraphQLView

urlpatterns = [path("", GraphQLView.as_view(graphiql=True), name="graphql")]
