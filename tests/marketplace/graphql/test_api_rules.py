"""Saleor's conventions: connection limits, cost and alias limits, JWT, CSRF, errors."""

import datetime
import json

import jwt
import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from marketplace.accounts.models import User
from marketplace.graphql.core import limits
from marketplace.graphql.core.auth import create_token
from tests.factories import UserFactory, visible_product

pytestmark = pytest.mark.django_db

ME = "query { me { email } }"


def error_messages(body) -> list[str]:
    return [error["message"] for error in body["errors"]]


def test_first_or_last_is_required_and_capped(api):
    body = api("query { products { edges { node { id } } } }")
    assert error_messages(body) == [
        "You must provide a `first` or `last` value to properly paginate the `products` connection."
    ]
    body = api("query { products(first: 101) { edges { node { id } } } }")
    assert error_messages(body) == [
        "Requesting 101 records on the `products` connection exceeds the `first` limit of 100 records."
    ]
    body = api("query { products(last: 500) { edges { node { id } } } }")
    assert "exceeds the `last` limit of 100" in error_messages(body)[0]
    body = api('query { products(first: 1, after: "garbage") { edges { node { id } } } }')
    assert error_messages(body) == ["Received cursor (garbage) is invalid."]


def test_cost_is_reported_and_limited(api):
    visible_product()
    body = api("query { products(first: 10) { edges { node { name } } } }")
    # a connection (its page query) + 10 edges × (edge + node + name)
    assert body["extensions"]["cost"] == {
        "requestedQueryCost": 230,
        "maximumAvailable": limits.MAX_QUERY_COST,
    }
    expensive = """query { products(first: 100) { edges { node {
        category { products(first: 100) { edges { node { name slug } } } } } } } }"""
    body = api(expensive)
    assert "data" not in body
    assert body["errors"][0]["extensions"]["exception"]["code"] == "QueryCostError"
    assert body["extensions"]["cost"]["requestedQueryCost"] > limits.MAX_QUERY_COST


def test_alias_limit(api):
    aliases = " ".join(f"a{n}: channels {{ slug }}" for n in range(limits.MAX_ALIASES + 1))
    body = api(f"query {{ {aliases} }}")
    assert error_messages(body) == [
        f"The query uses {limits.MAX_ALIASES + 1} aliases; at most 30 are allowed."
    ]
    fine = " ".join(f"a{n}: channels {{ slug }}" for n in range(3))
    assert "errors" not in api(f"query {{ {fine} }}")


def test_token_create_refresh_and_bearer(api):
    UserFactory(email="lan@example.vn")
    body = api.data(
        """mutation { tokenCreate(email: "LAN@example.vn", password: "pass-word-123") {
            token refreshToken user { email } errors { field code } } }"""
    )["tokenCreate"]
    assert body["errors"] == [] and body["user"] == {"email": "lan@example.vn"}
    me = api(ME, headers={"HTTP_AUTHORIZATION": f"Bearer {body['token']}"})
    assert me["data"] == {"me": {"email": "lan@example.vn"}}
    refreshed = api.data(
        "mutation($t: String) { tokenRefresh(refreshToken: $t) { token errors { code } } }",
        {"t": body["refreshToken"]},
    )["tokenRefresh"]
    assert refreshed["errors"] == []
    assert api(ME, headers={"HTTP_AUTHORIZATION": f"Bearer {refreshed['token']}"})["data"]["me"]
    # An access token is not a refresh token.
    wrong = api.data(
        "mutation($t: String) { tokenRefresh(refreshToken: $t) { token errors { field code } } }",
        {"t": body["token"]},
    )["tokenRefresh"]
    assert wrong == {"token": None, "errors": [{"field": "refreshToken", "code": "JWT_INVALID_TOKEN"}]}


