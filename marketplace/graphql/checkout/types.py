"""Checkout and Order with Saleor's names. Lines of products that are no longer visible to shoppers are
left out of `lines` and the totals (no hidden product is ever served); `unavailableLines` names them by
line ID and reason only, so the client can delete them."""

import graphene
from django.conf import settings

from marketplace.checkout.error_codes import CheckoutErrorCode as CheckoutProblem
from marketplace.checkout.models import Checkout as CheckoutModel
from marketplace.checkout.models import CheckoutLine as CheckoutLineModel
from marketplace.checkout.selectors import checkout_summary, shipping_fee
from marketplace.core.provinces import BY_CODE
from marketplace.graphql.core.connection import CountableConnection
from marketplace.graphql.core.types import CountryDisplay, TaxedMoney, country, taxed_money
from marketplace.graphql.order.types import OrderDetailsFields, OrderLineDetailsFields
from marketplace.graphql.product.dataloaders import prime_products
from marketplace.graphql.product.types import Channel, ProductVariant
from marketplace.orders.models import Order as OrderModel
from marketplace.orders.models import OrderLine as OrderLineModel


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
    TOO_MANY_OPEN_ORDERS = "too_many_open_orders"
    ZERO_QUANTITY = "zero_quantity"


class Address(graphene.ObjectType):
    id = graphene.ID(description="ID of a saved address (the address book); null on checkouts and orders.")
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


def address_of(record) -> dict | None:
    if not (record.full_name or record.street or record.province):
        return None
    province = BY_CODE.get(record.province)
    return {
        "first_name": record.full_name,
        "last_name": "",
        "company_name": "",
        "street_address_1": record.street,
        "street_address_2": "",
        "city": record.commune,
        "city_area": "",
        "postal_code": "",
        "country": country("VN"),
        "country_area": province.name if province else record.province,
        "phone": record.phone or None,
    }


class CheckoutLine(graphene.ObjectType):
    variant = graphene.Field(ProductVariant, required=True)
    quantity = graphene.Int(required=True)
    unit_price = graphene.Field(TaxedMoney, required=True)
    undiscounted_unit_price = graphene.Field(TaxedMoney, required=True)
    total_price = graphene.Field(TaxedMoney, required=True)
    requires_shipping = graphene.Boolean(required=True)

    class Meta:
        interfaces = (graphene.relay.Node,)

    @classmethod
    def is_type_of(cls, root, info):
        return isinstance(root, CheckoutLineModel)

    @staticmethod
    def resolve_unit_price(root, info):
        return taxed_money(root.variant.price_amount)

    @staticmethod
    def resolve_undiscounted_unit_price(root, info):
        return taxed_money(root.variant.price_amount)

    @staticmethod
    def resolve_total_price(root, info):
        return taxed_money(root.variant.price_amount * root.quantity)

    @staticmethod
    def resolve_requires_shipping(root, info):
        return True


class CheckoutUnavailableLine(graphene.ObjectType):
    id = graphene.ID(required=True, description="ID of the checkout line, for checkoutLinesDelete.")
    quantity = graphene.Int(required=True)
    code = graphene.Field(CheckoutErrorCode, required=True)
    message = graphene.String(required=True)

    class Meta:
        description = "A line whose product can no longer be bought (hidden, expired or revoked)."


