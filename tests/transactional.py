"""Transactional tests (threads, a live server) end with a flush of every table, seed data included. The
module-scoped `restore_seed_data` puts the freshly migrated database (content types, product groups, the
channel, menus) back once the module's last test has flushed, so later tests do not depend on test order.

Use with `@pytest.mark.django_db(transaction=True, serialized_rollback=True)` (which makes pytest-django
serialise the freshly migrated database) and `pytestmark = pytest.mark.usefixtures("restore_seed_data")`."""

import pytest

# Each test module importing the fixtures gets its own instance of a "session" fixture, so the snapshot is
# kept here, from the first module that could read it.
_SNAPSHOT: dict[str, str] = {}


@pytest.fixture(scope="session")
def _seed_snapshot(django_db_setup, django_db_blocker) -> str | None:
    """The serialised database. It must be read before Playwright starts: once its sync API runs, Django
    hands this thread a fresh connection object that lacks `_test_serialized_contents`."""
    from django.db import connection

    contents = getattr(connection, "_test_serialized_contents", None)
    if contents and "contents" not in _SNAPSHOT:
        _SNAPSHOT["contents"] = contents
    return _SNAPSHOT.get("contents")


@pytest.fixture(scope="module")
def restore_seed_data(_seed_snapshot, django_db_blocker):
    yield
    if not _seed_snapshot:
        return
    from django.core.management import call_command
    from django.db import connection

    with django_db_blocker.unblock():
        # Empty again without post_migrate (it would recreate content types under new ids), then reload.
        call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
        connection.creation.deserialize_db_from_string(_seed_snapshot)
