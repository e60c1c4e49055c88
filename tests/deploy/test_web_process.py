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
from django.db import connection

from tests.integration.test_celery_worker import _database_url

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
def web(django_db_setup, tmp_path):
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    command = [arg for arg in compose["services"]["web"]["command"] if not arg.startswith("--bind")]
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "DJANGO_DEBUG": "0",
        "ALLOWED_HOSTS": "ocop.example.vn,localhost",
        "DATABASE_URL": _database_url(connection.settings_dict),
        "DB_CONN_MAX_AGE": "0",
        "LOG_FORMAT": "json",
        "MARKETPLACE_DATA_DIR": str(tmp_path),
        # Uploads spool here (Python's tempfile honours TMPDIR): the body-limit test measures it.
        "TMPDIR": str(tmp_path / "tmp"),
    }
    (tmp_path / "tmp").mkdir()
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    log = (tmp_path / "web.log").open("wb")
    process = subprocess.Popen(
        [gunicorn, *command[1:], f"--bind=127.0.0.1:{port}", "--workers=1"],
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


def _tree_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


@pytest.mark.django_db
def test_a_500_mb_upload_is_refused_before_anything_is_written(web, tmp_path):
    """The attack of issue 12: an anonymous multipart POST declaring 500 MB, with a made-up CSRF cookie.
    Answered 413 at once from its Content-Length; nothing is spooled to the temporary directory."""
    assert _get(web, "/healthz", host="localhost", timeout=60)[0] == 200  # the worker has loaded the app
    spool = tmp_path / "tmp"
    before = _tree_size(spool)
    head = (
        "POST /account/login/ HTTP/1.1\r\n"
        "Host: ocop.example.vn\r\n"
        "X-Forwarded-Proto: https\r\n"
        "Content-Type: multipart/form-data; boundary=----ocop\r\n"
        f"Content-Length: {500 * 1024 * 1024}\r\n"
        "Cookie: csrftoken=made-up-token-made-up-token-made-up-1\r\n\r\n"
    )
    part = b'------ocop\r\nContent-Disposition: form-data; name="f"; filename="big.bin"\r\n\r\n'
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", web), timeout=10) as sock:
        sock.sendall(head.encode() + part + b"x" * 1024)  # the rest never comes
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    elapsed = time.monotonic() - started
    status_line, _, rest = answer.partition(b"\r\n")
    assert status_line == b"HTTP/1.1 413 Request Entity Too Large", answer[:300]
    assert b'data-error-page="413"' in rest
    assert elapsed < 5, elapsed
    assert _tree_size(spool) - before < 64 * 1024  # gunicorn's heartbeat files only
    # The worker is still there for the next request.
    assert _get(web, "/healthz", host="localhost")[0] == 200
