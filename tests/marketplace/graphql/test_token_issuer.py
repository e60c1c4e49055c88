"""JWT `iss` is the API's absolute URL (issue 13): @saleor/auth-sdk adds the Bearer header only to requests
whose URL equals the token's `iss`."""

import base64

import jwt
import pytest
from django.conf import settings

from marketplace.graphql.core.auth import LEGACY_ISSUER, create_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CREATE = 'mutation { tokenCreate(email: "lan@example.vn", password: "pass-word-123") { token refreshToken } }'
REFRESH = "mutation($t: String) { tokenRefresh(refreshToken: $t) { token errors { code } } }"


def claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def test_tokens_name_the_api_url_built_from_site_url(api, settings):
    settings.SITE_URL = "https://cho-ocop.vn"
    user = UserFactory(email="lan@example.vn")
    body = api.data(CREATE)["tokenCreate"]
    for token, kind in ((body["token"], "access"), (body["refreshToken"], "refresh")):
        payload = claims(token)
        assert payload["iss"] == "https://cho-ocop.vn/graphql/"
        assert payload["type"] == kind
        assert payload["email"] == "lan@example.vn"
        assert payload["user_id"] == base64.b64encode(f"User:{user.pk}".encode()).decode()
    refreshed = api.data(REFRESH, {"t": body["refreshToken"]})["tokenRefresh"]
    assert claims(refreshed["token"])["iss"] == "https://cho-ocop.vn/graphql/"
    me = api("query { me { email } }", headers={"HTTP_AUTHORIZATION": f"Bearer {refreshed['token']}"})
    assert me["data"] == {"me": {"email": "lan@example.vn"}}


def _signed(user, *, iss: str, kind: str = "refresh") -> str:
    token = create_token(user, kind=kind)
    payload = claims(token) | {"iss": iss}
    return jwt.encode(payload, settings.SECRET_KEY, algorithm="HS256")


def test_refresh_tokens_issued_before_the_change_still_refresh(api):
    user = UserFactory(email="lan@example.vn")
    body = api.data(REFRESH, {"t": _signed(user, iss=LEGACY_ISSUER)})["tokenRefresh"]
    assert body["errors"] == []
    assert claims(body["token"])["iss"] == "http://127.0.0.1:8000/graphql/"


@pytest.mark.parametrize("iss", ["https://evil.example/graphql/", "http://127.0.0.1:8000/graphql", ""])
def test_tokens_of_another_issuer_are_refused(api, iss):
    user = UserFactory(email="lan@example.vn")
    assert api(REFRESH, {"t": _signed(user, iss=iss)})["data"]["tokenRefresh"] == {
        "token": None,
        "errors": [{"code": "JWT_INVALID_TOKEN"}],
    }
    access = _signed(user, iss=iss, kind="access")
    response = api.raw("query { me { email } }", headers={"HTTP_AUTHORIZATION": f"Bearer {access}"})
    assert response.status_code == 401


def test_a_site_url_change_invalidates_tokens_issued_for_the_old_url(api, settings):
    user = UserFactory(email="lan@example.vn")
    old = create_token(user, kind="refresh")
    settings.SITE_URL = "https://cho-ocop.vn"
    assert api(REFRESH, {"t": old})["data"]["tokenRefresh"]["errors"] == [{"code": "JWT_INVALID_TOKEN"}]
