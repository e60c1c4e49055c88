"""Saleor's order fields the storefronts' account pages and order confirmation read (issue 13): status and
payment status for display, the bought variant and its thumbnail, and fulfilments.

They are mixed into `Order` and `OrderLine` (marketplace/graphql/checkout/types.py), so the checkout's own
fields and these stay in separate files. A fulfilment is one shipped producer part: an order is split per
producer and each producer ships their part on their own."""

import graphene
from django.conf import settings

from marketplace.catalog.models import Channel as ChannelModel
from marketplace.checkout.models import DeliveryMethod as DeliveryMethodChoice
from marketplace.checkout.selectors import DeliveryOption
from marketplace.graphql.core.types import (
    Image,
    Money,
    ThumbnailFormatEnum,
    absolute_media_url,
    money,
    taxed_money,
)
from marketplace.graphql.order.dataloaders import OrderedVariantByIdLoader, visible_product
from marketplace.graphql.product.dataloaders import ImagesByProductIdLoader
from marketplace.graphql.product.types import Channel, ProductVariant
from marketplace.orders.models import OrderPart, OrderStatus, PaymentState


class PaymentChargeStatusEnum(graphene.Enum):
    NOT_CHARGED = "NOT_CHARGED"
    PENDING = "PENDING"
    PARTIALLY_CHARGED = "PARTIALLY_CHARGED"
    FULLY_CHARGED = "FULLY_CHARGED"
    PARTIALLY_REFUNDED = "PARTIALLY_REFUNDED"
    FULLY_REFUNDED = "FULLY_REFUNDED"
    REFUSED = "REFUSED"
    CANCELLED = "CANCELLED"


PAYMENT_STATUS = {
    PaymentState.UNPAID: PaymentChargeStatusEnum.NOT_CHARGED,
    PaymentState.PAID: PaymentChargeStatusEnum.FULLY_CHARGED,
    PaymentState.REFUNDED: PaymentChargeStatusEnum.FULLY_REFUNDED,
}


class FulfillmentStatus(graphene.Enum):
    FULFILLED = "FULFILLED"
    REFUNDED = "REFUNDED"
    RETURNED = "RETURNED"
    REPLACED = "REPLACED"
    REFUNDED_AND_RETURNED = "REFUNDED_AND_RETURNED"
    CANCELED = "CANCELED"
    WAITING_FOR_APPROVAL = "WAITING_FOR_APPROVAL"


class FulfillmentLine(graphene.ObjectType):
    id = graphene.ID(required=True)
    quantity = graphene.Int(required=True)
    order_line = graphene.Field("marketplace.graphql.checkout.types.OrderLine")

    class Meta:
        description = "A line of a shipped producer part."

    @staticmethod
    def resolve_id(root, info):
        return graphene.relay.Node.to_global_id("FulfillmentLine", root.pk)

    @staticmethod
    def resolve_order_line(root, info):
        return root


class Fulfillment(graphene.ObjectType):
    id = graphene.ID(required=True)
    fulfillment_order = graphene.Int(required=True, description="1, 2, … in the order parts were shipped.")
    status = graphene.Field(FulfillmentStatus, required=True)
    status_display = graphene.String()
    tracking_number = graphene.String(required=True)
    created = graphene.DateTime(required=True, description="When the producer shipped the part.")
    lines = graphene.List(graphene.NonNull(FulfillmentLine))

    class Meta:
        description = (
            "One producer's part of the order, shipped (OCOP: a fulfilment per shipped producer part)."
        )

    @staticmethod
    def resolve_id(root, info):
        return graphene.relay.Node.to_global_id("Fulfillment", root.pk)

    @staticmethod
    def resolve_status(root, info):
        return (
            FulfillmentStatus.REFUNDED if root.status == OrderStatus.REFUNDED else FulfillmentStatus.FULFILLED
        )

    @staticmethod
    def resolve_status_display(root, info):
        return root.get_status_display()

    @staticmethod
    def resolve_tracking_number(root, info):
        return root.tracking_code

    @staticmethod
    def resolve_created(root, info):
        return root.shipped_at

    @staticmethod
    def resolve_lines(root, info):
        return list(root.lines.all())


def _charged(order) -> int:
    return order.total_amount if order.payment_state == PaymentState.PAID else 0


