"""`make run`: embedded database (unless DATABASE_URL), migrate, demo data once, serve on 127.0.0.1."""

import os
import signal
import subprocess
import sys
from pathlib import Path

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


def main() -> int:
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    os.environ.update(SERVER_ENVIRONMENT)
    port = os.environ.get("PORT", "8000")
    if not os.environ.get("DATABASE_URL"):
        from marketplace.core.embedded_db import ensure_running

        data_dir = Path(os.environ.get("MARKETPLACE_DATA_DIR", BASE_DIR / ".data"))
        os.environ["DATABASE_URL"] = ensure_running(data_dir / "postgres", "ocop")
        print(f"Embedded PostgreSQL running from {data_dir / 'postgres'}", flush=True)
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], check=True)  # noqa: S603
    subprocess.run([*manage, "load_demo", "--once"], check=True)  # noqa: S603
    # No beat here: re-count the search facets for today once at start (beat does it every minute).
    subprocess.run([*manage, "search_index", "-v", "0"], check=True, stdout=subprocess.DEVNULL)  # noqa: S603
    print(DEMO_LOGINS, flush=True)
    print(f"Storefront: http://127.0.0.1:{port}/  (Ctrl-C stops the server and the database)", flush=True)
    server = subprocess.Popen([*manage, "runserver", "--noreload", f"127.0.0.1:{port}"])  # noqa: S603

    def shut_down(signum: int, frame: object) -> None:
        # Ctrl-C reaches the whole process group; a plain `kill` reaches only us: pass it on either way.
        if server.poll() is None:
            server.send_signal(signal.SIGINT)

    signal.signal(signal.SIGINT, shut_down)
    signal.signal(signal.SIGTERM, shut_down)
    code = server.wait()
    print("Stopped.", flush=True)
    # Returning releases the embedded database handle; its atexit hook stops PostgreSQL (data is kept).
    return 0 if code in (0, -signal.SIGINT, -signal.SIGTERM) else code


if __name__ == "__main__":
    sys.exit(main())
