"""Checkout and Order with Saleor's names. Lines of products that are no longer visible to shoppers are
left out of `lines` and the totals (no hidden product is ever served); `unavailableLines` names them by
line ID and reason only, so the client can delete them."""

from decimal import Decimal

import graphene
from django.conf import settings

from marketplace.checkout.error_codes import CheckoutErrorCode as DomainErrorCode
from marketplace.checkout.models import Checkout as CheckoutModel
from marketplace.checkout.models import CheckoutLine as CheckoutLineModel
from marketplace.checkout.selectors import (
    DeliveryOption,
    checkout_destination,
    checkout_summary,
    delivery_options,
    parts_shipping,
    payment_gateways_available,
)
from marketplace.core.provinces import BY_CODE, PROVINCES
from marketplace.graphql.core.connection import CountableConnection
from marketplace.graphql.core.metadata import ObjectWithMetadata
from marketplace.graphql.core.types import (
    CountryDisplay,
    Money,
    PositiveDecimal,
    TaxedMoney,
    country,
    money,
    taxed_money,
)
from marketplace.graphql.order.types import OrderDetailsFields, OrderLineDetailsFields, default_channel
from marketplace.graphql.product.dataloaders import prime_products, prime_variants
from marketplace.graphql.product.types import Channel, ProductVariant
from marketplace.orders.models import Order as OrderModel
from marketplace.orders.models import OrderLine as OrderLineModel
from marketplace.payments.selectors import card_charged_for_checkout
from marketplace.shipping.selectors import ShippingQuote, ShippingTable, shipping_table


class CheckoutErrorCode(graphene.Enum):
    EMAIL_NOT_SET = "email_not_set"
    EMPTY = "empty"
    GRAPHQL_ERROR = "graphql_error"
    INSUFFICIENT_STOCK = "insufficient_stock"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    PAYMENT_METHOD_UNAVAILABLE = "payment_method_unavailable"
    PRODUCT_UNAVAILABLE_FOR_PURCHASE = "product_unavailable_for_purchase"
    QUANTITY_GREATER_THAN_LIMIT = "quantity_greater_than_limit"
    REQUIRED = "required"
    SHIPPING_ADDRESS_NOT_SET = "shipping_address_not_set"
    SHIPPING_METHOD_NOT_SET = "shipping_method_not_set"
    DELIVERY_METHOD_NOT_APPLICABLE = "delivery_method_not_applicable"
    TOO_MANY_OPEN_ORDERS = "too_many_open_orders"
    VOUCHER_NOT_APPLICABLE = "voucher_not_applicable"
    CHECKOUT_NOT_FULLY_PAID = "checkout_not_fully_paid"
    ZERO_QUANTITY = "zero_quantity"


class Address(graphene.ObjectType):
    id = graphene.ID(required=True, description="Names the record and which of its addresses this is.")
    first_name = graphene.String(required=True, description="Recipient's full name.")
    last_name = graphene.String(required=True)
    company_name = graphene.String(required=True)
    street_address_1 = graphene.String(required=True)
    street_address_2 = graphene.String(required=True)
    city = graphene.String(required=True, description="Commune or ward.")
    city_area = graphene.String(required=True)
    postal_code = graphene.String(required=True)
    country = graphene.Field(CountryDisplay, required=True)
    country_area = graphene.String(required=True, description="Province (one of the 34).")
    phone = graphene.String()

    class Meta:
        description = "A Vietnamese delivery address (province, commune, street) in Saleor's shape."


def address_of(record, prefix: str = "") -> dict | None:
    """The address stored in `record`'s fields (`billing_full_name`, … with prefix "billing_")."""

    def value(name: str) -> str:
        return getattr(record, prefix + name)

    if not (value("full_name") or value("street") or value("province")):
        return None
    province = BY_CODE.get(value("province"))
    kind = prefix.rstrip("_") or "shipping"
    return {
        # A checkout's or order's address has no row of its own: its ID names the record and which address.
        # A saved address (the address book, no token) gets its row's ID from the account types.
        "id": graphene.relay.Node.to_global_id(
            "Address", f"{type(record).__name__}:{getattr(record, 'token', record.pk)}:{kind}"
        ),
        "first_name": value("full_name"),
        "last_name": "",
        "company_name": "",
        "street_address_1": value("street"),
        "street_address_2": "",
        "city": value("commune"),
        "city_area": "",
        "postal_code": "",
        "country": country("VN"),
        "country_area": province.name if province else value("province"),
        "phone": value("phone") or None,
    }


