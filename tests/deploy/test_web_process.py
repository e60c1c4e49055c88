"""The web process exactly as deploy/compose.yaml starts it (gunicorn, production settings), on 127.0.0.1:
it serves the probe endpoints, and a probe without an allowed Host header is refused (why the manifests send
`Host: localhost`)."""

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from django.core import mail

from marketplace.accounts.models import ThrottleEvent
from tests.factories import UserFactory
from tests.processes import subprocess_database_url

ROOT = Path(__file__).resolve().parent.parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, path: str, host: str, timeout: float = 10) -> tuple[int, bytes]:
    """One request, redirects not followed (http.client sends our Host header as given)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Host": host})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@pytest.fixture
def web(django_db_setup, tmp_path, request):
    """The port of a gunicorn web process; parametrize indirectly with {"workers": n, "env": {...}}."""
    options = getattr(request, "param", {})
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    command = [arg for arg in compose["services"]["web"]["command"] if not arg.startswith("--bind")]
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "DJANGO_DEBUG": "0",
        "ALLOWED_HOSTS": "ocop.example.vn,localhost",
        "SITE_URL": "https://ocop.example.vn",
        "DATABASE_URL": subprocess_database_url(),
        "DB_CONN_MAX_AGE": "0",
        "LOG_FORMAT": "json",
        "MARKETPLACE_DATA_DIR": str(tmp_path),
        **options.get("env", {}),
    }
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    log = (tmp_path / "web.log").open("wb")
    process = subprocess.Popen(
        [gunicorn, *command[1:], f"--bind=127.0.0.1:{port}", f"--workers={options.get('workers', 1)}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail((tmp_path / "web.log").read_text()[-3000:])
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


# The mark makes pytest-django create the test database (the web process connects to it on its own).
@pytest.mark.django_db
def test_gunicorn_serves_the_probes_under_production_settings(web):
    status, body = _get(web, "/readyz", host="localhost", timeout=60)  # the first request loads the URLconf
    assert status == 200, body
    assert json.loads(body) == {
        "status": "ok",
        "database": "ok",
        "pending_migrations": 0,
        "broker": "eager",
        "search": "postgresql",
    }
    assert _get(web, "/healthz", host="localhost")[0] == 200
    # The kubelet's default Host (the pod IP) is not an allowed host.
    assert _get(web, "/healthz", host="10.1.2.3:8000")[0] == 400
    # Everything but the probes is redirected to HTTPS in production.
    assert _get(web, "/", host="ocop.example.vn")[0] == 301


TOKEN_CREATE = (
    "mutation($e: String!, $p: String!) { tokenCreate(email: $e, password: $p) { token errors { code } } }"
)


def _graphql(port: int, query: str, variables: dict) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        body = json.dumps({"query": query, "variables": variables})
        headers = {
            "Host": "ocop.example.vn",
            "Content-Type": "application/json",
            "X-Forwarded-Proto": "https",
        }
        conn.request("POST", "/graphql/", body=body, headers=headers)
        response = conn.getresponse()
        assert response.status == 200, response.read()
        return json.loads(response.read())["data"]
    finally:
        conn.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "web",
    [
        {
            "workers": 2,
            "env": {"AUTH_ACCOUNT_FAILURE_LIMIT": "3", "BEHIND_TLS_PROXY": "1", "EMAIL_URL": "locmem://"},
        }
    ],
    indirect=True,
)
def test_sign_in_and_reset_limits_are_shared_by_every_worker_process(web, settings):
    """The counts live in PostgreSQL, not in a process (issue 12)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]  # what gunicorn checks
    UserFactory(email="lan@example.vn", password="right-pass-2026")
    codes = []
    # New connections each time: gunicorn hands them to whichever of its two workers is free.
    for _ in range(4):
        data = _graphql(web, TOKEN_CREATE, {"e": "lan@example.vn", "p": "wrong"})
        codes.append(data["tokenCreate"]["errors"][0]["code"])
    assert codes == ["INVALID_CREDENTIALS"] * 2 + ["LOGIN_ATTEMPT_DELAYED"] * 2
    for _ in range(2):
        right = _graphql(web, TOKEN_CREATE, {"e": "lan@example.vn", "p": "right-pass-2026"})["tokenCreate"]
        assert right == {"token": None, "errors": [{"code": "LOGIN_ATTEMPT_DELAYED"}]}

    reset = 'mutation { requestPasswordReset(email: "lan@example.vn") { errors { code } } }'
    answers = [_graphql(web, reset, {})["requestPasswordReset"]["errors"] for _ in range(4)]
    assert answers == [[], [], [], [{"code": "TOO_MANY_REQUESTS"}]]
    assert ThrottleEvent.objects.filter(scope="reset_email_account").count() == 3
    assert mail.outbox == []  # the e-mails went out from the gunicorn processes, not from this one
