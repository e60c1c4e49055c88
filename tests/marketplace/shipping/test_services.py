import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from marketplace.shipping.models import ProducerShipping
from marketplace.shipping.services import producer_free_shipping_set
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_member_sets_and_clears_the_threshold():
    member = MembershipFactory()
    assert (
        producer_free_shipping_set(producer=member.producer, free_over_vnd=250_000, by=member.user) == 250_000
    )
    assert ProducerShipping.objects.get(producer=member.producer).free_over_vnd == 250_000
    assert producer_free_shipping_set(producer=member.producer, free_over_vnd=None, by=member.user) is None
    assert not ProducerShipping.objects.exists()


@pytest.mark.parametrize("value", [-1, 100_000_001, True, "300000"])
def test_out_of_range_values_are_refused_and_nothing_changes(value):
    member = MembershipFactory()
    producer_free_shipping_set(producer=member.producer, free_over_vnd=100_000, by=member.user)
    with pytest.raises(ValidationError) as error:
        producer_free_shipping_set(producer=member.producer, free_over_vnd=value, by=member.user)
    assert error.value.message_dict == {
        "free_over_vnd": ["Ngưỡng miễn phí giao hàng phải từ 0 đến 100.000.000 đồng."]
    }
    assert ProducerShipping.objects.get().free_over_vnd == 100_000


def test_a_stranger_is_refused():
    member = MembershipFactory()
    with pytest.raises(PermissionDenied):
        producer_free_shipping_set(producer=member.producer, free_over_vnd=1, by=UserFactory())
    assert not ProducerShipping.objects.exists()