class ChoiceValue(graphene.ObjectType):
    raw = graphene.String(description="The value to send (as countryArea).")
    verbose = graphene.String(description="The name to show.")


class AddressValidationData(graphene.ObjectType):
    country_code = graphene.String(required=True)
    country_name = graphene.String(required=True)
    address_format = graphene.String(required=True, description="libaddressinput's format letters.")
    address_latin_format = graphene.String(required=True)
    allowed_fields = graphene.List(graphene.NonNull(graphene.String), required=True)
    required_fields = graphene.List(graphene.NonNull(graphene.String), required=True)
    upper_fields = graphene.List(graphene.NonNull(graphene.String), required=True)
    country_area_type = graphene.String(required=True)
    country_area_choices = graphene.List(
        graphene.NonNull(ChoiceValue), required=True, description="The 34 provinces and cities."
    )
    city_type = graphene.String(required=True)
    city_choices = graphene.List(graphene.NonNull(ChoiceValue), required=True)
    city_area_type = graphene.String(required=True)
    city_area_choices = graphene.List(graphene.NonNull(ChoiceValue), required=True)
    postal_code_type = graphene.String(required=True)
    postal_code_matchers = graphene.List(graphene.NonNull(graphene.String), required=True)
    postal_code_examples = graphene.List(graphene.NonNull(graphene.String), required=True)
    postal_code_prefix = graphene.String(required=True)

    class Meta:
        description = (
            "How to fill in an address: Vietnamese addresses name a province, a commune and a street."
        )


def vietnam_address_rules() -> dict:
    """What the checkout's address services accept (marketplace.core.addresses.clean_address): the
    recipient, a phone number, one of the 34 provinces, a commune or ward and the street; no postal code."""
    return {
        "country_code": "VN",
        "country_name": country("VN")["country"],
        "address_format": "%N%n%O%n%A%n%C%n%S",
        "address_latin_format": "%N%n%O%n%A%n%C%n%S",
        "allowed_fields": [
            "firstName",
            "lastName",
            "companyName",
            "streetAddress1",
            "streetAddress2",
            "city",
            "countryArea",
            "phone",
        ],
        "required_fields": ["firstName", "streetAddress1", "city", "countryArea", "phone"],
        "upper_fields": [],
        "country_area_type": "province",
        "country_area_choices": [
            {"raw": province.name, "verbose": province.full_name} for province in PROVINCES
        ],
        "city_type": "city",
        "city_choices": [],
        "city_area_type": "district",
        "city_area_choices": [],
        "postal_code_type": "postal",
        "postal_code_matchers": [],
        "postal_code_examples": [],
        "postal_code_prefix": "",
    }


class GatewayConfigLine(graphene.ObjectType):
    field = graphene.String(required=True, description="Gateway config key.")
    value = graphene.String(description="Gateway config value for key.")


class PaymentGateway(graphene.ObjectType):
    name = graphene.String(required=True)
    id = graphene.ID(
        required=True, description="ocop.payments.cod, ocop.payments.vietqr or saleor.app.payment.stripe."
    )
    config = graphene.List(graphene.NonNull(GatewayConfigLine), required=True, description="Public settings.")
    currencies = graphene.List(graphene.NonNull(graphene.String), required=True)

    class Meta:
        description = (
            "A way to pay: cash on delivery, VietQR bank transfer or card (Stripe, when configured)."
        )

    @staticmethod
    def resolve_config(root, info):
        return [{"field": field, "value": value} for field, value in root.config.items()]

    @staticmethod
    def resolve_currencies(root, info):
        return [settings.DEFAULT_CURRENCY]


class CheckoutChargeStatusEnum(graphene.Enum):
    NONE = "none"
    PARTIAL = "partial"
    FULL = "full"
    OVERCHARGED = "overcharged"


class CheckoutAuthorizeStatusEnum(graphene.Enum):
    NONE = "none"
    PARTIAL = "partial"
    FULL = "full"


