"""Factories and helpers for carts, checkouts and orders (issue 5)."""

from marketplace.catalog.models import Category, ProductVariant
from marketplace.checkout.models import Checkout, CheckoutLine
from marketplace.checkout.services import CheckoutDetails, checkout_submit
from marketplace.orders.models import Order
from marketplace.payments.models import PaymentMethod
from tests.factories import ProducerFactory, visible_product

ADDRESS = {
    "email": "khach@example.vn",
    "phone": "0912 345 678",
    "full_name": "Nguyễn Thị Lan",
    "province": "son-la",
    "commune": "Phường Tô Hiệu",
    "street": "12 đường Chu Văn Thịnh",
}


def drinks_category() -> Category:
    """The OCOP group a data migration seeds (tests/conftest.py restores it after a flush)."""
    return Category.objects.get(slug="do-uong")


def buyable_variant(
    *, quantity: int = 10, price: int = 185_000, producer=None, **product_fields
) -> ProductVariant:
    product_fields.setdefault("category", drinks_category())
    product = visible_product(
        quantity=quantity, price=price, producer=producer or ProducerFactory(), **product_fields
    )
    return product.variants.get()


def filled_checkout(*lines: tuple[ProductVariant, int], user=None, **details) -> Checkout:
    """A checkout with lines and a complete address (written directly: the services are under test)."""
    fields = {**ADDRESS, "payment_method": PaymentMethod.COD, "delivery_method": "standard", **details}
    checkout = Checkout.objects.create(user=user, **fields)
    for variant, quantity in lines:
        CheckoutLine.objects.create(checkout=checkout, variant=variant, quantity=quantity)
    return checkout


def details(**overrides) -> CheckoutDetails:
    return CheckoutDetails(**{**ADDRESS, "note": "", "payment_method": PaymentMethod.COD.value, **overrides})


def place_order(*lines: tuple[ProductVariant, int], user=None, **checkout_fields) -> Order:
    checkout = filled_checkout(*lines, user=user, **checkout_fields)
    from django.contrib.auth.models import AnonymousUser

    return checkout_submit(token=checkout.token, by=user or AnonymousUser(), details=None)


def decertify(product, state: str) -> None:
    """Revoke (by a revocation decision) or expire the product's certificate through the real services."""
    import datetime

    from django.utils import timezone

    from marketplace.certification.models import Certification, CertificationState, DecisionKind
    from marketplace.certification.services import certification_revoke, certifications_expire
    from marketplace.producers.policies import SYSTEM_IMPORT, SYSTEM_TASK
    from tests.factories import DecisionFactory

    certification = Certification.objects.get(product=product, state=CertificationState.ACTIVE)
    if state == CertificationState.REVOKED:
        certification_revoke(
            certification=certification,
            decision=DecisionFactory(kind=DecisionKind.REVOCATION),
            by=SYSTEM_IMPORT,
        )
    else:
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        Certification.objects.filter(pk=certification.pk).update(valid_until=yesterday)
        certifications_expire(by=SYSTEM_TASK)