def test_wrong_password_and_bad_tokens(api):
    user = UserFactory(email="lan@example.vn")
    body = api.data(
        'mutation { tokenCreate(email: "lan@example.vn", password: "nope") { token errors { field code } } }'
    )["tokenCreate"]
    assert body == {"token": None, "errors": [{"field": "email", "code": "INVALID_CREDENTIALS"}]}
    response = api.raw(ME, headers={"HTTP_AUTHORIZATION": "Bearer not-a-jwt"})
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["exception"]["code"] == "JWT_INVALID_TOKEN"
    past = timezone.now() - datetime.timedelta(hours=1)
    expired = jwt.encode(
        {"iss": "ocop-marketplace", "type": "access", "sub": str(user.pk), "iat": past, "exp": past},
        settings.SECRET_KEY,
        algorithm="HS256",
    )
    response = api.raw(ME, headers={"HTTP_AUTHORIZATION": f"Bearer {expired}"})
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["exception"]["code"] == "JWT_SIGNATURE_EXPIRED"
    # A password change invalidates tokens issued before it.
    token = create_token(user, kind="access")
    user.set_password("another-pass-456")
    user.save()
    assert api.raw(ME, headers={"HTTP_AUTHORIZATION": f"Bearer {token}"}).status_code == 401


def test_session_cookie_needs_csrf_token():
    user = UserFactory(email="lan@example.vn")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    body = json.dumps({"query": ME})
    without = client.post("/graphql/", body, content_type="application/json").json()
    assert without["data"] == {"me": None}
    client.get("/graphql/", HTTP_ACCEPT="application/json")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    with_token = client.post(
        "/graphql/", body, content_type="application/json", HTTP_X_CSRFTOKEN=token
    ).json()
    assert with_token["data"] == {"me": {"email": "lan@example.vn"}}
    via_get = client.get("/graphql/", {"query": ME}, HTTP_ACCEPT="application/json").json()
    assert via_get["data"] == {"me": None}


