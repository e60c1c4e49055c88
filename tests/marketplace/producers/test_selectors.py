"""Mail for a producer goes to one list of recipients, the same for every message: its own address and its
active members' (a member whose account was deactivated gets none)."""

import pytest
from django.core import mail

from marketplace.catalog.models import ProductModeration
from marketplace.catalog.services import product_hidden_notify
from marketplace.producers.selectors import producer_email_recipients
from tests.factories import MembershipFactory, ProducerFactory, UserFactory, visible_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def producer():
    producer = ProducerFactory(email=" HTX@BichThao.vn ")
    MembershipFactory(producer=producer, user=UserFactory(email="owner@bichthao.vn"))
    MembershipFactory(producer=producer, user=UserFactory(email="htx@bichthao.VN"))  # same as the producer's
    MembershipFactory(producer=producer, user=UserFactory(email="left@bichthao.vn", is_active=False))
    MembershipFactory(user=UserFactory(email="other@example.vn"))  # another producer's member
    return producer


def test_recipients_are_the_producer_and_its_active_members(producer, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert producer_email_recipients(producer) == ["htx@bichthao.vn", "owner@bichthao.vn"]
    prefetched = type(producer).objects.prefetch_related("memberships__user").get(pk=producer.pk)
    with django_assert_num_queries(0):
        assert producer_email_recipients(prefetched) == ["htx@bichthao.vn", "owner@bichthao.vn"]


def test_the_hidden_product_notice_skips_deactivated_members(producer, staff):
    product = visible_product(producer=producer)
    moderation = ProductModeration.objects.create(product=product, reason="Nhãn sai", hidden_by=staff)
    assert product_hidden_notify(moderation_id=moderation.pk) == 2
    assert [message.to for message in mail.outbox] == [["htx@bichthao.vn", "owner@bichthao.vn"]]
