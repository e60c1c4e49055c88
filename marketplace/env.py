"""Typed access to environment variables: the only place settings read the environment."""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# Written by `make run` (marketplace.core.devserver.prepare_checkout) into the data directory.
LOCAL_SECRET_FILE = "secret_key"  # noqa: S105 - a file name

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


# Values that ship in examples and docs: a key anyone can read signs nothing.
_PLACEHOLDER_SECRETS = {"changeme", "change-me", "change_me", "secret", "build-only", "django-insecure"}


def secret_key_problem(key: str, *, known: list[str]) -> str | None:
    """Why `key` cannot sign anything in production (None when it can): too short, too few distinct
    characters, a placeholder, Django's generated development key, or the repository's own dev key."""
    lowered = key.strip().lower()
    if key in known or lowered in _PLACEHOLDER_SECRETS or lowered.startswith("django-insecure"):
        return "is a placeholder or development key"
    if any(word in lowered for word in ("changeme", "change-me", "change_me", "replace-me", "your-secret")):
        return "is a placeholder"
    if len(key) < 50:
        return f"is too short ({len(key)} characters)"
    if len(set(key)) < 5:
        return "has too few distinct characters"
    return None


def local_secret_key(data_dir: Path) -> str:
    """This checkout's own signing key, when `make run` has written one (empty otherwise)."""
    try:
        return (data_dir / LOCAL_SECRET_FILE).read_text().strip()
    except FileNotFoundError:
        return ""
