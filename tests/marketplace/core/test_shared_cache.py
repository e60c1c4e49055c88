"""CACHE_URL gives every web process one cache, so a per-client budget holds across gunicorn workers."""

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
REDIS_URL = "redis://127.0.0.1:6379/14"

SPEND_ONE = """
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
django.setup()
from marketplace.core.rate_limits import within_budget
print(within_budget(scope="{scope}", client="203.0.113.7", limit=2, window_seconds=600))
"""


def _redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


def _spend(scope: str, cache_url: str) -> str:
    env = {**os.environ, "DJANGO_DEBUG": "1", "CACHE_URL": cache_url}
    code = SPEND_ONE.format(scope=scope)
    command = [sys.executable, "-c", code]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.skipif(not _redis_answers(), reason="no Redis on 127.0.0.1:6379")
def test_three_processes_share_one_budget_through_redis():
    scope = f"test-{uuid.uuid4().hex}"
    assert [_spend(scope, REDIS_URL) for _ in range(3)] == ["True", "True", "False"]


def test_without_cache_url_each_process_counts_alone():
    scope = f"test-{uuid.uuid4().hex}"
    assert [_spend(scope, "") for _ in range(3)] == ["True", "True", "True"]
