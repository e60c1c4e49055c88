"""Memory helpers for bounded, allocation-heavy steps."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Cyclic garbage collection off for the duration. A 20,000-row decision import allocates hundreds of
    thousands of long-lived objects, and each full collection walks them all again (a fifth of the
    import's CPU); reference counting still frees everything as usual, and collection resumes after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
