"""Reads of carts/checkouts: lines with prices and stock, grouped per producer, problems flagged."""

import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _

from marketplace.accounts.models import User
from marketplace.catalog.models import Product, ProductVariant, units_available
from marketplace.catalog.selectors import ShopperAccess, product_shopper_access, products_visible_to_shoppers
from marketplace.checkout.error_codes import CheckoutErrorCode
from marketplace.checkout.models import Checkout, CheckoutLine, DeliveryMethod
from marketplace.payments.models import PaymentMethod
from marketplace.producers.models import Producer


def shipping_fee(subtotal: int) -> int:
    """Flat rate per producer part, free from the threshold on."""
    if subtotal <= 0 or subtotal >= settings.SHIPPING_FREE_THRESHOLD_VND:
        return 0
    return settings.SHIPPING_FLAT_RATE_VND


@dataclass(frozen=True)
class DeliveryOption:
    """A delivery method as offered for one checkout: its price is the sum of each producer part's fee."""

    code: str
    name: str
    price: int
    minimum_days: int
    maximum_days: int


# Days from order to door: producers pack within a day or two, carriers take one to four more.
DELIVERY_DAYS = {DeliveryMethod.STANDARD.value: (2, 6)}


def delivery_options(*, shipping: int, has_lines: bool) -> list[DeliveryOption]:
    """What the shopper may choose for a checkout whose producer parts' fees add up to `shipping`
    (nothing for an empty one)."""
    if not has_lines:
        return []
    return [
        DeliveryOption(
            code=method.value,
            name=str(method.label),
            price=shipping,
            minimum_days=DELIVERY_DAYS[method.value][0],
            maximum_days=DELIVERY_DAYS[method.value][1],
        )
        for method in DeliveryMethod
    ]


def parse_token(token: object) -> uuid.UUID | None:
    if isinstance(token, uuid.UUID):
        return token
    try:
        return uuid.UUID(str(token))
    except (TypeError, ValueError):
        return None


def checkout_by_token(*, token: object) -> Checkout | None:
    parsed = parse_token(token)
    if parsed is None:
        return None
    return Checkout.objects.filter(token=parsed).first()


def checkout_latest_for_user(*, user: User | AnonymousUser) -> Checkout | None:
    if not isinstance(user, User):  # an anonymous visitor has none
        return None
    return Checkout.objects.filter(user=user).order_by("-updated_at", "-id").first()


def checkout_lines(*, checkout: Checkout) -> QuerySet[CheckoutLine]:
    return checkout.lines.select_related(
        "variant__product__producer", "variant__product__category", "variant__stock"
    ).order_by("created_at", "id")


def checkout_quantity(*, checkout: Checkout | None) -> int:
    """How many units the cart holds (the header's cart count): one query."""
    if checkout is None:
        return 0
    return checkout.lines.aggregate(total=Sum("quantity"))["total"] or 0


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
    def variant(self) -> ProductVariant:
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
    def chosen_shipping(self) -> int:
        """Shipping as the checkout's totals show it: nothing until a delivery method is chosen."""
        return self.shipping if self.checkout.delivery_method else 0

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


@dataclass(frozen=True)
class PaymentGateway:
    """A payment method under the gateway ID a Saleor storefront knows it by, with its public settings."""

    id: str
    method: str
    name: str
    config: dict[str, str]


GATEWAY_IDS = {
    PaymentMethod.COD.value: "ocop.payments.cod",
    PaymentMethod.BANK_TRANSFER.value: "ocop.payments.vietqr",
    PaymentMethod.CARD.value: "app.saleor.stripe",  # Saleor's Stripe app: storefronts test for this ID
}


def payment_gateways_available() -> list[PaymentGateway]:
    """The methods payment_methods_available() allows, each with the settings a client may see (never a
    secret: the Stripe publishable key, the receiving bank account printed on every VietQR code)."""
    configs = {
        PaymentMethod.COD.value: {},
        PaymentMethod.BANK_TRANSFER.value: {
            "bankBin": settings.VIETQR_BANK_BIN,
            "accountNumber": settings.VIETQR_ACCOUNT_NUMBER,
            "accountName": settings.VIETQR_ACCOUNT_NAME,
        },
        PaymentMethod.CARD.value: {"stripePublishableKey": settings.STRIPE_PUBLISHABLE_KEY},
    }
    return [
        PaymentGateway(
            id=GATEWAY_IDS[method],
            method=method,
            name=str(PaymentMethod(method).label),
            config=configs[method],
        )
        for method in payment_methods_available()
    ]