def default_channel(info):
    """The one channel, read once per request (orders and checkouts all name it)."""
    context = info.context
    if not hasattr(context, "_default_channel"):
        context._default_channel = ChannelModel.objects.filter(slug=settings.DEFAULT_CHANNEL_SLUG).first()
    return context._default_channel


class OrderDetailsFields(graphene.ObjectType):
    status_display = graphene.String(required=True, description="The order's status, in the site's language.")
    payment_status = graphene.Field(PaymentChargeStatusEnum, required=True)
    payment_status_display = graphene.String(required=True)
    fulfillments = graphene.List(graphene.NonNull(Fulfillment), required=True)
    billing_address = graphene.Field(
        "marketplace.graphql.checkout.types.Address",
        description="Always null: orders are paid on delivery, by transfer or by card; no billing address.",
    )

    channel = graphene.Field(Channel, required=True, description="Always default-channel (VND).")
    delivery_method = graphene.Field(
        "marketplace.graphql.checkout.types.DeliveryMethod",
        description="The standard delivery every order ships with; its price is the order's shipping.",
    )
    total_charged = graphene.Field(Money, required=True, description="The total once paid, else 0.")
    total_captured = graphene.Field(
        Money, required=True, deprecation_reason="Use `totalCharged` instead.", description="As totalCharged."
    )
    total_balance = graphene.Field(
        Money, required=True, description="Charged minus total: minus the total until paid, 0 once paid."
    )

    @staticmethod
    def resolve_billing_address(root, info):
        return None

    @staticmethod
    def resolve_channel(root, info):
        return default_channel(info)

    @staticmethod
    def resolve_delivery_method(root, info):
        # An order keeps what it was charged, not the quote's days: the method with the amount paid.
        method = DeliveryMethodChoice.STANDARD
        return DeliveryOption(
            code=method.value,
            name=str(method.label),
            price=root.shipping_amount,
            minimum_days=None,
            maximum_days=None,
        )

    @staticmethod
    def resolve_total_charged(root, info):
        return money(_charged(root))

    @staticmethod
    def resolve_total_captured(root, info):
        return money(_charged(root))

    @staticmethod
    def resolve_total_balance(root, info):
        return money(_charged(root) - root.total_amount)

    @staticmethod
    def resolve_status_display(root, info):
        return root.get_status_display()

    @staticmethod
    def resolve_payment_status(root, info):
        return PAYMENT_STATUS[PaymentState(root.payment_state)]

    @staticmethod
    def resolve_payment_status_display(root, info):
        return root.get_payment_state_display()

    @staticmethod
    def resolve_fulfillments(root, info):
        shipped: list[OrderPart] = [part for part in root.parts.all() if part.shipped_at is not None]
        shipped.sort(key=lambda part: (part.shipped_at, part.pk))
        for number, part in enumerate(shipped, start=1):
            setattr(part, "fulfillment_order", number)  # noqa: B010 - read by Fulfillment.fulfillmentOrder
        return shipped


class OrderLineDetailsFields(graphene.ObjectType):
    variant = graphene.Field(
        ProductVariant, description="The bought variant; null once its product is no longer sold."
    )
    thumbnail = graphene.Field(
        Image,
        size=graphene.Int(description="Ignored: images are served at their stored size."),
        format=graphene.Argument(ThumbnailFormatEnum, description="Ignored."),
    )
    undiscounted_unit_price = graphene.Field("marketplace.graphql.core.types.TaxedMoney", required=True)

    @staticmethod
    def resolve_variant(root, info):
        if root.variant_id is None:
            return None
        variant = OrderedVariantByIdLoader.for_context(info.context).load(root.variant_id)
        if variant is None or visible_product(info.context, variant) is None:
            return None
        return variant

    @staticmethod
    def resolve_thumbnail(root, info, size=None, format=None):
        variant = OrderLineDetailsFields.resolve_variant(root, info)
        if variant is None:
            return None
        images = ImagesByProductIdLoader.for_context(info.context).load(variant.product_id)
        if not images:
            return None
        return {
            "url": absolute_media_url(info, images[0].image.name),
            "alt": images[0].alt or root.product_name,
        }

    @staticmethod
    def resolve_undiscounted_unit_price(root, info):
        return taxed_money(root.unit_price_amount)
