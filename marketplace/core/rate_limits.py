"""A fixed-window request budget per client, kept in the default cache: enough to stop one client from
downloading a large file in a loop (the web server's own limits stay the first line)."""

import time

from django.core.cache import cache


def within_budget(*, scope: str, client: str, limit: int, window_seconds: int) -> bool:
    """Count one request of `client` in `scope`; False once `limit` were counted in this window."""
    window = int(time.time() // window_seconds)
    key = f"rate:{scope}:{client}:{window}"
    if cache.add(key, 1, timeout=window_seconds + 1):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window_seconds + 1)
        return True
    return count <= limit
