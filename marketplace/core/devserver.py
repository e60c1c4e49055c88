"""`make run`: embedded database (unless DATABASE_URL), migrate, demo data once, serve on 127.0.0.1."""

import os
import secrets
import signal
import subprocess
import sys
from pathlib import Path

from marketplace.env import LOCAL_SECRET_FILE

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# runserver serves each connection in a thread of its own and never closes that thread's database connection:
# with persistent connections (DB_CONN_MAX_AGE) every kept-alive or finished connection held one until
# PostgreSQL ran out. Each request closes its own here, so connections are bounded by the requests in flight.
SERVER_ENVIRONMENT = {"DB_CONN_MAX_AGE": "0"}
DEMO_LOGINS = """
  Demo logins (password for all: demo-ocop-2026)
    staff     staff@demo.ocop.vn      -> /admin/
    producer  bichthao@demo.ocop.vn   (HTX Cà phê Bích Thao)              -> /seller/
    producer  taybac@demo.ocop.vn     (Công ty TNHH Trà và Đặc sản Tây Bắc) -> /seller/
    shopper   khach@demo.ocop.vn
"""


def prepare_checkout(data_dir: Path) -> None:
    """Give this checkout its own signing key under .data/ (gitignored), so `python manage.py ...` runs as the
    README shows it, without DJANGO_DEBUG=1. Production never reads it (see settings)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    key_file = data_dir / LOCAL_SECRET_FILE
    if not key_file.exists():
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_urlsafe(50) + "\n")


def main() -> int:
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    os.environ.update(SERVER_ENVIRONMENT)
    port = os.environ.get("PORT", "8000")
    # Reset links and the JWT issuer name the address the site is served at (auth-sdk compares the issuer
    # with the API URL it calls), so `PORT=8080 make run` must not announce port 8000.
    os.environ.setdefault("SITE_URL", f"http://127.0.0.1:{port}")
    data_dir = Path(os.environ.get("MARKETPLACE_DATA_DIR", BASE_DIR / ".data"))
    current: list[subprocess.Popen] = []
    stopping: list[int] = []

    def shut_down(signum: int, frame: object) -> None:
        # Installed before any child starts, so the children do not inherit an ignored SIGINT (a background
        # job of a non-interactive shell ignores it): Ctrl-C, `kill -INT` and `kill` all stop everything.
        stopping.append(signum)
        for child in current:
            if child.poll() is None:
                child.send_signal(signal.SIGINT)

    signal.signal(signal.SIGINT, shut_down)
    signal.signal(signal.SIGTERM, shut_down)

    def run(*args: str, quiet: bool = False) -> int:
        if stopping:
            return 0
        output = subprocess.DEVNULL if quiet else None
        child = subprocess.Popen([sys.executable, str(BASE_DIR / "manage.py"), *args], stdout=output)  # noqa: S603
        current[:] = [child]
        if stopping:  # the signal came while it was starting
            child.send_signal(signal.SIGINT)
        code = child.wait()
        if code != 0 and not stopping:
            raise SystemExit(code)
        return code

    prepare_checkout(data_dir)
    if not os.environ.get("DATABASE_URL"):
        from marketplace.core.embedded_db import ensure_running

        os.environ["DATABASE_URL"] = ensure_running(data_dir / "postgres", "ocop")
        print(f"Embedded PostgreSQL running from {data_dir / 'postgres'}", flush=True)
    run("migrate", "--noinput", "-v", "0")
    run("load_demo", "--once")
    # No beat here: re-count the search facets for today once at start (beat does it every minute).
    run("search_index", "-v", "0", quiet=True)
    if not stopping:
        print(DEMO_LOGINS, flush=True)
        print(f"Storefront: http://127.0.0.1:{port}/  (Ctrl-C stops the server and the database)", flush=True)
    code = run("runserver", "--noreload", f"127.0.0.1:{port}")
    print("Stopped.", flush=True)
    # Returning releases the embedded database handle; its atexit hook stops PostgreSQL (data is kept).
    return 0 if stopping or code == 0 else code


if __name__ == "__main__":
    sys.exit(main())
