"""The rate engine: zones from province to province, weight brackets, thresholds (seeded table)."""

import pytest

from marketplace.accounts.models import Address
from marketplace.core.provinces import PROVINCES
from marketplace.producers.policies import SYSTEM_TASK
from marketplace.shipping.models import ShippingRate, ShippingZone, Zone
from marketplace.shipping.regions import REGION_OF
from marketplace.shipping.selectors import (
    SESSION_KEY,
    shipping_quote,
    shipping_table,
    shopper_province,
    zone_between,
)
from marketplace.shipping.services import producer_free_shipping_set
from tests.factories import ProducerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_every_current_province_has_a_region():
    assert set(REGION_OF) == {province.code for province in PROVINCES}
    assert len(REGION_OF) == 34


@pytest.mark.parametrize(
    ("origin", "destination", "zone"),
    [
        ("son-la", "son-la", Zone.SAME_PROVINCE),
        ("son-la", "ha-noi", Zone.SAME_REGION),
        ("lao-cai", "hai-phong", Zone.SAME_REGION),
        ("son-la", "ho-chi-minh", Zone.ACROSS_REGIONS),
        ("da-nang", "hue", Zone.SAME_REGION),
        ("can-tho", "ha-noi", Zone.ACROSS_REGIONS),
        ("son-la", "", Zone.ACROSS_REGIONS),
    ],
)
def test_zone_between_provinces(origin, destination, zone):
    assert zone_between(origin, destination) == zone.value


def _quote(table, *, producer_id=1, origin="son-la", to="son-la", grams=500, subtotal=100_000):
    return shipping_quote(
        table=table,
        producer_id=producer_id,
        from_province=origin,
        to_province=to,
        weight_grams=grams,
        subtotal=subtotal,
    )


@pytest.mark.parametrize(
    ("to", "grams", "fee", "days"),
    [
        ("son-la", 500, 16_000, "1-2"),
        ("son-la", 501, 20_000, "1-2"),
        ("son-la", 5_000, 35_000, "1-2"),
        ("son-la", 6_200, 35_000 + 2 * 5_000, "1-2"),  # two started kilograms above the 5 kg bracket
        ("ha-noi", 900, 28_000, "2-3"),
        ("ho-chi-minh", 2_000, 48_000, "3-5"),
    ],
)
def test_seeded_rates_by_zone_and_weight(to, grams, fee, days):
    quote = _quote(shipping_table(), to=to, grams=grams)
    assert (quote.fee, quote.base_fee, quote.days) == (fee, fee, days)
    assert quote.free_over == 500_000 and quote.left_for_free == 400_000


def test_staff_changes_in_the_table_apply_at_once():
    zone = ShippingZone.objects.get(code=Zone.SAME_PROVINCE)
    zone.days_min, zone.days_max = 2, 4
    zone.save()
    ShippingRate.objects.filter(zone=zone, up_to_grams=500).update(fee_vnd=12_345)
    quote = _quote(shipping_table())
    assert (quote.fee, quote.days) == (12_345, "2-4")


def test_free_from_the_producers_own_threshold_else_the_platform_default():
    producer = ProducerFactory()
    other = ProducerFactory()
    producer_free_shipping_set(producer=producer, free_over_vnd=200_000, by=SYSTEM_TASK)
    table = shipping_table(producer_ids=[producer.pk, other.pk])
    own = _quote(table, producer_id=producer.pk, subtotal=200_000)
    default = _quote(table, producer_id=other.pk, subtotal=200_000)
    assert (own.fee, own.base_fee, own.is_free, own.left_for_free) == (0, 16_000, True, 0)
    assert (default.fee, default.free_over, default.left_for_free) == (16_000, 500_000, 300_000)
    assert _quote(table, producer_id=other.pk, subtotal=500_000).fee == 0
    assert _quote(table, producer_id=other.pk, subtotal=0).fee == 0  # an empty part ships nothing


def test_shipping_table_reads_in_constant_queries(django_assert_num_queries):
    producers = [ProducerFactory() for _ in range(3)]
    with django_assert_num_queries(3):  # zones with brackets, default, thresholds
        shipping_table(producer_ids=[p.pk for p in producers])
    with django_assert_num_queries(2):
        shipping_table()


def test_shopper_province_from_choice_then_address_then_default(settings):
    settings.SHIPPING_DEFAULT_PROVINCE = "da-nang"
    user = UserFactory()
    assert shopper_province(session={}, user=user) == "da-nang"
    Address.objects.create(
        user=user,
        full_name="A",
        phone="0912345678",
        province="can-tho",
        commune="X",
        street="1",
        is_default=True,
    )
    assert shopper_province(session={}, user=user) == "can-tho"
    assert shopper_province(session={SESSION_KEY: "hue"}, user=user) == "hue"
    assert shopper_province(session={SESSION_KEY: "atlantis"}, user=user) == "can-tho"
