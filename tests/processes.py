"""Helpers for tests that start our programs in a subprocess."""

from urllib.parse import quote

from django.db import connection


def subprocess_database_url() -> str:
    """The URL of this run's test database, for a subprocess (worker, gunicorn, manage.py)."""
    settings_dict = connection.settings_dict
    user = quote(settings_dict.get("USER") or "")
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{quote(password)}@" if password else (f"{user}@" if user else "")
    # The embedded server is reached by its socket directory, which dj-database-url puts in OPTIONS.
    host = settings_dict.get("HOST") or settings_dict.get("OPTIONS", {}).get("host") or ""
    name = settings_dict["NAME"]
    if not name.startswith("test_"):
        # Outside a test's `db` fixture the connection may still carry the development database's name.
        name = connection.creation._get_test_db_name()
    name = quote(name)
    if host.startswith("/"):
        return f"postgresql://{auth}/{name}?host={quote(host)}"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgresql://{auth}{host}{port}/{name}"