def test_mutations_need_post(api):
    response = api.client.get(
        "/graphql/",
        {"query": 'mutation { tokenCreate(email: "a@b.vn", password: "x") { token } }'},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 405


def test_account_register(api):
    mutation = """mutation($email: String!, $password: String!) {
      accountRegister(
        input: {email: $email, password: $password, firstName: "Lan", redirectUrl: "https://x"}
      ) {
        requiresConfirmation user { email firstName } errors { field code } } }"""
    body = api.data(mutation, {"email": "Moi@Example.vn", "password": "cà-phê-sơn-la-2026"})[
        "accountRegister"
    ]
    assert body == {
        "requiresConfirmation": False,
        "user": {"email": "moi@example.vn", "firstName": "Lan"},
        "errors": [],
    }
    assert User.objects.get(email="moi@example.vn").check_password("cà-phê-sơn-la-2026")
    again = api.data(mutation, {"email": "moi@example.vn", "password": "cà-phê-sơn-la-2026"})[
        "accountRegister"
    ]
    assert again["errors"] == [{"field": "email", "code": "UNIQUE"}]
    weak = api.data(mutation, {"email": "yeu@example.vn", "password": "123"})["accountRegister"]
    assert {"field": "password", "code": "INVALID_PASSWORD"} in weak["errors"]
    assert not User.objects.filter(email="yeu@example.vn").exists()


def test_permission_denied_shape(api):
    body = api('mutation { productHide(id: "UHJvZHVjdDox", reason: "x") { errors { code } } }')
    assert body["data"] == {"productHide": None}
    assert body["errors"][0]["extensions"] == {"exception": {"code": "PermissionDenied"}}
    assert body["errors"][0]["path"] == ["productHide"]


def test_unknown_channel_is_an_error(api):
    body = api('query { products(first: 1, channel: "other") { totalCount } }')
    assert error_messages(body) == ["Channel with 'other' slug does not exist."]


def test_sorting_and_filters(api):
    from marketplace.catalog.models import Category

    cheap = visible_product(name="B rẻ", slug="b-re", price=50_000, stars=3)
    dear = visible_product(
        name="A đắt", slug="a-dat", price=500_000, stars=5, category=Category.objects.get(slug="thuc-pham")
    )
    query = """query($sort: ProductOrder, $filter: ProductFilterInput) {
      products(first: 10, sortBy: $sort, filter: $filter) { edges { node { slug } } } }"""

    def run(sort=None, filter=None):
        data = api.data(query, {"sort": sort, "filter": filter})
        return [edge["node"]["slug"] for edge in data["products"]["edges"]]

    assert run() == ["a-dat", "b-re"]
    assert run({"field": "PRICE", "direction": "ASC"}) == ["b-re", "a-dat"]
    assert run({"field": "RATING", "direction": "DESC"}) == ["a-dat", "b-re"]
    assert run({"field": "CREATED_AT", "direction": "DESC"}) == ["a-dat", "b-re"]
    # Saleor's older names for the last modification date, as the current Saleor storefront sends them.
    for older in ("DATE", "LAST_MODIFIED", "LAST_MODIFIED_AT"):
        assert run({"field": older, "direction": "DESC"}) == ["a-dat", "b-re"]
        assert run({"field": older, "direction": "ASC"}) == ["b-re", "a-dat"]
    assert run(filter={"ocopStars": [3]}) == ["b-re"]
    assert run(filter={"price": {"gte": 100000}}) == ["a-dat"]
    assert run(filter={"producers": [f"{_gid('Producer', cheap.producer_id)}"]}) == ["b-re"]
    assert run(filter={"categories": [_gid("Category", dear.category_id)]}) == ["a-dat"]
    assert run(filter={"stockAvailability": "IN_STOCK"}) == ["a-dat", "b-re"]
    body = api(query, {"sort": {"field": "RANK", "direction": "DESC"}})
    assert error_messages(body) == ["Sorting by RANK is available only when using a search filter."]
    body = api(query, {"filter": {"provinces": ["atlantis"]}})
    assert error_messages(body) == ["Unknown province code(s): atlantis."]


def _gid(type_name, pk):
    from graphql_relay import to_global_id

    return to_global_id(type_name, pk)


def test_producers_filter(api):
    from tests.factories import ProducerFactory

    visible_product(
        producer=ProducerFactory(name="HTX Cà phê Bích Thao", slug="bich-thao", province="son-la")
    )
    visible_product(
        producer=ProducerFactory(
            name="Công ty Trà Tây Bắc", slug="tay-bac", province="lao-cai", kind="company"
        )
    )
    ProducerFactory(name="HTX chưa có sản phẩm", slug="chua-co")  # nothing on sale: not listed
    query = """query($filter: ProducerFilterInput) {
      producers(first: 10, filter: $filter) {
        totalCount edges { node { slug kind province provinceName } } } }"""

    def slugs(filter=None):
        data = api.data(query, {"filter": filter})["producers"]
        return [edge["node"]["slug"] for edge in data["edges"]]

    assert slugs() == ["tay-bac", "bich-thao"]
    assert slugs({"kinds": ["COMPANY"]}) == ["tay-bac"]
    assert slugs({"provinces": ["son-la"]}) == ["bich-thao"]
    assert slugs({"search": "cà phê"}) == ["bich-thao"]
    node = api.data(query, {"filter": {"provinces": ["lao-cai"]}})["producers"]["edges"][0]["node"]
    assert node == {"slug": "tay-bac", "kind": "COMPANY", "province": "lao-cai", "provinceName": "Lào Cai"}


def test_connections_have_non_null_edges_and_nodes_as_saleor():
    """`edges: [XCountableEdge!]!`, `node: X!`, `cursor: String!`: the classic storefront's TypeScript build
    (`edges.map((e) => e.node)` typed by its codegen) fails on nullable ones."""
    from graphql import GraphQLList, GraphQLNonNull

    from marketplace.graphql.api import schema

    connections = [
        t for name, t in schema.graphql_schema.type_map.items() if name.endswith("CountableConnection")
    ]
    assert len(connections) >= 7
    for connection_type in connections:
        edges = connection_type.fields["edges"].type
        assert isinstance(edges, GraphQLNonNull) and isinstance(edges.of_type, GraphQLList), connection_type
        assert isinstance(edges.of_type.of_type, GraphQLNonNull), connection_type
        edge = edges.of_type.of_type.of_type
        assert isinstance(edge.fields["node"].type, GraphQLNonNull), edge
        assert isinstance(edge.fields["cursor"].type, GraphQLNonNull), edge
