"""Malformed, huge or deeply nested request bodies (issue 12, finding 8): a 400 with a GraphQL error in
JSON, never a 500, and nothing runs."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace.accounts.models import User
from marketplace.graphql.core import limits
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REGISTER = """mutation($input: AccountRegisterInput!) {
  accountRegister(input: $input) { user { email } errors { code } } }"""


def post(api, body: bytes | str, content_type: str = "application/json", **extra):
    with CaptureQueriesContext(connection) as queries:
        response = api.client.post("/graphql/", data=body, content_type=content_type, **extra)
    return response, len(queries)


def refused(api, body, message: str, content_type: str = "application/json", **extra) -> None:
    response, queries = post(api, body, content_type, **extra)
    assert response.status_code == 400, response.content[:500]
    assert response["Content-Type"] == "application/json"
    errors = response.json()["errors"]
    assert [error["message"] for error in errors] == [message]
    assert queries == 0


def nested(depth: int, opening: str = "[", closing: str = "]") -> str:
    return opening * depth + closing * depth


def test_deeply_nested_variables_are_refused(api):
    head = '{"query": "query { channels { slug } }", "variables": {"x": '
    refused(api, head + nested(10_000) + "}}", "The request body nests JSON too deeply.")
    objects = head + '{"a":' * 10_000 + "1" + "}" * 10_000 + "}}"
    refused(api, objects, "The request body nests JSON too deeply.")
    # Deep enough to pass json.loads but deeper than any input type: refused before the mutation runs.
    medium = {"query": REGISTER, "variables": {"input": {"email": "moi@example.vn", "password": "x"}}}
    value: object = "p"
    for _ in range(200):
        value = [value]
    medium["variables"]["input"]["firstName"] = value
    refused(api, json.dumps(medium), f"The variables nest deeper than {limits.MAX_VARIABLE_DEPTH} levels.")
    assert not User.objects.exists()


def test_too_many_variable_values_are_refused(api):
    body = {"query": "query($ids: [ID!]) { products(first: 1, filter: {ids: $ids}) { totalCount } }"}
    body["variables"] = {"ids": ["UHJvZHVjdDox"] * (limits.MAX_VARIABLE_ITEMS + 1)}
    refused(api, json.dumps(body), f"The variables hold more than {limits.MAX_VARIABLE_ITEMS} values.")


def test_huge_body_is_refused_from_its_length(api):
    padding = "a" * limits.MAX_BODY_BYTES
    big = json.dumps({"query": "query { channels { slug } }", "variables": {"x": padding}})
    # The site-wide body limit (marketplace.core.middleware, first in MIDDLEWARE) answers first: 413.
    response, queries = post(api, big, "application/json")
    assert (response.status_code, queries) == (413, 0)
    assert response.json()["errors"][0]["extensions"]["exception"]["code"] == "RequestTooLarge"
    form = {"query": "query { channels { slug } }", "padding": padding}
    api.client.force_login(UserFactory())  # the CSRF check of a session would read the form first
    response = api.client.post("/graphql/", data=form)
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["exception"]["code"] == "RequestTooLarge"


def test_malformed_bodies_are_clean_errors(api):
    refused(api, '{"query": ', "The request body is not valid JSON.")
    refused(api, b"\xff\xfe{}", "The request body must be UTF-8 text of a bounded size.")
    refused(api, '"query { channels { slug } }"', "The request body must be one JSON object with a query.")
    refused(api, "42", "The request body must be one JSON object with a query.")
    refused(api, '{"query": 42}', "The query and operationName must be strings.")
    refused(api, '{"query": ["a"]}', "The query and operationName must be strings.")
    refused(
        api,
        '{"query": "query A { channels { slug } }", "operationName": {"x": 1}}',
        "The query and operationName must be strings.",
    )
    with_list = '{"query": "query { channels { slug } }", "variables": [1]}'
    refused(api, with_list, "Variables must be a JSON object.")


def test_form_bodies_are_bounded(api):
    fields = (
        "&".join(f"f{n}=1" for n in range(2000)) + "&query=query%20%7B%20channels%20%7B%20slug%20%7D%20%7D"
    )
    refused(
        api,
        fields,
        "The request body must be UTF-8 text of a bounded size.",
        content_type="application/x-www-form-urlencoded",
    )
    response = api.client.post("/graphql/", data={"query": "query { channels { slug } }"})
    assert response.json()["data"] == {"channels": [{"slug": "default-channel"}]}


def test_a_batch_of_operations_is_refused(api):
    batch = [{"query": 'mutation { tokenCreate(email: "a@b.vn", password: "x") { token } }'}] * 1000
    refused(api, json.dumps(batch), "The request body must be one JSON object with a query.")


def test_graphql_content_type_and_a_valid_request_still_work(api):
    response, _queries = post(api, "query { channels { slug } }", "application/graphql")
    assert response.status_code == 200
    assert response.json()["data"] == {"channels": [{"slug": "default-channel"}]}