class ShippingMethod(graphene.ObjectType):
    id = graphene.ID(required=True, description="ShippingMethod:<code>, for checkoutDeliveryMethodUpdate.")
    name = graphene.String(required=True)
    description = graphene.JSONString(description="Always null.")
    minimum_delivery_days = graphene.Int()
    maximum_delivery_days = graphene.Int()
    price = graphene.Field(Money, required=True, description="The sum of each producer part's shipping fee.")
    active = graphene.Boolean(required=True)
    message = graphene.String()

    class Meta:
        description = (
            "A way to deliver the checkout: each producer ships its own part, at a flat fee per part below "
            "the free-shipping threshold."
        )

    @classmethod
    def is_type_of(cls, root, info):
        return isinstance(root, DeliveryOption)

    @staticmethod
    def resolve_id(root: DeliveryOption, info):
        return graphene.relay.Node.to_global_id("ShippingMethod", root.code)

    @staticmethod
    def resolve_minimum_delivery_days(root: DeliveryOption, info):
        return root.minimum_days

    @staticmethod
    def resolve_maximum_delivery_days(root: DeliveryOption, info):
        return root.maximum_days

    @staticmethod
    def resolve_price(root: DeliveryOption, info):
        return money(root.price)

    @staticmethod
    def resolve_active(root, info):
        return True

    @staticmethod
    def resolve_message(root, info):
        return None


class Warehouse(graphene.ObjectType):
    id = graphene.ID(required=True)
    name = graphene.String(required=True)

    class Meta:
        description = "A pickup point. None exist: producers ship every order (kept for Saleor's union)."

    @classmethod
    def is_type_of(cls, root, info):
        return False


class DeliveryMethod(graphene.Union):
    class Meta:
        types = (Warehouse, ShippingMethod)
        description = "The delivery method chosen for a checkout."


class Delivery(graphene.ObjectType):
    id = graphene.ID(required=True)
    shipping_method = graphene.Field(ShippingMethod)

    class Meta:
        description = "The delivery chosen for a checkout, with its current price."


class CheckoutLine(graphene.ObjectType):
    variant = graphene.Field(ProductVariant, required=True)
    quantity = graphene.Int(required=True)
    unit_price = graphene.Field(TaxedMoney, required=True)
    undiscounted_unit_price = graphene.Field(Money, required=True)
    total_price = graphene.Field(TaxedMoney, required=True)
    undiscounted_total_price = graphene.Field(Money, required=True)
    requires_shipping = graphene.Boolean(required=True)

    class Meta:
        interfaces = (graphene.relay.Node,)

    @classmethod
    def is_type_of(cls, root, info):
        return isinstance(root, CheckoutLineModel)

    @staticmethod
    def resolve_unit_price(root, info):
        return taxed_money(round(_line_total(root) / root.quantity, 2))

    @staticmethod
    def resolve_undiscounted_unit_price(root, info):
        return money(root.variant.price_amount)

    @staticmethod
    def resolve_total_price(root, info):
        return taxed_money(_line_total(root))

    @staticmethod
    def resolve_undiscounted_total_price(root, info):
        return money(root.variant.price_amount * root.quantity)

    @staticmethod
    def resolve_requires_shipping(root, info):
        return True


def _line_total(line) -> int:
    """The line's amount less its share of the promo code's discount (set by _summary)."""
    return line.variant.price_amount * line.quantity - getattr(line, "_graphql_discount", 0)


class CheckoutLineProblemInsufficientStock(graphene.ObjectType):
    available_quantity = graphene.Int(description="How many are in stock now.")
    line = graphene.Field(CheckoutLine, required=True)
    variant = graphene.Field(ProductVariant, required=True)

    class Meta:
        description = "A line asks for more than is in stock."

    @staticmethod
    def resolve_variant(root, info):
        return root["line"].variant


class CheckoutLineProblemVariantNotAvailable(graphene.ObjectType):
    line = graphene.Field(CheckoutLine, required=True)

    class Meta:
        description = "Never reported: a line of a product no longer sold is named in `unavailableLines`."


class CheckoutProblemDeliveryMethodStale(graphene.ObjectType):
    delivery = graphene.Field(Delivery, required=True)

    class Meta:
        description = "Never reported: the delivery price is computed afresh on every read."


