"""pytest plugin loaded before pytest-django reads the settings (see pyproject addopts).

Gives the test run its environment defaults and, when DATABASE_URL is unset, starts the embedded PostgreSQL.
"""

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# Test-only defaults; a value already in the environment wins.
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("EMAIL_URL", "locmem://")
os.environ.setdefault("STATIC_MANIFEST", "0")
os.environ.setdefault("MARKETPLACE_DATA_DIR", str(BASE_DIR / ".data"))

(Path(os.environ["MARKETPLACE_DATA_DIR"]) / "static").mkdir(parents=True, exist_ok=True)

# pytest-xdist workers inherit the environment of the controller, which has already started the server and
# set DATABASE_URL: they join it, and pytest-django gives each worker its own database (test_ocop_gw0...).
if not os.environ.get("DATABASE_URL"):
    from marketplace.core.embedded_db import ensure_running

    os.environ["DATABASE_URL"] = ensure_running(Path(os.environ["MARKETPLACE_DATA_DIR"]) / "postgres", "ocop")
