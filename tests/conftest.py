import os
from pathlib import Path

import pytest
from django.test import Client

from tests.factories import MembershipFactory, StaffFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 costs ~0.5 s per user; hashing strength is not what these tests are about.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _open_unpaid_order_limits_off(settings):
    # Most tests place many orders for one shopper; tests/marketplace/checkout/test_open_order_limits.py
    # turns the limits back on and tests them.
    settings.ORDER_OPEN_UNPAID_LIMIT_PER_EMAIL = 0
    settings.ORDER_OPEN_UNPAID_LIMIT_PER_PHONE = 0
    settings.ORDER_OPEN_UNPAID_LIMIT_PER_IP = 0


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Uploaded files land in a per-test directory, never in the developer's .data/media (and never in the
    # directory of another xdist worker).
    settings.MEDIA_ROOT = tmp_path / "media"


# --- The seeded rows (one mechanism for the whole suite) -----------------------------------------------
# Data migrations seed rows (content types, permissions, product groups, the channel, the featured
# collection, menus). A transactional test (threads, a live server, browsers) ends with a flush of every
# table. Every transactional test runs with serialized rollback: pytest-django serialises the migrated
# database once per session (per xdist worker), the flush after such a test skips post_migrate (which would
# recreate content types under new ids), and the next one reloads the rows first. `_seeded_rows` keeps that
# working when Playwright's event loop hands this thread a new connection object without the snapshot, and
# restores the rows for a plain test that xdist happens to run after a flush.
_FLUSHED = {"default": False}


def _uses_database(item) -> bool:
    names = item.fixturenames
    return bool(item.get_closest_marker("django_db")) or any(
        name in names for name in ("db", "transactional_db", "live_server")
    )


def _is_transactional(marker) -> bool:
    return bool(marker.kwargs.get("transaction") or (marker.args and marker.args[0]))


@pytest.hookimpl(trylast=True)  # after pytest-django's order: plain database tests, transactional, the rest
def pytest_collection_modifyitems(items):
    # Slow tests without the database go first, so on xdist they overlap the rest instead of ending the run.
    items.sort(key=lambda item: not (item.get_closest_marker("slow") and not _uses_database(item)))
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is None and "live_server" in item.fixturenames:
            marker = pytest.mark.django_db(transaction=True).mark
        if marker is not None and _is_transactional(marker) and not marker.kwargs.get("serialized_rollback"):
            kwargs = {**marker.kwargs, "transaction": True, "serialized_rollback": True}
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)


@pytest.fixture(scope="session")
def _seed_snapshot(django_db_setup, django_db_blocker) -> str:
    """The migrated database as JSON, read at the first test that uses the database (before any flush, and
    before Playwright replaces this thread's connection object)."""
    from django.db import connection

    snapshot = getattr(connection, "_test_serialized_contents", None)
    if snapshot is None:
        with django_db_blocker.unblock():
            snapshot = connection.creation.serialize_db_to_string()
    return snapshot


def _restore_seed(snapshot: str) -> None:
    from django.core.management import call_command
    from django.db import connection

    call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True, reset_sequences=False)
    connection.creation.deserialize_db_from_string(snapshot)


@pytest.fixture(autouse=True)
def _seeded_rows(request):
    marker = request.node.get_closest_marker("django_db")
    names = request.fixturenames
    if marker is None and "db" not in names and "transactional_db" not in names:
        yield
        return
    from django.db import connection

    transactional = "transactional_db" in names or (marker is not None and _is_transactional(marker))
    snapshot = request.getfixturevalue("_seed_snapshot")
    request.getfixturevalue("transactional_db" if transactional else "db")
    reloaded_by_django = transactional and hasattr(connection, "_test_serialized_contents")
    if _FLUSHED["default"] and not reloaded_by_django:
        # In a plain test this runs inside its transaction and is rolled back with it.
        _restore_seed(snapshot)
    if transactional:
        _FLUSHED["default"] = False
    yield
    if transactional:
        connection._test_serialized_contents = snapshot  # read by the flush that follows and the next setup
        _FLUSHED["default"] = True


@pytest.fixture
def shopper(db):
    return UserFactory(email="shopper@example.vn")


@pytest.fixture
def staff(db):
    return StaffFactory(email="staff@example.vn", is_superuser=True)


@pytest.fixture
def producer_member(db):
    """A user who owns producer A (membership.producer)."""
    return MembershipFactory()


@pytest.fixture
def shopper_client(shopper) -> Client:
    client = Client()
    client.force_login(shopper)
    return client


@pytest.fixture
def staff_client(staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client


# --- Browser tests -------------------------------------------------------------------------------
CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-output" / "screenshots"


@pytest.fixture(scope="session")
def _chromium():
    if not os.path.exists(CHROMIUM):
        # Visible in the summary (-ra): `make test` installs Debian's chromium when it can.
        pytest.skip(f"NOTICE: {CHROMIUM} not installed; browser tests skipped (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are still sync.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(_chromium, live_server):
    """A fresh browser context on a 360-pixel-wide phone viewport; `page.base_url` is the live server."""
    context = _chromium.new_context(viewport={"width": 360, "height": 780}, locale="vi-VN")
    context.set_default_timeout(10_000)
    browser_page = context.new_page()
    browser_page.base_url = live_server.url
    yield browser_page
    context.close()


@pytest.fixture
def screenshot(request):
    """screenshot(page, "name") saves test-output/screenshots/<test>-<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(browser_page, name: str) -> Path:
        path = SCREENSHOTS / f"{request.node.name}-{name}.png"
        browser_page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def flat_shipping(db):
    """The rate table as a flat 30.000 ₫ per producer part in every zone and weight, free from 500.000 ₫:
    for tests about orders and money, whose sums should not depend on the seeded rates (the shipping app's
    own tests cover those)."""
    from marketplace.shipping.models import ShippingRate, ShippingSettings, ShippingZone, Zone

    for code in Zone.values:
        zone, _ = ShippingZone.objects.update_or_create(
            code=code, defaults={"days_min": 2, "days_max": 6, "extra_kg_fee_vnd": 0}
        )
        zone.rates.all().delete()
        ShippingRate.objects.create(zone=zone, up_to_grams=100_000, fee_vnd=30_000)
    ShippingSettings.objects.update_or_create(pk=1, defaults={"free_over_vnd": 500_000})


@pytest.fixture(autouse=True)
def _search_vocabulary_uncached(settings):
    """Spelling suggestions read the catalogue as each test made it (no vocabulary kept between tests)."""
    settings.SEARCH_VOCABULARY_SECONDS = 0