class CheckoutProblemDeliveryMethodInvalid(graphene.ObjectType):
    delivery = graphene.Field(Delivery, required=True)

    class Meta:
        description = "Never reported: the one delivery method serves every address in Viet Nam."


class CheckoutProblem(graphene.Union):
    class Meta:
        types = (
            CheckoutProblemDeliveryMethodStale,
            CheckoutProblemDeliveryMethodInvalid,
            CheckoutLineProblemInsufficientStock,
            CheckoutLineProblemVariantNotAvailable,
        )

    @classmethod
    def resolve_type(cls, instance, info):
        return CheckoutLineProblemInsufficientStock


class CheckoutUnavailableLine(graphene.ObjectType):
    id = graphene.ID(required=True, description="ID of the checkout line, for checkoutLinesDelete.")
    quantity = graphene.Int(required=True)
    code = graphene.Field(CheckoutErrorCode, required=True)
    message = graphene.String(required=True)

    class Meta:
        description = "A line whose product can no longer be bought (hidden, expired or revoked)."


class GiftCard(graphene.ObjectType):
    id = graphene.ID(required=True)
    display_code = graphene.String(required=True)
    last_4_code_chars = graphene.String(required=True, name="last4CodeChars")
    code = graphene.String(required=True)
    current_balance = graphene.Field(Money, required=True)

    class Meta:
        description = "Never served: the marketplace sells no gift cards (`Checkout.giftCards` is empty)."


