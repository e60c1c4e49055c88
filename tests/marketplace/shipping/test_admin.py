"""Staff configure the rates in the admin: the seeded zones with their brackets, Vietnamese labels."""

import pytest

from marketplace.shipping.models import ShippingRate, ShippingZone, Zone
from marketplace.shipping.selectors import shipping_table
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_zone_list_and_edit_page_in_vietnamese(superuser_client):
    listing = superuser_client.get("/admin/shipping/shippingzone/").content.decode()
    assert "Nội tỉnh" in listing and "Nội miền" in listing and "Liên miền" in listing
    zone = ShippingZone.objects.get(code=Zone.SAME_REGION)
    page = superuser_client.get(f"/admin/shipping/shippingzone/{zone.pk}/change/").content.decode()
    assert "Cân nặng tối đa (gam)" in page and "Phí giao hàng (đồng)" in page
    assert superuser_client.get("/admin/shipping/shippingzone/add/").status_code == 403


def test_staff_edit_a_bracket_and_quotes_follow(superuser_client):
    zone = ShippingZone.objects.get(code=Zone.SAME_REGION)
    rates = list(zone.rates.order_by("up_to_grams"))
    data = {
        "days_min": "2",
        "days_max": "4",
        "extra_kg_fee_vnd": "7000",
        "rates-TOTAL_FORMS": str(len(rates)),
        "rates-INITIAL_FORMS": str(len(rates)),
        "rates-MIN_NUM_FORMS": "0",
        "rates-MAX_NUM_FORMS": "1000",
    }
    for i, rate in enumerate(rates):
        fee = 19_000 if rate.up_to_grams == 500 else rate.fee_vnd
        data |= {
            f"rates-{i}-id": str(rate.pk),
            f"rates-{i}-zone": str(zone.pk),
            f"rates-{i}-up_to_grams": str(rate.up_to_grams),
            f"rates-{i}-fee_vnd": str(fee),
        }
    response = superuser_client.post(f"/admin/shipping/shippingzone/{zone.pk}/change/", data)
    assert response.status_code == 302
    assert ShippingRate.objects.get(zone=zone, up_to_grams=500).fee_vnd == 19_000
    rates_now = shipping_table().zones[Zone.SAME_REGION.value]
    assert (rates_now.days_min, rates_now.days_max, rates_now.brackets[0]) == (2, 4, (500, 19_000))
