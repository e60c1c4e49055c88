"""Demo money (make run): paid and delivered orders for a cooperative, a company and a household business,
one paid out, one payable, one still in the return window, so the money pages show real figures."""

import datetime

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from marketplace.catalog.models import ProductVariant
from marketplace.catalog.selectors import products_visible_to_shoppers
from marketplace.checkout.models import Checkout, CheckoutLine, DeliveryMethod
from marketplace.checkout.services import checkout_submit
from marketplace.money.models import LedgerEntry
from marketplace.money.services import bank_account_set, payout_batch_create
from marketplace.orders.models import OrderPart
from marketplace.orders.services import order_mark_paid, order_part_mark_delivered, order_part_mark_shipped
from marketplace.payments.models import PaymentMethod
from marketplace.producers.models import Producer
from marketplace.producers.policies import Actor

DEMO_SELLERS = {
    "HTX Cà phê Bích Thao": ("970436", "0011001234567", "HTX CA PHE BICH THAO"),
    "Công ty TNHH Trà và Đặc sản Tây Bắc": ("970415", "108002345678", "CONG TY TNHH TRA VA DAC SAN TAY BAC"),
    "Hộ kinh doanh Hoàng Thị Hoa": ("970418", "12010000123456", "HOANG THI HOA"),
}
ADDRESS = {
    "email": "khach@demo.ocop.vn",
    "phone": "0912 345 678",
    "full_name": "Nguyễn Thị Lan",
    "province": "son-la",
    "commune": "Phường Tô Hiệu",
    "street": "12 đường Chu Văn Thịnh",
}


def _order(variants: list[ProductVariant], *, delivered_days_ago: int, by: Actor) -> None:
    checkout = Checkout.objects.create(
        payment_method=PaymentMethod.BANK_TRANSFER, delivery_method=DeliveryMethod.STANDARD, **ADDRESS
    )
    CheckoutLine.objects.bulk_create(
        [CheckoutLine(checkout=checkout, variant=variant, quantity=2) for variant in variants]
    )
    order = checkout_submit(token=checkout.token, by=AnonymousUser(), details=None)
    order_mark_paid(order=order, by=by)
    for part in OrderPart.objects.filter(order=order).order_by("pk"):
        order_part_mark_shipped(part=part, by=by, tracking_code=f"DEMO{order.pk}")
        order_part_mark_delivered(part=part, by=by)
    # Demo history: date the deliveries back so the return window has passed (or not).
    OrderPart.objects.filter(order=order).update(
        delivered_at=timezone.now() - datetime.timedelta(days=delivered_days_ago)
    )


def money_demo_load(*, by: Actor) -> int:
    """Create the demo orders once (nothing when any ledger entry exists). Returns orders created."""
    if LedgerEntry.objects.exists():
        return 0
    sellers = list(Producer.objects.filter(name__in=DEMO_SELLERS).order_by("pk"))
    variants = []
    for producer in sellers:
        variant = (
            ProductVariant.objects.filter(
                product__in=products_visible_to_shoppers().filter(producer=producer), stock__quantity__gte=10
            )
            .order_by("pk")
            .first()
        )
        if variant is not None:
            variants.append(variant)
    if not variants:
        return 0
    for producer in sellers:
        bank_bin, number, name = DEMO_SELLERS[producer.name]
        bank_account_set(
            producer=producer, bank_bin=bank_bin, account_number=number, account_name=name, by=by
        )
    _order(variants, delivered_days_ago=30, by=by)
    payout_batch_create(by=by, threshold=1)
    _order(variants, delivered_days_ago=10, by=by)
    _order(variants, delivered_days_ago=1, by=by)
    return 3
