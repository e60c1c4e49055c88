"""`make run`'s server (threaded runserver, started as marketplace.core.devserver starts it) keeps the number
of database connections bounded by the requests in flight: before, every connection thread leaked one and
about 80 requests exhausted PostgreSQL. gunicorn (sync workers, persistent connections) holds one per
worker."""

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest
import yaml
from django.db import connection

from marketplace.core import devserver
from tests.processes import subprocess_database_url

ROOT = Path(__file__).resolve().parents[3]
pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, path: str) -> int:
    """One request on a fresh connection, closed afterwards."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Host": "localhost"})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


@pytest.fixture
def backends():
    """Counts client connections to the test database, but this test's own (its transaction) and the
    counting one; safe to call from another thread (it uses no Django connection)."""
    url = subprocess_database_url()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        own = cursor.fetchone()[0]

    def count() -> int:
        with psycopg.connect(url, autocommit=True) as conn:
            return conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
                "AND backend_type = 'client backend' AND pid NOT IN (pg_backend_pid(), %s)",
                [connection.settings_dict["NAME"], own],
            ).fetchone()[0]

    return count


def _serve(command: list[str], env: dict, port: int, log: Path):
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(log.read_text()[-3000:])
            time.sleep(0.2)


def _hammer(port: int, backends, keep_alive: int) -> tuple[int, int]:
    """150 sequential requests, 150 more 8 at a time (pages that query), then `keep_alive` connections
    left open after one request each, as browsers do. The highest backend count seen while that went on,
    and the count once the kept-alive connections are closed."""
    peak = 0
    done = threading.Event()

    def watch():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, backends())
            time.sleep(0.05)

    watcher = threading.Thread(target=watch)
    watcher.start()
    held = []
    try:
        statuses = [_get(port, "/healthz") for _ in range(150)]
        with ThreadPoolExecutor(8) as pool:
            paths = ["/products/" if i % 2 else "/healthz" for i in range(150)]
            statuses += list(pool.map(lambda path: _get(port, path), paths))
        for _ in range(keep_alive):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/products/", headers={"Host": "localhost"})
            response = conn.getresponse()
            response.read()
            statuses.append(response.status)
            held.append(conn)
        time.sleep(0.5)
    finally:
        done.set()
        watcher.join()
        for conn in held:
            conn.close()
    assert set(statuses) == {200}, sorted(set(statuses))
    time.sleep(0.5)
    return peak, backends()


def test_the_dev_server_does_not_leak_database_connections(tmp_path, backends):
    url = subprocess_database_url()
    port = _free_port()
    env = {
        **os.environ,
        **devserver.SERVER_ENVIRONMENT,  # what `make run` (devserver.main) puts in its children's environment
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "1",
        "MARKETPLACE_DATA_DIR": str(tmp_path),
    }
    env.pop("DJANGO_ENV", None)
    # The server command of devserver.main.
    command = [sys.executable, str(ROOT / "manage.py"), "runserver", "--noreload", f"127.0.0.1:{port}"]
    process = _serve(command, env, port, tmp_path / "runserver.log")
    try:
        peak, after = _hammer(port, backends, keep_alive=30)
        assert peak <= 10, peak
        assert after == 0
        assert _get(port, "/healthz") == 200
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_gunicorn_with_the_default_keeps_one_connection_per_worker(tmp_path, backends):
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    command = [arg for arg in compose["services"]["web"]["command"] if not arg.startswith("--bind")]
    url = subprocess_database_url()
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "DJANGO_DEBUG": "0",
        "ALLOWED_HOSTS": "localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SITE_URL": "http://localhost",
        "DATABASE_URL": url,
        "MARKETPLACE_DATA_DIR": str(tmp_path),
    }
    env.pop("DB_CONN_MAX_AGE", None)  # the default: persistent connections
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    workers = 3
    process = _serve(
        [gunicorn, *command[1:], f"--bind=127.0.0.1:{port}", f"--workers={workers}"],
        env,
        port,
        tmp_path / "web.log",
    )
    try:
        _get(port, "/healthz")
        peak, after = _hammer(port, backends, keep_alive=10)
        assert peak <= workers, peak
        assert after <= workers
    finally:
        process.terminate()
        process.wait(timeout=20)
