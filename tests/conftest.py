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
def _reseed_for_transactional_tests(request):
    """A transactional test ends by flushing every table, data migrations' rows included; put the seed
    (product groups, channel, featured collection) back so the next transactional test finds it."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return
    import importlib

    from django.apps import apps

    request.getfixturevalue("transactional_db")
    seed = importlib.import_module(
        "marketplace.catalog.migrations.0002_seed_product_groups_channel_collection"
    )
    seed.seed(apps, None)


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


def pytest_collection_modifyitems(items):
    # A transactional test ends by flushing every table, which also wipes the rows that data migrations
    # seed (product groups, the default channel, menus). Serialized rollback restores them afterwards, so
    # no test depends on running before a transactional one.
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker and marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback"):
            item.add_marker(pytest.mark.django_db(**marker.kwargs, serialized_rollback=True), append=False)
