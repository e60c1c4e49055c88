"""A request body over the limit, sent over a real socket to the web process as deploy/ runs it (gunicorn,
production settings): refused from its Content-Length before anything reads it."""

import contextlib
import socket
import threading
import time
from pathlib import Path

import pytest

from tests.deploy.test_web_process import _get, web  # noqa: F401 - the gunicorn fixture

_HEAD = (
    "POST /account/login/ HTTP/1.1\r\n"
    "Host: ocop.example.vn\r\n"
    "X-Forwarded-Proto: https\r\n"
    "Origin: https://ocop.example.vn\r\n"  # passes CSRF's origin check: the token check then reads the body
    "Content-Type: multipart/form-data; boundary=----ocop\r\n"
    f"Content-Length: {500 * 1024 * 1024}\r\n"
    "Cookie: csrftoken=madeuptokenmadeuptokenmadeuptok1\r\n\r\n"
).encode()
_PART = b'------ocop\r\nContent-Disposition: form-data; name="f"; filename="big.bin"\r\n\r\n'


@pytest.fixture
def spool(tmp_path, monkeypatch) -> Path:
    """The web process's temporary directory (Python's tempfile honours TMPDIR; uploads spool there).
    Requested before `web`, so the process starts with it."""
    folder = tmp_path / "spool"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    return folder


def _tree_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


@pytest.mark.django_db
def test_a_500_mb_upload_is_refused_before_anything_is_written(spool, web):  # noqa: F811
    """The attack of issue 12: an anonymous multipart POST declaring 500 MB, with a made-up CSRF cookie.
    Answered 413 at once from its Content-Length; nothing is spooled to the temporary directory."""
    assert _get(web, "/healthz", host="localhost", timeout=60)[0] == 200  # the worker has loaded the app
    before = _tree_size(spool)
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", web), timeout=10) as sock:
        sock.sendall(_HEAD + _PART + b"x" * 1024)  # the rest never comes
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


@pytest.mark.django_db
def test_the_megabytes_that_do_arrive_are_never_spooled(spool, web):  # noqa: F811
    """3 MB of the declared 500 MB actually sent (past FILE_UPLOAD_MAX_MEMORY_SIZE, where Django would write
    the upload to a temporary file while it waits for the rest): nothing reaches the temporary directory."""
    assert _get(web, "/healthz", host="localhost", timeout=60)[0] == 200
    before = _tree_size(spool)
    with socket.create_connection(("127.0.0.1", web), timeout=10) as sock:

        def send():
            with contextlib.suppress(OSError):  # refused and closed while sending: what we want
                sock.sendall(_HEAD + _PART + b"x" * (3 * 1024 * 1024))

        sender = threading.Thread(target=send)
        sender.start()
        time.sleep(2)
        grown = _tree_size(spool) - before
        sender.join(timeout=10)
    assert grown < 64 * 1024, grown
    assert _get(web, "/healthz", host="localhost")[0] == 200
