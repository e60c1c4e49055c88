"""Run calls at the same moment in threads, each with its own database connection (real transactions)."""

import threading
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection


def race(*calls: Callable[[], Any]) -> tuple[list[Any], list[ValidationError]]:
    """Start every call together; returns what the successful ones returned and the refusals. A deadlock
    or any other exception fails the calling test."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = []
    refusals: list[ValidationError] = []
    crashes: list[str] = []
    lock = threading.Lock()

    def run(call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            value = call()
            with lock:
                results.append(value)
        except ValidationError as exc:
            with lock:
                refusals.append(exc)
        except Exception as exc:  # a deadlock or a constraint error fails the test
            with lock:
                crashes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert crashes == []
    return results, refusals
