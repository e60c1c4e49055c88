"""Reads of carts/checkouts: lines with prices and stock, grouped per producer, problems flagged."""

import uuid
from collections.abc import Iterable
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
from marketplace.discounts.pricing import Discount, PricedLine, voucher_discount
from marketplace.discounts.selectors import Refusal, voucher_by_code, voucher_refusal
from marketplace.payments.models import PaymentMethod
from marketplace.producers.models import Producer
from marketplace.shipping.selectors import (
    ShippingQuote,
    ShippingTable,
    line_weight,
    shipping_quote,
    shipping_table,
    valid_province,
)


def checkout_destination(checkout: Checkout | None, fallback: str = "") -> str:
    """Where a checkout's parcels go for pricing: its shipping address's province once given, else the
    province the shopper chose for estimates (`fallback`), else the documented default."""
    if checkout is not None and valid_province(checkout.province):
        return checkout.province
    return valid_province(fallback) or valid_province(settings.SHIPPING_DEFAULT_PROVINCE) or "ha-noi"


def parts_shipping(
    lines: Iterable[CheckoutLine], *, to_province: str, table: ShippingTable | None = None
) -> dict[int, ShippingQuote]:
    """Each producer part's shipping quote (`shipping.selectors.shipping_quote`) for these lines (loaded as
    `checkout_lines` does, producers' thresholds included), keyed by producer id. Two queries for the
    platform's rate table unless one is given."""
    parts: dict[int, tuple[Producer, int, int]] = {}
    for line in lines:
        product = line.variant.product
        producer, subtotal, weight = parts.get(product.producer_id, (product.producer, 0, 0))
        parts[product.producer_id] = (
            producer,
            subtotal + line.variant.price_amount * line.quantity,
            weight + line_weight(line.variant.weight_grams, line.quantity),
        )
    if not parts:
        return {}
    table = (table or shipping_table()).with_producers(producer for producer, _, _ in parts.values())
    return {
        producer_id: shipping_quote(
            table=table,
            producer_id=producer_id,
            from_province=producer.province,
            to_province=to_province,
            weight_grams=weight,
            subtotal=subtotal,
        )
        for producer_id, (producer, subtotal, weight) in parts.items()
    }


@dataclass(frozen=True)
class DeliveryOption:
    """A delivery method as offered for one checkout: its price is the sum of each producer part's fee."""

    code: str
    name: str
    price: int
    minimum_days: int | None  # None: not known (an order keeps its fee, not the quote's days)
    maximum_days: int | None


def delivery_options(*, quotes: Iterable[ShippingQuote]) -> list[DeliveryOption]:
    """What the shopper may choose for a checkout whose producer parts are quoted `quotes` (nothing for an
    empty one): the price is the sum of the parts' fees, the days span the slowest part."""
    quotes = list(quotes)
    if not quotes:
        return []
    return [
        DeliveryOption(
            code=method.value,
            name=str(method.label),
            price=sum(quote.fee for quote in quotes),
            minimum_days=max(quote.days_min for quote in quotes),
            maximum_days=max(quote.days_max for quote in quotes),
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
        "variant__product__producer__shipping", "variant__product__category", "variant__stock"
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
    quote: ShippingQuote | None = None  # set by checkout_summary (None only for an empty group)

    @property
    def subtotal(self) -> int:
        return sum(line.total for line in self.lines)

    @property
    def shipping(self) -> int:
        return self.quote.fee if self.quote else 0


def priced_lines(lines: list[CheckoutLine]) -> list[PricedLine]:
    """Cart lines as the voucher rule (discounts.pricing) sees them."""
    return [
        PricedLine(
            key=line.pk,
            producer_id=line.variant.product.producer_id,
            amount=line.variant.price_amount * line.quantity,
        )
        for line in lines
    ]


def checkout_voucher(
    *, checkout: Checkout, lines: list[CheckoutLine]
) -> tuple[Discount | None, Refusal | None]:
    """The discount the checkout's promo code gives these lines now, or why it gives none. A code that
    stopped applying (expired, used up, its producer's lines removed) discounts nothing; checkoutComplete
    then refuses until it is removed."""
    if not checkout.voucher_code:
        return None, None
    voucher = voucher_by_code(code=checkout.voucher_code)
    priced = priced_lines(lines)
    refusal = voucher_refusal(voucher=voucher, lines=priced, customer_key=checkout.email)
    if voucher is None or refusal is not None:
        return None, refusal
    return voucher_discount(voucher, priced), None


@dataclass
class CheckoutSummary:
    checkout: Checkout
    lines: list[LineSummary]
    groups: list[ProducerGroup]
    discount: Discount | None = None
    to_province: str = ""

    @property
    def subtotal(self) -> int:
        return sum(group.subtotal for group in self.groups)

    @property
    def shipping(self) -> int:
        return sum(group.shipping for group in self.groups)

    @property
    def discount_amount(self) -> int:
        return self.discount.amount if self.discount is not None else 0

    @property
    def total(self) -> int:
        return self.subtotal + self.shipping - self.discount_amount

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


def checkout_summary(
    *, checkout: Checkout | None, to_province: str = "", table: ShippingTable | None = None
) -> CheckoutSummary | None:
    """Lines with prices, stock, visibility and each producer part's shipping quote (to the checkout's
    province, else `to_province`, see `checkout_destination`) in five queries whatever the number of lines
    (plus one per flagged line, to say why its product is no longer sold)."""
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
    destination = checkout_destination(checkout, to_province)
    quotes = parts_shipping(lines, to_province=destination, table=table)
    ordered_groups = [groups[key] for key in sorted(groups)]
    for group in ordered_groups:
        group.quote = quotes.get(group.producer.pk)
    buyable = [
        summary.line
        for summary in summaries
        if summary.problem_code != CheckoutErrorCode.PRODUCT_UNAVAILABLE_FOR_PURCHASE.value
    ]
    discount, _refusal = checkout_voucher(checkout=checkout, lines=buyable)
    return CheckoutSummary(
        checkout=checkout, lines=summaries, groups=ordered_groups, discount=discount, to_province=destination
    )


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
    PaymentMethod.CARD.value: "saleor.app.payment.stripe",  # Saleor's Stripe app: storefronts look for it
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
