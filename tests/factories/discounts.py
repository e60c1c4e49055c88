"""Vouchers (promo codes) for the tests (issue 13)."""

import factory

from marketplace.discounts.models import DiscountValueType, Voucher


class VoucherFactory(factory.django.DjangoModelFactory):
    """A staff voucher (platform-funded, whole order) unless `producer` is given."""

    class Meta:
        model = Voucher

    code = factory.Sequence(lambda n: f"GIAM{n:03d}")
    name = factory.Sequence(lambda n: f"Khuyến mãi {n}")
    producer = None
    value_type = DiscountValueType.PERCENTAGE
    value = 10