class Checkout(graphene.ObjectType):
    token = graphene.UUID(required=True, description="The checkout's token.")
    email = graphene.String()
    note = graphene.String(required=True)
    channel = graphene.Field(Channel, required=True)
    user = graphene.Field(
        "marketplace.graphql.account.types.User",
        description="The signed-in owner of the checkout; null for guests and for anyone but the owner.",
    )
    created = graphene.DateTime(required=True)
    updated_at = graphene.DateTime(required=True)
    lines = graphene.List(graphene.NonNull(CheckoutLine), required=True)
    unavailable_lines = graphene.List(graphene.NonNull(CheckoutUnavailableLine), required=True)
    quantity = graphene.Int(required=True)
    subtotal_price = graphene.Field(TaxedMoney, required=True)
    shipping_price = graphene.Field(TaxedMoney, required=True, description="Per-producer flat shipping fees.")
    total_price = graphene.Field(TaxedMoney, required=True)
    shipping_address = graphene.Field(Address)
    billing_address = graphene.Field(Address)
    is_shipping_required = graphene.Boolean(required=True)
    shipping_methods = graphene.List(
        graphene.NonNull(ShippingMethod), required=True, description="Delivery methods for this checkout."
    )
    available_shipping_methods = graphene.List(
        graphene.NonNull(ShippingMethod),
        required=True,
        deprecation_reason="Use `shippingMethods` instead.",
    )
    delivery_method = graphene.Field(DeliveryMethod, description="The chosen delivery method, if any.")
    shipping_method = graphene.Field(ShippingMethod, deprecation_reason="Use `deliveryMethod` instead.")
    delivery = graphene.Field(Delivery, description="The chosen delivery, if any.")
    problems = graphene.List(
        graphene.NonNull(CheckoutProblem), description="What must be fixed before the checkout completes."
    )
    available_payment_gateways = graphene.List(
        graphene.NonNull(PaymentGateway), required=True, description="The ways this checkout can be paid."
    )
    charge_status = graphene.Field(
        CheckoutChargeStatusEnum,
        required=True,
        description="How much of the total Stripe has taken for this checkout (FULL when there is nothing "
        "to pay); cash on delivery and transfers are paid after the order exists.",
    )
    authorize_status = graphene.Field(CheckoutAuthorizeStatusEnum, required=True)
    voucher_code = graphene.String(description="The promo code applied, if any.")
    discount = graphene.Field(Money, description="What the promo code takes off the goods.")
    discount_name = graphene.String()
    translated_discount_name = graphene.String()
    gift_cards = graphene.List(
        graphene.NonNull(GiftCard), required=True, description="Always empty: no gift cards are sold."
    )

    class Meta:
        interfaces = (graphene.relay.Node, ObjectWithMetadata)
        description = (
            "A shopping cart on its way to an order. The totals include shipping once a delivery method is "
            "chosen."
        )

    @classmethod
    def is_type_of(cls, root, info):
        return isinstance(root, CheckoutModel)

    @staticmethod
    def resolve_id(root, info):
        return str(root.token)  # the Node interface encodes it as "Checkout:<token>"

    @staticmethod
    def resolve_email(root, info):
        return root.email or None

    @staticmethod
    def resolve_channel(root, info):
        return default_channel(info)

    @staticmethod
    def resolve_user(root, info):
        viewer = info.context.user
        return viewer if root.user_id is not None and viewer.pk == root.user_id else None

    @staticmethod
    def resolve_created(root, info):
        return root.created_at

    @staticmethod
    def resolve_lines(root, info):
        return _visible_lines(info, root)

    @staticmethod
    def resolve_unavailable_lines(root, info):
        return [
            {
                "id": graphene.relay.Node.to_global_id("CheckoutLine", summary.line.pk),
                "quantity": summary.line.quantity,
                "code": CheckoutErrorCode.PRODUCT_UNAVAILABLE_FOR_PURCHASE,
                "message": summary.problem,
            }
            for summary in _summary(info, root).lines
            if summary.problem_code == DomainErrorCode.PRODUCT_UNAVAILABLE_FOR_PURCHASE.value
        ]

    @staticmethod
    def resolve_quantity(root, info):
        return sum(line.quantity for line in _visible_lines(info, root))

    @staticmethod
    def resolve_subtotal_price(root, info):
        return taxed_money(_amounts(info, root)[0])

    @staticmethod
    def resolve_shipping_price(root, info):
        return taxed_money(_chosen_shipping(info, root))

    @staticmethod
    def resolve_total_price(root, info):
        return taxed_money(checkout_total(info, root))

    @staticmethod
    def resolve_shipping_address(root, info):
        return address_of(root)

    @staticmethod
    def resolve_billing_address(root, info):
        return address_of(root, prefix="billing_")

    @staticmethod
    def resolve_is_shipping_required(root, info):
        return True

    @staticmethod
    def resolve_shipping_methods(root, info):
        return _delivery_options(info, root)

    @staticmethod
    def resolve_available_shipping_methods(root, info):
        return _delivery_options(info, root)

    @staticmethod
    def resolve_delivery_method(root, info):
        return _chosen(info, root)

    @staticmethod
    def resolve_shipping_method(root, info):
        return _chosen(info, root)

    @staticmethod
    def resolve_delivery(root, info):
        option = _chosen(info, root)
        return None if option is None else _delivery(root, option)

    @staticmethod
    def resolve_available_payment_gateways(root, info):
        return payment_gateways_available()

    @staticmethod
    def resolve_charge_status(root, info):
        return CheckoutChargeStatusEnum.get(_charge_status(info, root))

    @staticmethod
    def resolve_authorize_status(root, info):
        # No method authorizes without charging: covered means charged.
        status = _charge_status(info, root)
        return CheckoutAuthorizeStatusEnum.get("full" if status == "overcharged" else status)

    @staticmethod
    def resolve_voucher_code(root, info):
        return root.voucher_code or None

    @staticmethod
    def resolve_gift_cards(root, info):
        return []

    @staticmethod
    def resolve_discount(root, info):
        return money(_discount_amount(info, root))

    @staticmethod
    def resolve_discount_name(root, info):
        discount = _summary(info, root).discount
        return discount.name if discount is not None else None

    @staticmethod
    def resolve_translated_discount_name(root, info):
        return Checkout.resolve_discount_name(root, info)

    @staticmethod
    def resolve_problems(root, info):
        return [
            {"available_quantity": max(summary.available, 0), "line": summary.line}
            for summary in _summary(info, root).lines
            if summary.problem_code == DomainErrorCode.INSUFFICIENT_STOCK.value
        ]


def _shipping_table(info) -> ShippingTable:
    """The platform's rate table, read once per request whatever the number of checkouts."""
    table = getattr(info.context, "_shipping_table", None)
    if table is None:
        table = info.context._shipping_table = shipping_table()
    return table


