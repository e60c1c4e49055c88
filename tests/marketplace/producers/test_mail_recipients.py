"""One rule for who hears about a producer's business: its own address and its active members' addresses.
The product-hidden mail once went to inactive members too; orders and expiry reminders had own copies."""

import pytest
from django.core import mail

from marketplace.catalog.services import product_hide
from marketplace.certification.models import ExpiryReminder
from marketplace.certification.services import certification_reminders_send
from marketplace.orders.emails import order_emails_send
from marketplace.producers.policies import SYSTEM_TASK
from marketplace.producers.selectors import producer_mail_recipients
from tests.factories import MembershipFactory, ProducerFactory, UserFactory, moderator
from tests.factories.orders import buyable_variant, place_order
from tests.factories.portal import member_of
from tests.marketplace.certification.test_expiry_reminders import certificate_ending_in

pytestmark = pytest.mark.django_db
EXPECTED = ["htx@bichthao.vn", "owner@bichthao.vn", "staff@bichthao.vn"]


@pytest.fixture
def producer():
    producer = ProducerFactory(email="HTX@bichthao.vn")
    member_of(producer, email="owner@bichthao.vn")
    member_of(producer, email="Staff@BichThao.vn", role="staff")
    MembershipFactory(producer=producer, user=UserFactory(email="left@bichthao.vn", is_active=False))
    MembershipFactory(producer=producer, user=UserFactory(email=""))
    MembershipFactory(user=UserFactory(email="other@example.vn"))  # another producer's member
    return producer


def test_recipients_are_the_producer_and_its_active_members(producer, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert producer_mail_recipients(producer=producer) == EXPECTED


def test_every_producer_mail_goes_to_the_same_recipients(producer, django_capture_on_commit_callbacks):
    variant = buyable_variant(producer=producer)
    with django_capture_on_commit_callbacks(execute=True):
        moderation = product_hide(product=variant.product, by=moderator(), reason="Nhãn sai")
    hidden_mail = [message for message in mail.outbox if "bị ẩn" in message.subject]
    assert [message.to for message in hidden_mail] == [EXPECTED]
    assert moderation.product_id == variant.product_id

    mail.outbox.clear()
    order = place_order((buyable_variant(producer=producer), 1))
    assert order_emails_send(order_id=order.pk, shopper=False) == 1
    assert [message.to for message in mail.outbox] == [EXPECTED]

    certificate = certificate_ending_in(10, producer=producer)
    with django_capture_on_commit_callbacks(execute=True):
        assert certification_reminders_send(by=SYSTEM_TASK) == [certificate.pk]
    assert ExpiryReminder.objects.get(certification=certificate).recipients == EXPECTED
    assert mail.outbox[-1].to == EXPECTED
