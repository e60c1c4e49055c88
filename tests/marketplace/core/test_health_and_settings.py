import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.django_db
def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def _settings_env(**overrides) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(overrides)
    return env


def _run(args, env):
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _run(["-c", "import marketplace.settings"], _settings_env(DJANGO_ENV="production"))
    assert result.returncode == 1
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_production_refuses_debug():
    env = _settings_env(DJANGO_ENV="production", DJANGO_DEBUG="1", DJANGO_SECRET_KEY="x" * 60)
    result = _run(["-c", "import marketplace.settings"], env)
    assert result.returncode == 1
    assert "DJANGO_DEBUG must be off when DJANGO_ENV=production" in result.stderr


def test_debug_is_off_unless_asked_for():
    env = _settings_env(DJANGO_SECRET_KEY="x" * 60)
    result = _run(["-c", "import marketplace.settings as s; print(s.DEBUG)"], env)
    assert result.stdout.strip() == "False"


def test_check_deploy_is_clean_under_production_settings():
    env = _settings_env(
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY="p" + "roduction-like-secret-" * 4,
        ALLOWED_HOSTS="ocop.example.vn",
        SITE_URL="https://ocop.example.vn",
        DATABASE_URL=os.environ["DATABASE_URL"],
    )
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("changeme", "is a placeholder or development key"),
        ("change-me", "is a placeholder or development key"),  # deploy/kubernetes/secret.example.yaml
        ("build-only", "is a placeholder or development key"),
        ("dev-only-insecure-key-never-used-when-debug-is-off", "is a placeholder or development key"),
        ("django-insecure-" + "k3@v!x9#q2" * 5, "is a placeholder or development key"),
        ("please-changeme-" + "a1b2c3d4e5" * 5, "is a placeholder"),
        ("short-but-random-Q8f3Zp", "is too short (23 characters)"),
        ("ab" * 40, "has too few distinct characters"),
    ],
)
def test_production_refuses_a_placeholder_secret_key(key, reason):
    env = _settings_env(DJANGO_ENV="production", DJANGO_SECRET_KEY=key, SITE_URL="https://ocop.example.vn")
    result = _run(["-c", "import marketplace.settings"], env)
    assert result.returncode == 1
    assert (
        f"DJANGO_SECRET_KEY {reason}; production needs a random key of at least 50 characters"
        in result.stderr
    )
    assert key not in result.stderr  # the message never repeats the secret


def test_development_still_accepts_a_short_key():
    env = _settings_env(DJANGO_SECRET_KEY="changeme")
    result = _run(["-c", "import marketplace.settings as s; print(s.SECRET_KEY)"], env)
    assert result.returncode == 0 and result.stdout.strip() == "changeme"


def test_production_requires_site_url():
    env = _settings_env(DJANGO_ENV="production", DJANGO_SECRET_KEY="p" + "roduction-like-secret-" * 4)
    result = _run(["-c", "import marketplace.settings"], env)
    assert result.returncode == 1
    assert (
        "SITE_URL must be set to the site's absolute URL (e.g. https://ocop.example.vn) when" in result.stderr
    )
    env["SITE_URL"] = "ocop.example.vn"
    result = _run(["-c", "import marketplace.settings"], env)
    assert result.returncode == 1 and "got 'ocop.example.vn'" in result.stderr
