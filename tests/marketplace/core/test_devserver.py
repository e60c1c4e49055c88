"""`make run` sets a checkout up so the README's commands run as written, and stops, PostgreSQL included, on
SIGINT even as a background job of a non-interactive shell (which starts with SIGINT ignored)."""

import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psutil
import pytest

from marketplace.core.devserver import prepare_checkout
from tests.processes import subprocess_database_url

ROOT = Path(__file__).resolve().parents[3]


def _clean_env(**overrides) -> dict:
    """A person's shell: none of the variables the test plugin sets for the suite."""
    dropped = ("DJANGO_", "DATABASE_URL", "MARKETPLACE_DATA_DIR", "EMAIL_URL", "STATIC_MANIFEST")
    env = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
    env.update(overrides)
    return env


def _manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )


@pytest.mark.django_db
def test_commands_run_without_debug_once_make_run_set_up_the_checkout(tmp_path):
    env = _clean_env(MARKETPLACE_DATA_DIR=str(tmp_path), DATABASE_URL=subprocess_database_url())

    before = _manage("expire_certifications", env=env)
    assert before.returncode == 1
    assert "run `make run` once to set up a checkout" in before.stderr

    prepare_checkout(tmp_path)  # what `make run` does first
    key = tmp_path / "secret_key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and len(key.read_text().strip()) >= 50
    after = _manage("expire_certifications", env=env)
    assert after.returncode == 0, after.stderr
    assert "Expired the certificates of 0 product(s)." in after.stdout
    # Run again, it keeps the key (sessions and signed links stay valid between runs).
    written = key.read_text()
    prepare_checkout(tmp_path)
    assert key.read_text() == written


def test_production_never_reads_the_checkout_key(tmp_path):
    prepare_checkout(tmp_path)
    env = _clean_env(MARKETPLACE_DATA_DIR=str(tmp_path), DJANGO_ENV="production")
    result = subprocess.run(
        [sys.executable, "-c", "import marketplace.settings"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _ignore_sigint() -> None:
    # What a non-interactive shell does to `make run &`.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.slow
def test_sigint_stops_a_background_make_run_and_its_database():
    # Inside .data (not /tmp): the embedded server runs as its own system user and needs the path readable.
    data_dir = ROOT / ".data" / f"devserver-test-{uuid.uuid4().hex[:8]}"
    port = _free_port()
    env = _clean_env(MARKETPLACE_DATA_DIR=str(data_dir), PORT=str(port))
    make = subprocess.Popen(
        ["make", "-s", "run", f"PORT={port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=_ignore_sigint,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 600
        while not _answers(port):
            assert make.poll() is None, f"make run exited with {make.returncode} before serving"
            assert time.monotonic() < deadline, "make run did not serve within 10 minutes"
            time.sleep(0.5)
        postmaster = int((data_dir / "postgres" / "postmaster.pid").read_text().split()[0])
        assert psutil.pid_exists(postmaster)

        os.killpg(make.pid, signal.SIGINT)  # Ctrl-C reaches the whole group; `kill -INT` the same here

        assert make.wait(timeout=120) == 0
        assert not _answers(port)
        deadline = time.monotonic() + 30
        while psutil.pid_exists(postmaster) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not psutil.pid_exists(postmaster)
        assert not (data_dir / "postgres" / "postmaster.pid").exists()
    finally:
        if make.poll() is None:
            os.killpg(make.pid, signal.SIGKILL)
            make.wait()
        # A server a failure left behind.
        stop = ["-m", "marketplace.core.embedded_db", "stop", "--pgdata", str(data_dir / "postgres")]
        subprocess.run(
            [sys.executable, *stop],
            cwd=ROOT,
            capture_output=True,
            check=False,
        )
        shutil.rmtree(data_dir, ignore_errors=True)
