import json

import pytest
from django.test import Client

from marketplace.graphql.core.auth import create_token


class Api:
    """POSTs GraphQL to /graphql/ the way an API client does (JSON body, optional Bearer token)."""

    def __init__(self):
        self.client = Client(enforce_csrf_checks=True)

    def raw(self, query: str, variables: dict | None = None, *, user=None, headers: dict | None = None):
        extra = dict(headers or {})
        if user is not None:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {create_token(user, kind='access')}"
        return self.client.post(
            "/graphql/",
            data=json.dumps({"query": query, "variables": variables or {}}),
            content_type="application/json",
            **extra,
        )

    def __call__(
        self, query: str, variables: dict | None = None, *, user=None, headers: dict | None = None
    ) -> dict:
        response = self.raw(query, variables, user=user, headers=headers)
        assert response.status_code in (200, 400), response.content
        return response.json()

    def data(self, query: str, variables: dict | None = None, *, user=None) -> dict:
        """The data of a request that must succeed without errors."""
        body = self(query, variables, user=user)
        assert "errors" not in body, body["errors"]
        return body["data"]


@pytest.fixture
def api(db) -> Api:
    return Api()
