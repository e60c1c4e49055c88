import pytest
from django.test import Client

from tests.factories import MembershipFactory, StaffFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 costs ~0.5 s per user; hashing strength is not what these tests are about.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