def _summary(info, checkout):
    summary = getattr(checkout, "_graphql_summary", None)
    if summary is None:
        summary = checkout_summary(checkout=checkout, table=_shipping_table(info))
        assert summary is not None
        checkout._graphql_summary = summary
        by_line = summary.discount.by_line if summary.discount is not None else {}
        for item in summary.lines:
            setattr(item.line, "_graphql_discount", by_line.get(item.line.pk, 0))  # noqa: B010 - read by _line_total
    return summary


def _charge_status(info, checkout) -> str:
    """Saleor's rule on what Stripe has taken for this checkout (card payments made before the order)."""
    total = checkout_total(info, checkout)
    charged = card_charged_for_checkout(token=checkout.token)
    if charged > total:
        return "overcharged"
    if charged == total:
        return "full"
    return "partial" if charged else "none"


def _discount_amount(info, checkout) -> int:
    return _summary(info, checkout).discount_amount


def _visible_lines(info, checkout) -> list:
    lines = [
        summary.line
        for summary in _summary(info, checkout).lines
        if summary.problem_code != DomainErrorCode.PRODUCT_UNAVAILABLE_FOR_PURCHASE.value
    ]
    prime_products(info.context, [line.variant.product for line in lines])
    prime_variants(info.context, [line.variant for line in lines])
    return lines


def _quotes(info, checkout) -> list[ShippingQuote]:
    """The producer parts' shipping quotes of the lines still for sale, to the checkout's province (else
    the documented default); the platform's rate table is read once per request."""
    quotes = getattr(checkout, "_graphql_quotes", None)
    if quotes is None:
        lines = _visible_lines(info, checkout)
        destination = checkout_destination(checkout)
        quotes = list(parts_shipping(lines, to_province=destination, table=_shipping_table(info)).values())
        checkout._graphql_quotes = quotes
    return quotes


def _amounts(info, checkout) -> tuple[int, int]:
    """The goods after the promo code's discount (Saleor's subtotalPrice), and shipping."""
    # Shipping follows each producer's goods before the discount (the free-shipping threshold too).
    quotes = _quotes(info, checkout)
    return sum(quote.subtotal for quote in quotes) - _discount_amount(info, checkout), sum(
        quote.fee for quote in quotes
    )


def _chosen_shipping(info, checkout) -> int:
    """Shipping counts in the totals only once a delivery method is chosen (Saleor's totals do the same)."""
    return _amounts(info, checkout)[1] if checkout.delivery_method else 0


def checkout_total(info, checkout) -> int:
    """What the checkout's totalPrice shows."""
    return _amounts(info, checkout)[0] + _chosen_shipping(info, checkout)


def _delivery_options(info, checkout) -> list[DeliveryOption]:
    return delivery_options(quotes=_quotes(info, checkout))


def _delivery(checkout, option: DeliveryOption) -> dict:
    return {
        "id": graphene.relay.Node.to_global_id("Delivery", f"{checkout.token}:{option.code}"),
        "shipping_method": option,
    }


def checkout_deliveries(info, checkout) -> list[dict]:
    """Every delivery the checkout may choose (deliveryOptionsCalculate), priced now."""
    return [_delivery(checkout, option) for option in _delivery_options(info, checkout)]


def _chosen(info, checkout) -> DeliveryOption | None:
    if not checkout.delivery_method:
        return None
    return next(
        (option for option in _delivery_options(info, checkout) if option.code == checkout.delivery_method),
        None,
    )


class OrderStatus(graphene.Enum):
    """Saleor's order statuses. Ours map onto them (statusDisplay names ours): unconfirmed → UNCONFIRMED,
    confirmed → UNFULFILLED, shipped and delivered → FULFILLED, cancelled → CANCELED, refunded → RETURNED.
    DRAFT, PARTIALLY_FULFILLED, PARTIALLY_RETURNED and EXPIRED are never answered."""

    DRAFT = "draft"
    UNCONFIRMED = "unconfirmed"
    UNFULFILLED = "unfulfilled"
    PARTIALLY_FULFILLED = "partially_fulfilled"
    PARTIALLY_RETURNED = "partially_returned"
    RETURNED = "returned"
    FULFILLED = "fulfilled"
    CANCELED = "canceled"
    EXPIRED = "expired"