class Checkout(graphene.ObjectType):
    token = graphene.UUID(required=True, description="The checkout's token.")
    email = graphene.String()
    note = graphene.String(required=True)
    channel = graphene.Field(Channel, required=True)
    created = graphene.DateTime(required=True)
    updated_at = graphene.DateTime(required=True)
    lines = graphene.List(graphene.NonNull(CheckoutLine), required=True)
    unavailable_lines = graphene.List(graphene.NonNull(CheckoutUnavailableLine), required=True)
    quantity = graphene.Int(required=True)
    subtotal_price = graphene.Field(TaxedMoney, required=True)
    shipping_price = graphene.Field(TaxedMoney, required=True, description="Per-producer flat shipping fees.")
    total_price = graphene.Field(TaxedMoney, required=True)
    shipping_address = graphene.Field(Address)
    is_shipping_required = graphene.Boolean(required=True)

    class Meta:
        interfaces = (graphene.relay.Node,)
        description = "A shopping cart on its way to an order (cash on delivery)."

    @classmethod
    def is_type_of(cls, root, info):
        return isinstance(root, CheckoutModel)

    @staticmethod
    def resolve_id(root, info):
        return str(root.token)  # the Node interface encodes it as "Checkout:<token>"

    @staticmethod
    def resolve_channel(root, info):
        from marketplace.catalog.models import Channel as ChannelModel

        return ChannelModel.objects.filter(slug=settings.DEFAULT_CHANNEL_SLUG).first()

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
            for summary in _summary(root).lines
            if summary.problem_code == CheckoutProblem.PRODUCT_UNAVAILABLE_FOR_PURCHASE.value
        ]

    @staticmethod
    def resolve_quantity(root, info):
        return sum(line.quantity for line in _visible_lines(info, root))

    @staticmethod
    def resolve_subtotal_price(root, info):
        return taxed_money(_amounts(info, root)[0])

    @staticmethod
    def resolve_shipping_price(root, info):
        return taxed_money(_amounts(info, root)[1])

    @staticmethod
    def resolve_total_price(root, info):
        subtotal, shipping = _amounts(info, root)
        return taxed_money(subtotal + shipping)

    @staticmethod
    def resolve_shipping_address(root, info):
        return address_of(root)

    @staticmethod
    def resolve_is_shipping_required(root, info):
        return True


def _summary(checkout):
    summary = getattr(checkout, "_graphql_summary", None)
    if summary is None:
        summary = checkout_summary(checkout=checkout)
        checkout._graphql_summary = summary
    return summary


def _visible_lines(info, checkout) -> list:
    lines = [
        summary.line
        for summary in _summary(checkout).lines
        if summary.problem_code != CheckoutProblem.PRODUCT_UNAVAILABLE_FOR_PURCHASE.value
    ]
    prime_products(info.context, [line.variant.product for line in lines])
    return lines


def _amounts(info, checkout) -> tuple[int, int]:
    by_producer: dict[int, int] = {}
    for line in _visible_lines(info, checkout):
        producer_id = line.variant.product.producer_id
        by_producer[producer_id] = by_producer.get(producer_id, 0) + line.variant.price_amount * line.quantity
    subtotal = sum(by_producer.values())
    return subtotal, sum(shipping_fee(amount) for amount in by_producer.values())


class OrderStatus(graphene.Enum):
    UNCONFIRMED = "unconfirmed"
    CONFIRMED = "confirmed"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


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

    @staticmethod
    def resolve_unit_price(root, info):
        return taxed_money(root.unit_price_amount)

    @staticmethod
    def resolve_total_price(root, info):
        return taxed_money(root.unit_price_amount * root.quantity)


class Order(OrderDetailsFields, graphene.ObjectType):
    number = graphene.String(required=True)
    token = graphene.UUID(required=True)
    created = graphene.DateTime(required=True)
    status = graphene.Field(OrderStatus, required=True)
    user_email = graphene.String()
    payment_method = graphene.String(required=True, description="cod, bank_transfer or card.")
    is_paid = graphene.Boolean(required=True)
    lines = graphene.List(graphene.NonNull(OrderLine), required=True)
    subtotal = graphene.Field(TaxedMoney, required=True)
    shipping_price = graphene.Field(TaxedMoney, required=True)
    total = graphene.Field(TaxedMoney, required=True)
    shipping_address = graphene.Field(Address)

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
        return OrderStatus.get(root.status)

    @staticmethod
    def resolve_user_email(root, info):
        return root.email

    @staticmethod
    def resolve_is_paid(root, info):
        return root.payment_state == "paid"

    @staticmethod
    def resolve_lines(root, info):
        # orders.selectors prefetches parts and their lines.
        return [line for part in root.parts.all() for line in part.lines.all()]

    @staticmethod
    def resolve_subtotal(root, info):
        return taxed_money(root.subtotal_amount)

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
