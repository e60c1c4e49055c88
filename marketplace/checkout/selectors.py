"""Reads of carts/checkouts: lines with prices and stock, grouped per producer, problems flagged."""

import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from marketplace.catalog.models import Product, units_available
from marketplace.catalog.selectors import ShopperAccess, product_shopper_access, products_visible_to_shoppers
from marketplace.checkout.error_codes import CheckoutErrorCode
from marketplace.checkout.models import Checkout, CheckoutLine
from marketplace.payments.models import PaymentMethod
from marketplace.producers.models import Producer


def shipping_fee(subtotal: int) -> int:
    """Flat rate per producer part, free from the threshold on."""
    if subtotal <= 0 or subtotal >= settings.SHIPPING_FREE_THRESHOLD_VND:
        return 0
    return settings.SHIPPING_FLAT_RATE_VND


def parse_token(token) -> uuid.UUID | None:
    if isinstance(token, uuid.UUID):
        return token
    try:
        return uuid.UUID(str(token))
    except (TypeError, ValueError):
        return None


def checkout_by_token(*, token) -> Checkout | None:
    parsed = parse_token(token)
    if parsed is None:
        return None
    return Checkout.objects.filter(token=parsed).first()


def checkout_latest_for_user(*, user) -> Checkout | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Checkout.objects.filter(user=user).order_by("-updated_at", "-id").first()


def checkout_lines(*, checkout: Checkout) -> QuerySet[CheckoutLine]:
    return checkout.lines.select_related(
        "variant__product__producer", "variant__product__category", "variant__stock"
    ).order_by("created_at", "id")


def unavailable_reason(product: Product) -> str:
    """Why a product in a cart can no longer be bought, in words for the shopper."""
    access = product_shopper_access(product=product)
    if access is ShopperAccess.EXPIRED:
        return _("chứng nhận OCOP của sản phẩm đã hết hạn")
    if access is ShopperAccess.REVOKED:
        return _("chứng nhận OCOP của sản phẩm đã bị thu hồi")
    return _("sản phẩm đã ngừng bán")


def unavailable_message(product: Product) -> str:
    return _("«%(name)s» không còn được bán: %(reason)s. Vui lòng xóa sản phẩm khỏi giỏ hàng.") % {
        "name": product.name,
        "reason": unavailable_reason(product),
    }


def stock_message(*, product_name: str, available: int) -> str:
    if available <= 0:
        return _("«%(name)s» đã hết hàng.") % {"name": product_name}
    return _("«%(name)s» chỉ còn %(count)d sản phẩm trong kho.") % {"name": product_name, "count": available}


@dataclass
class LineSummary:
    line: CheckoutLine
    available: int
    problem: str = ""
    problem_code: str = ""

    @property
    def variant(self):
        return self.line.variant

    @property
    def product(self) -> Product:
        return self.line.variant.product

    @property
    def unit_price(self) -> int:
        return self.line.variant.price_amount

    @property
    def total(self) -> int:
        return self.unit_price * self.line.quantity


@dataclass
class ProducerGroup:
    producer: Producer
    lines: list[LineSummary] = field(default_factory=list)

    @property
    def subtotal(self) -> int:
        return sum(line.total for line in self.lines)

    @property
    def shipping(self) -> int:
        return shipping_fee(self.subtotal)


@dataclass
class CheckoutSummary:
    checkout: Checkout
    lines: list[LineSummary]
    groups: list[ProducerGroup]

    @property
    def subtotal(self) -> int:
        return sum(group.subtotal for group in self.groups)

    @property
    def shipping(self) -> int:
        return sum(group.shipping for group in self.groups)

    @property
    def total(self) -> int:
        return self.subtotal + self.shipping

    @property
    def quantity(self) -> int:
        return sum(line.line.quantity for line in self.lines)

    @property
    def problems(self) -> list[str]:
        return [line.problem for line in self.lines if line.problem]

    @property
    def can_complete(self) -> bool:
        return bool(self.lines) and not self.problems


def checkout_summary(*, checkout: Checkout | None) -> CheckoutSummary | None:
    """Lines with prices, stock and visibility in three queries whatever the number of lines (plus one per
    flagged line, to say why its product is no longer sold)."""
    if checkout is None:
        return None
    lines = list(checkout_lines(checkout=checkout))
    product_ids = {line.variant.product_id for line in lines}
    visible = (
        set(products_visible_to_shoppers().filter(pk__in=product_ids).values_list("pk", flat=True))
        if product_ids
        else set()
    )
    summaries: list[LineSummary] = []
    groups: dict[int, ProducerGroup] = {}
    for line in lines:
        available = units_available(line.variant)
        summary = LineSummary(line=line, available=available)
        product = line.variant.product
        if product.pk not in visible:
            summary.problem = unavailable_message(product)
            summary.problem_code = CheckoutErrorCode.PRODUCT_UNAVAILABLE_FOR_PURCHASE.value
        elif line.quantity > available:
            summary.problem = stock_message(product_name=product.name, available=available)
            summary.problem_code = CheckoutErrorCode.INSUFFICIENT_STOCK.value
        summaries.append(summary)
        groups.setdefault(product.producer_id, ProducerGroup(producer=product.producer)).lines.append(summary)
    ordered_groups = [groups[key] for key in sorted(groups)]
    return CheckoutSummary(checkout=checkout, lines=summaries, groups=ordered_groups)


def payment_methods_available() -> list[str]:
    """Card payment only when Stripe keys are configured (see CONTRACT: unset hides it)."""
    methods = [PaymentMethod.COD.value, PaymentMethod.BANK_TRANSFER.value]
    if settings.STRIPE_SECRET_KEY and settings.STRIPE_PUBLISHABLE_KEY:
        methods.append(PaymentMethod.CARD.value)
    return methods
