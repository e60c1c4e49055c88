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
def web(django_db_setup, tmp_path):
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    command = [arg for arg in compose["services"]["web"]["command"] if not arg.startswith("--bind")]
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "DJANGO_DEBUG": "0",
        "ALLOWED_HOSTS": "ocop.example.vn,localhost",
        "DATABASE_URL": subprocess_database_url(),
        "DB_CONN_MAX_AGE": "0",
        "LOG_FORMAT": "json",
        "MARKETPLACE_DATA_DIR": str(tmp_path),
    }
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
