"""Sign-in lockout and registration / reset-email limits, shared by the web forms and GraphQL (issue 12)."""

import json

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client

from marketplace.accounts.models import ThrottleEvent, User
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "pass-word-123"  # the factories' password
TOKEN_CREATE = """mutation($email: String!, $password: String!) {
  tokenCreate(email: $email, password: $password) { token errors { field code message } } }"""


def web_sign_in(client, email, password, **extra):
    return client.post("/account/login/", {"username": email, "password": password}, **extra)


def graphql(client, query, variables=None, **extra):
    response = client.post(
        "/graphql/",
        data=json.dumps({"query": query, "variables": variables or {}}),
        content_type="application/json",
        **extra,
    )
    assert response.status_code == 200, response.content
    return response.json()


def api_sign_in(client, email, password, **extra) -> dict:
    return graphql(client, TOKEN_CREATE, {"email": email, "password": password}, **extra)["data"][
        "tokenCreate"
    ]


def test_ten_wrong_passwords_on_the_web_lock_the_account_even_for_the_right_password(client):
    UserFactory(email="lan@example.vn")
    for _ in range(9):
        response = web_sign_in(client, "lan@example.vn", "wrong")
        assert response.status_code == 200
    response = web_sign_in(client, "lan@example.vn", "wrong")
    assert response.status_code == 429
    assert "Bạn đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút." in response.content.decode()
    assert 14 * 60 < int(response["Retry-After"]) <= 15 * 60

    response = web_sign_in(client, "LAN@example.vn", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get().failures_since_start == 10  # refused attempts extend nothing


def test_graphql_and_web_failures_count_together(client):
    UserFactory(email="lan@example.vn")
    for _ in range(5):
        web_sign_in(client, "lan@example.vn", "wrong")
    for _ in range(4):
        assert api_sign_in(Client(), "lan@example.vn", "wrong")["errors"][0]["code"] == "INVALID_CREDENTIALS"
    last = api_sign_in(Client(), "lan@example.vn", "wrong")
    assert last["token"] is None
    assert last["errors"] == [
        {
            "field": "email",
            "code": "LOGIN_ATTEMPT_DELAYED",
            "message": "Bạn đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút.",
        }
    ]
    right = api_sign_in(Client(), "lan@example.vn", PASSWORD)
    assert right["token"] is None and right["errors"][0]["code"] == "LOGIN_ATTEMPT_DELAYED"
    assert web_sign_in(client, "lan@example.vn", PASSWORD).status_code == 429


def test_aliased_token_create_is_refused_before_any_guess_runs(client):
    UserFactory(email="lan@example.vn")
    aliases = " ".join(
        f'a{i}: tokenCreate(email: "lan@example.vn", password: "{"wrong" if i < 12 else PASSWORD}") '
        "{ token errors { code } }"
        for i in range(14)
    )
    response = client.post(
        "/graphql/", data=json.dumps({"query": f"mutation {{ {aliases} }}"}), content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body.get("data") is None
    assert body["errors"][0]["extensions"]["exception"]["code"] == "MutationLimitError"
    # No password was checked, so no guess was counted and the account is not locked.
    assert AccessAttempt.objects.count() == 0
    assert api_sign_in(Client(), "lan@example.vn", PASSWORD)["token"]


def test_failures_in_rolled_back_requests_still_count(client):
    UserFactory(email="lan@example.vn")
    for _ in range(9):
        assert api_sign_in(Client(), "lan@example.vn", "wrong")["errors"][0]["code"] == "INVALID_CREDENTIALS"
    # The tenth failure locks the account; it is answered as the lockout.
    assert api_sign_in(Client(), "lan@example.vn", "wrong")["errors"][0]["code"] == "LOGIN_ATTEMPT_DELAYED"
    assert AccessAttempt.objects.get().failures_since_start == 10
    assert api_sign_in(Client(), "lan@example.vn", PASSWORD)["errors"][0]["code"] == "LOGIN_ATTEMPT_DELAYED"
    assert web_sign_in(Client(), "lan@example.vn", PASSWORD).status_code == 429


def test_one_ip_failing_on_many_accounts_is_locked_out_for_all(client, settings):
    settings.AUTH_IP_FAILURE_LIMIT = 12
    users = [UserFactory(email=f"u{i}@example.vn") for i in range(4)]
    for user in users[:3]:
        for _ in range(4):
            web_sign_in(client, user.email, "wrong")
    # No account reached 10, but the IP reached 12: a fourth account's right password is refused too.
    assert web_sign_in(client, users[3].email, PASSWORD).status_code == 429
    assert api_sign_in(Client(), users[3].email, PASSWORD)["errors"][0]["code"] == "LOGIN_ATTEMPT_DELAYED"
    # Another IP signs in to the same account.
    other = Client(REMOTE_ADDR="203.0.113.9")
    assert web_sign_in(other, users[3].email, PASSWORD).status_code == 302


def test_x_forwarded_for_is_ignored_unless_the_proxy_is_trusted(client, settings):
    settings.AUTH_IP_FAILURE_LIMIT = 10
    UserFactory(email="lan@example.vn")
    for i in range(10):
        web_sign_in(client, f"x{i}@example.vn", "wrong", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}
    assert (
        web_sign_in(client, "lan@example.vn", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.77").status_code
        == 429
    )

    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    response = web_sign_in(client, "lan@example.vn", PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.77")
    assert response.status_code == 302  # the client behind our proxy, 198.51.100.77, failed nothing


def test_lockout_ends_after_the_cool_off(client, settings):
    from datetime import timedelta

    UserFactory(email="lan@example.vn")
    for _ in range(10):
        web_sign_in(client, "lan@example.vn", "wrong")
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )
    assert web_sign_in(client, "lan@example.vn", PASSWORD).status_code == 302


def test_admin_login_is_locked_by_the_same_failures(client):
    StaffFactory(email="staff@example.vn", is_superuser=True)
    for _ in range(10):
        api_sign_in(Client(), "staff@example.vn", "wrong")
    response = client.post("/admin/login/", {"username": "staff@example.vn", "password": PASSWORD})
    assert response.status_code == 429
    assert "Bạn đã đăng nhập sai quá nhiều lần" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_right_password_below_the_limit_still_works(client):
    UserFactory(email="lan@example.vn")
    for _ in range(9):
        web_sign_in(client, "lan@example.vn", "wrong")
    assert api_sign_in(Client(), "lan@example.vn", PASSWORD)["token"]
    assert web_sign_in(client, "lan@example.vn", PASSWORD).status_code == 302


# --- Registration -------------------------------------------------------------------------------
REGISTER = """mutation($email: String!) {
  accountRegister(input: {email: $email, password: "ca-phe-son-la-26"}) {
    user { email } errors { code message } } }"""


def test_registrations_per_ip_are_limited_across_web_and_graphql(client):
    for i in range(3):
        response = client.post(
            "/account/register/", {"email": f"w{i}@example.vn", "password": "ca-phe-son-la-26"}
        )
        assert response.status_code == 302
        client.post("/account/logout/")
    for i in range(2):
        assert graphql(Client(), REGISTER, {"email": f"g{i}@example.vn"})["data"]["accountRegister"]["user"]
    refused = graphql(Client(), REGISTER, {"email": "g9@example.vn"})["data"]["accountRegister"]
    assert refused["user"] is None
    assert refused["errors"] == [
        {
            "code": "TOO_MANY_REQUESTS",
            "message": "Đã có quá nhiều tài khoản được tạo từ địa chỉ này. Vui lòng thử lại sau 60 phút.",
        }
    ]
    response = client.post("/account/register/", {"email": "w9@example.vn", "password": "ca-phe-son-la-26"})
    assert response.status_code == 429
    assert "Đã có quá nhiều tài khoản được tạo từ địa chỉ này" in response.content.decode()
    assert User.objects.count() == 5
    # Another IP may still register.
    other = Client(REMOTE_ADDR="203.0.113.9")
    assert (
        other.post(
            "/account/register/", {"email": "o@example.vn", "password": "ca-phe-son-la-26"}
        ).status_code
        == 302
    )


def test_aliased_registrations_are_refused_and_sequential_ones_stop_at_five(client):
    aliases = " ".join(
        f'a{i}: accountRegister(input: {{email: "a{i}@example.vn", password: "ca-phe-son-la-26"}}) '
        "{ user { email } errors { code } }"
        for i in range(30)
    )
    response = client.post(
        "/graphql/", data=json.dumps({"query": f"mutation {{ {aliases} }}"}), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["exception"]["code"] == "MutationLimitError"
    assert User.objects.count() == 0
    assert ThrottleEvent.objects.count() == 0
    created = [
        graphql(Client(), REGISTER, {"email": f"s{i}@example.vn"})["data"]["accountRegister"]["user"]
        is not None
        for i in range(7)
    ]
    assert created == [True] * 5 + [False] * 2
    assert User.objects.count() == 5
    assert ThrottleEvent.objects.filter(scope="register_ip").count() == 5


# --- Password-reset e-mails -----------------------------------------------------------------------
RESET = """mutation($email: String!) {
  requestPasswordReset(email: $email, redirectUrl: "https://evil.example/reset") {
    errors { field code message } } }"""


def test_reset_emails_per_account_are_limited_across_web_and_graphql(client):
    UserFactory(email="lan@example.vn")
    assert client.post("/account/password-reset/", {"email": "lan@example.vn"}).status_code == 302
    assert (
        graphql(Client(), RESET, {"email": "LAN@example.vn"})["data"]["requestPasswordReset"]["errors"] == []
    )
    assert client.post("/account/password-reset/", {"email": "lan@example.vn"}).status_code == 302
    assert len(mail.outbox) == 3

    refused = graphql(Client(REMOTE_ADDR="203.0.113.9"), RESET, {"email": "lan@example.vn"})
    assert refused["data"]["requestPasswordReset"]["errors"] == [
        {
            "field": "email",
            "code": "TOO_MANY_REQUESTS",
            "message": "Đã gửi quá nhiều email đặt lại mật khẩu. Vui lòng thử lại sau 60 phút.",
        }
    ]
    response = client.post("/account/password-reset/", {"email": "lan@example.vn"})
    assert response.status_code == 429
    assert "Đã gửi quá nhiều email đặt lại mật khẩu" in response.content.decode()
    assert 59 * 60 < int(response["Retry-After"]) <= 60 * 60 + 1
    assert len(mail.outbox) == 3


def test_reset_emails_per_ip_are_limited_whatever_the_address(client):
    for i in range(12):
        UserFactory(email=f"u{i}@example.vn")
    statuses = [
        client.post("/account/password-reset/", {"email": f"u{i}@example.vn"}).status_code for i in range(12)
    ]
    assert statuses == [302] * 10 + [429] * 2
    assert len(mail.outbox) == 10
    assert (
        graphql(client, RESET, {"email": "u11@example.vn"})["data"]["requestPasswordReset"]["errors"][0][
            "code"
        ]
        == "TOO_MANY_REQUESTS"
    )
    assert len(mail.outbox) == 10


def test_reset_link_comes_from_site_url_not_the_host_header(client, settings):
    settings.SITE_URL = "https://ocop.example.vn"
    settings.ALLOWED_HOSTS = ["attacker.example", "testserver"]
    UserFactory(email="lan@example.vn")
    client.post("/account/password-reset/", {"email": "lan@example.vn"}, HTTP_HOST="attacker.example")
    graphql(Client(), RESET, {"email": "lan@example.vn"}, HTTP_HOST="attacker.example")
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert "https://ocop.example.vn/account/password-reset/" in message.body
        assert "attacker.example" not in message.body and "evil.example" not in message.body
        assert "attacker.example" not in message.subject


def test_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client):
    assert client.post("/account/password-reset/", {"email": "nobody@example.vn"}).status_code == 302
    assert (
        graphql(client, RESET, {"email": "nobody@example.vn"})["data"]["requestPasswordReset"]["errors"] == []
    )
    assert mail.outbox == []


def test_the_lockout_message_counts_down_from_the_last_failure(client):
    from datetime import timedelta

    UserFactory(email="lan@example.vn")
    for _ in range(10):
        web_sign_in(client, "lan@example.vn", "wrong")
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=11)
    )
    # Failures on another account from the same IP (below the IP limit) do not lengthen this lockout.
    web_sign_in(client, "other@example.vn", "wrong")
    response = web_sign_in(client, "lan@example.vn", PASSWORD)
    assert response.status_code == 429
    assert "Vui lòng thử lại sau 4 phút." in response.content.decode()
    assert 3 * 60 < int(response["Retry-After"]) <= 4 * 60
    assert api_sign_in(Client(), "lan@example.vn", PASSWORD)["errors"][0]["message"].endswith("sau 4 phút.")
