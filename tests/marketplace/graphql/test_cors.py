"""CORS on /graphql/ only (issue 13): storefronts on other origins call the API with Bearer tokens."""

import json
import os
import subprocess
import sys

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

ORIGIN = "https://shop.example.vn"


def preflight(client: Client, path: str = "/graphql/"):
    return client.options(
        path,
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization,content-type",
    )


def test_preflight_to_graphql_is_answered_for_any_origin_by_default():
    response = preflight(Client())
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    allowed = {h.strip() for h in response["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "content-type", "authorization-bearer"} <= allowed
    assert set(response["Access-Control-Allow-Methods"].split(", ")) == {"GET", "OPTIONS", "POST"}
    assert "Access-Control-Allow-Credentials" not in response


def test_post_to_graphql_carries_the_allow_origin_header_also_on_a_401():
    client = Client()
    ok = client.post(
        "/graphql/",
        data=json.dumps({"query": "{ shop { name } }"}),
        content_type="application/json",
        HTTP_ORIGIN=ORIGIN,
    )
    assert ok["Access-Control-Allow-Origin"] == "*"
    denied = client.post(
        "/graphql/",
        data=json.dumps({"query": "{ me { email } }"}),
        content_type="application/json",
        HTTP_ORIGIN=ORIGIN,
        HTTP_AUTHORIZATION="Bearer not-a-token",
    )
    assert denied.status_code == 401
    assert denied["Access-Control-Allow-Origin"] == "*"  # the client can read why and refresh


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/admin/login/", "/graphql/x"])
def test_cookie_authenticated_pages_answer_no_cors(path):
    response = preflight(Client(), path)
    assert "Access-Control-Allow-Origin" not in response


@override_settings(CORS_ALLOW_ALL_ORIGINS=False, CORS_ALLOWED_ORIGINS=["https://cho-ocop.vn"])
def test_configured_origins_only():
    assert "Access-Control-Allow-Origin" not in preflight(Client())
    allowed = Client().options(
        "/graphql/", HTTP_ORIGIN="https://cho-ocop.vn", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST"
    )
    assert allowed.status_code == 200
    assert allowed["Access-Control-Allow-Origin"] == "https://cho-ocop.vn"


def test_settings_read_the_origins_from_the_environment():
    env = {**os.environ, "GRAPHQL_CORS_ALLOWED_ORIGINS": "https://a.vn, https://b.vn"}
    code = "import marketplace.settings as s; print(s.CORS_ALLOW_ALL_ORIGINS, s.CORS_ALLOWED_ORIGINS)"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False ['https://a.vn', 'https://b.vn']"
