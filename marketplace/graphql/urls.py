"""GraphQL endpoint (issue 6)."""

urlpatterns: list = []
