"""tokensDeactivateAll and password changes revoke every JWT the user holds (issue 12)."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from marketplace.accounts.models import User
from marketplace.graphql.core.auth import create_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ME = "query { me { email } }"
DEACTIVATE = "mutation { tokensDeactivateAll { errors { code } } }"
REFRESH = "mutation($t: String) { tokenRefresh(refreshToken: $t) { token errors { code } } }"


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def tokens(api, email="lan@example.vn") -> tuple[str, str]:
    body = api.data(
        f'mutation {{ tokenCreate(email: "{email}", password: "pass-word-123") {{ token refreshToken }} }}'
    )["tokenCreate"]
    return body["token"], body["refreshToken"]


def test_tokens_deactivate_all_revokes_access_and_refresh_tokens(api):
    UserFactory(email="lan@example.vn")
    other = UserFactory(email="mai@example.vn")
    access, refresh = tokens(api)
    second_access, _second_refresh = tokens(api)
    others_access, _ = tokens(api, "mai@example.vn")

    body = api(DEACTIVATE, headers=bearer(access))
    assert body["data"] == {"tokensDeactivateAll": {"errors": []}}
    assert User.objects.get(email="lan@example.vn").token_version == 1

    for token in (access, second_access):
        response = api.raw(ME, headers=bearer(token))
        assert response.status_code == 401
        assert response.json()["errors"][0]["extensions"]["exception"]["code"] == "JWT_INVALID_TOKEN"
    assert api(REFRESH, {"t": refresh})["data"]["tokenRefresh"] == {
        "token": None,
        "errors": [{"code": "JWT_INVALID_TOKEN"}],
    }
    # Someone else's tokens still work; new tokens for the user work again.
    assert api(ME, headers=bearer(others_access))["data"]["me"] == {"email": other.email}
    fresh, _ = tokens(api)
    assert api(ME, headers=bearer(fresh))["data"]["me"] == {"email": "lan@example.vn"}


def test_tokens_deactivate_all_needs_a_signed_in_user(api):
    user = UserFactory(email="lan@example.vn")
    body = api(DEACTIVATE)
    assert body["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    user.refresh_from_db()
    assert user.token_version == 0


def test_password_reset_revokes_tokens(api, client):
    user = UserFactory(email="lan@example.vn")
    access, refresh = tokens(api)
    api.data(
        'mutation { requestPasswordReset(email: "lan@example.vn", redirectUrl: "x") { errors { code } } }'
    )
    link = re.search(r"http://\S+/account/password-reset/\S+/\S+/", mail.outbox[0].body).group(0)
    form = client.get(link.removeprefix(settings.SITE_URL), follow=True)
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "moc-chau-2026-xanh", "new_password2": "moc-chau-2026-xanh"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("moc-chau-2026-xanh")
    assert api.raw(ME, headers=bearer(access)).status_code == 401
    assert api(REFRESH, {"t": refresh})["data"]["tokenRefresh"]["errors"] == [{"code": "JWT_INVALID_TOKEN"}]


def test_a_session_is_not_signed_out_by_token_revocation(api):
    user = UserFactory(email="lan@example.vn")
    browser = Client()
    browser.force_login(user)
    api(DEACTIVATE, headers=bearer(create_token(user, kind="access")))
    assert browser.get("/account/").status_code == 200