ORDER_STATUS = {
    "unconfirmed": OrderStatus.UNCONFIRMED,
    "confirmed": OrderStatus.UNFULFILLED,
    "shipped": OrderStatus.FULFILLED,
    "delivered": OrderStatus.FULFILLED,
    "cancelled": OrderStatus.CANCELED,
    "refunded": OrderStatus.RETURNED,
}


class OrderLine(OrderLineDetailsFields, graphene.ObjectType):
    product_name = graphene.String(required=True)
    variant_name = graphene.String(required=True)
    product_sku = graphene.String()
    quantity = graphene.Int(required=True)
    unit_price = graphene.Field(TaxedMoney, required=True)
    total_price = graphene.Field(TaxedMoney, required=True)

    class Meta:
        interfaces = (graphene.relay.Node,)

    @classmethod
    def is_type_of(cls, root, info):
        return isinstance(root, OrderLineModel)

    @staticmethod
    def resolve_product_sku(root, info):
        return root.sku

    unit_discount = graphene.Field(Money, required=True, description="The promo code's discount per unit.")
    unit_discount_value = PositiveDecimal(required=True)
    unit_discount_type = graphene.Field("marketplace.graphql.checkout.types.DiscountValueTypeEnum")

    @staticmethod
    def resolve_unit_price(root, info):
        return taxed_money(round(root.paid_amount / root.quantity, 2))

    @staticmethod
    def resolve_total_price(root, info):
        return taxed_money(root.paid_amount)

    @staticmethod
    def resolve_unit_discount(root, info):
        return money(round(root.discount_amount / root.quantity, 2))

    @staticmethod
    def resolve_unit_discount_value(root, info):
        return Decimal(root.discount_amount) / root.quantity

    @staticmethod
    def resolve_unit_discount_type(root, info):
        return DiscountValueTypeEnum.FIXED if root.discount_amount else None


class DiscountValueTypeEnum(graphene.Enum):
    FIXED = "fixed"
    PERCENTAGE = "percentage"


class OrderDiscountType(graphene.Enum):
    SALE = "sale"
    VOUCHER = "voucher"
    MANUAL = "manual"
    PROMOTION = "promotion"
    ORDER_PROMOTION = "order_promotion"


class OrderDiscount(graphene.ObjectType):
    id = graphene.ID(required=True)
    type = graphene.Field(OrderDiscountType, required=True)
    name = graphene.String()
    translated_name = graphene.String()
    value_type = graphene.Field(DiscountValueTypeEnum, required=True)
    value = PositiveDecimal(required=True, description="The amount taken off, in dong.")
    reason = graphene.String()
    amount = graphene.Field(Money, required=True, deprecation_reason="Use `total` instead.")
    total = graphene.Field(Money, required=True)

    class Meta:
        description = "The promo code's discount on an order (one voucher per order)."


class Voucher(graphene.ObjectType):
    id = graphene.ID(required=True)
    code = graphene.String(description="The code, upper-case.")
    name = graphene.String()

    class Meta:
        description = "The voucher an order used (only what the order recorded: its code and name)."


class OrderChargeStatusEnum(graphene.Enum):
    NONE = "none"
    PARTIAL = "partial"
    FULL = "full"
    OVERCHARGED = "overcharged"


class OrderAuthorizeStatusEnum(graphene.Enum):
    NONE = "none"
    PARTIAL = "partial"
    FULL = "full"


