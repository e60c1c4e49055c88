"""The API's delivery methods price each producer part with the shipping engine (seeded table), to the
checkout's province once given (else the documented default), and the order charges what was shown."""

import pytest
from django.contrib.auth.models import AnonymousUser
from graphql_relay import to_global_id

from marketplace.checkout import services
from marketplace.checkout.models import Checkout
from tests.factories import ProducerFactory
from tests.factories.orders import buyable_variant

pytestmark = pytest.mark.django_db

FIND = """query($id: ID!) { checkout(id: $id) {
  shippingMethods { price { amount } minimumDeliveryDays maximumDeliveryDays }
} }"""


def test_shipping_methods_follow_the_zone_of_each_part(api, settings):
    settings.SHIPPING_DEFAULT_PROVINCE = "ha-noi"
    coffee = buyable_variant(price=185_000, producer=ProducerFactory(province="son-la"))
    rice = buyable_variant(price=120_000, producer=ProducerFactory(province="can-tho"))
    checkout = services.checkout_create(by=AnonymousUser())
    for variant in (coffee, rice):
        services.checkout_lines_add(checkout=checkout, variant_id=variant.pk, quantity=1, by=AnonymousUser())
    gid = to_global_id("Checkout", str(checkout.token))
    # To Hà Nội: Sơn La same region (22.000 ₫, 2-3 days), Cần Thơ across regions (30.000 ₫, 3-5 days).
    assert api.data(FIND, {"id": gid})["checkout"]["shippingMethods"] == [
        {"price": {"amount": 52_000.0}, "minimumDeliveryDays": 3, "maximumDeliveryDays": 5}
    ]
    Checkout.objects.filter(pk=checkout.pk).update(province="can-tho")
    # To Cần Thơ: Sơn La across regions (30.000 ₫), Cần Thơ same province (16.000 ₫, 1-2 days).
    assert api.data(FIND, {"id": gid})["checkout"]["shippingMethods"] == [
        {"price": {"amount": 46_000.0}, "minimumDeliveryDays": 3, "maximumDeliveryDays": 5}
    ]