class Order(OrderDetailsFields, graphene.ObjectType):
    number = graphene.String(required=True)
    token = graphene.UUID(required=True)
    created = graphene.DateTime(required=True)
    status = graphene.Field(OrderStatus, required=True)
    user_email = graphene.String()
    payment_method = graphene.String(required=True, description="cod, bank_transfer or card.")
    is_paid = graphene.Boolean(required=True)
    charge_status = graphene.Field(
        OrderChargeStatusEnum,
        required=True,
        description="FULL once paid (card, transfer or cash collected); NONE before and after a refund.",
    )
    authorize_status = graphene.Field(OrderAuthorizeStatusEnum, required=True)
    lines = graphene.List(graphene.NonNull(OrderLine), required=True)
    subtotal = graphene.Field(TaxedMoney, required=True)
    shipping_price = graphene.Field(TaxedMoney, required=True)
    total = graphene.Field(TaxedMoney, required=True)
    shipping_address = graphene.Field(Address)
    voucher_code = graphene.String(description="The promo code the order used, if any.")
    voucher = graphene.Field(Voucher)
    discounts = graphene.List(graphene.NonNull(OrderDiscount), required=True)
    discount = graphene.Field(Money, deprecation_reason="Use `discounts` instead.")
    discount_name = graphene.String(deprecation_reason="Use `discounts` instead.")
    undiscounted_total = graphene.Field(TaxedMoney, required=True)
    transactions = graphene.List(
        graphene.NonNull("marketplace.graphql.checkout.transactions.TransactionItem"),
        required=True,
        description="The order's payments (cash on delivery, VietQR transfer or Stripe card).",
    )

    class Meta:
        interfaces = (graphene.relay.Node,)
        description = "An order (split per producer behind the scenes)."

    @classmethod
    def is_type_of(cls, root, info):
        return isinstance(root, OrderModel)

    @staticmethod
    def resolve_id(root, info):
        return str(root.token)  # encoded as "Order:<token>"

    @staticmethod
    def resolve_number(root, info):
        return root.number or ""

    @staticmethod
    def resolve_created(root, info):
        return root.created_at

    @staticmethod
    def resolve_status(root, info):
        return ORDER_STATUS[root.status]

    @staticmethod
    def resolve_user_email(root, info):
        return root.email

    @staticmethod
    def resolve_is_paid(root, info):
        return root.payment_state == "paid"

    @staticmethod
    def resolve_charge_status(root, info):
        paid = root.payment_state == "paid" or root.total_amount == 0
        return OrderChargeStatusEnum.FULL if paid else OrderChargeStatusEnum.NONE

    @staticmethod
    def resolve_authorize_status(root, info):
        paid = root.payment_state == "paid" or root.total_amount == 0
        return OrderAuthorizeStatusEnum.FULL if paid else OrderAuthorizeStatusEnum.NONE

    @staticmethod
    def resolve_lines(root, info):
        # orders.selectors prefetches parts and their lines.
        return [line for part in root.parts.all() for line in part.lines.all()]

    @staticmethod
    def resolve_subtotal(root, info):
        return taxed_money(root.subtotal_amount - root.discount_amount)

    @staticmethod
    def resolve_undiscounted_total(root, info):
        return taxed_money(root.subtotal_amount + root.shipping_amount)

    @staticmethod
    def resolve_voucher_code(root, info):
        return root.voucher_code or None

    @staticmethod
    def resolve_voucher(root, info):
        if not root.voucher_code:
            return None
        return {
            "id": graphene.relay.Node.to_global_id("Voucher", root.voucher_code),
            "code": root.voucher_code,
            "name": root.discount_name or None,
        }

    @staticmethod
    def resolve_discounts(root, info):
        if not root.discount_amount:
            return []
        return [
            {
                "id": graphene.relay.Node.to_global_id("OrderDiscount", str(root.token)),
                "type": OrderDiscountType.VOUCHER,
                "name": root.discount_name or root.voucher_code,
                "translated_name": root.discount_name or root.voucher_code,
                "value_type": DiscountValueTypeEnum.FIXED,
                "value": Decimal(root.discount_amount),
                "reason": None,
                "amount": money(root.discount_amount),
                "total": money(root.discount_amount),
            }
        ]

    @staticmethod
    def resolve_discount(root, info):
        return money(root.discount_amount) if root.discount_amount else None

    @staticmethod
    def resolve_discount_name(root, info):
        return root.discount_name or None

    @staticmethod
    def resolve_transactions(root, info):
        from marketplace.graphql.checkout.transactions import order_transactions

        return order_transactions(info, root)

    @staticmethod
    def resolve_shipping_price(root, info):
        return taxed_money(root.shipping_amount)

    @staticmethod
    def resolve_total(root, info):
        return taxed_money(root.total_amount)

    @staticmethod
    def resolve_shipping_address(root, info):
        return address_of(root)


class OrderCountableConnection(CountableConnection):
    class Meta:
        node = Order
