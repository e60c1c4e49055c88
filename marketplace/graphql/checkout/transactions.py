"""Saleor's transactions API over our payment methods: transactionInitialize on a checkout chooses cash on
delivery or a VietQR bank transfer, or (Saleor's Stripe app gateway) creates the checkout's Stripe
PaymentIntent and answers its client secret as the storefronts' Stripe components expect
(`data.paymentIntent.stripeClientSecret`); transactionProcess asks Stripe how the card payment stands, and
once checkoutComplete has made the order answers the transfer's QR payload (its reference is the order
number, which exists only then)."""

import graphene
from django.conf import settings
from graphql_relay import from_global_id

from marketplace.checkout import services
from marketplace.checkout.models import Checkout as CheckoutModel
from marketplace.checkout.selectors import GATEWAY_IDS, payment_gateways_available
from marketplace.graphql.checkout.mutations import PaymentGatewayToInitialize, _checkout
from marketplace.graphql.checkout.types import checkout_total
from marketplace.graphql.core.errors import InputError
from marketplace.graphql.core.mutations import BaseMutation, error_type
from marketplace.graphql.core.types import JSON, Money, PositiveDecimal, money
from marketplace.orders.models import Order as OrderModel
from marketplace.orders.models import PaymentState
from marketplace.payments.models import Payment, PaymentMethod, PaymentStatus
from marketplace.payments.services import card_payment_sync, checkout_card_payment_start
from marketplace.payments.vietqr import order_reference, vietqr_payload_for_order


class TransactionActionEnum(graphene.Enum):
    CHARGE = "charge"
    REFUND = "refund"
    CANCEL = "cancel"


class TransactionEventTypeEnum(graphene.Enum):
    INFO = "info"
    CHARGE_REQUEST = "charge_request"
    CHARGE_ACTION_REQUIRED = "charge_action_required"
    CHARGE_SUCCESS = "charge_success"
    CHARGE_FAILURE = "charge_failure"


class TransactionFlowStrategyEnum(graphene.Enum):
    AUTHORIZATION = "authorization"
    CHARGE = "charge"


class TransactionItem(graphene.ObjectType):
    id = graphene.ID(required=True, description="TransactionItem:<checkout token>, for transactionProcess.")
    name = graphene.String(required=True, description="The payment method.")
    psp_reference = graphene.String(required=True, description="The bank transfer's reference, once known.")
    actions = graphene.List(graphene.NonNull(TransactionActionEnum), required=True)
    charged_amount = graphene.Field(Money, required=True)
    authorized_amount = graphene.Field(Money, required=True)


class TransactionEvent(graphene.ObjectType):
    message = graphene.String(required=True)
    type = graphene.Field(TransactionEventTypeEnum)
    psp_reference = graphene.String(required=True)
    amount = graphene.Field(Money, required=True)


class TransactionInitializeErrorCode(graphene.Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"


class TransactionProcessErrorCode(graphene.Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"


TransactionInitializeError = error_type("TransactionInitializeError", TransactionInitializeErrorCode)
TransactionProcessError = error_type("TransactionProcessError", TransactionProcessErrorCode)
MESSAGES = {
    PaymentMethod.COD.value: "Thanh toán tiền mặt khi nhận hàng.",
    PaymentMethod.BANK_TRANSFER.value: "Chuyển khoản theo mã VietQR; mã có số đơn hàng sau khi đặt hàng.",
    PaymentMethod.CARD.value: "Xác nhận thanh toán thẻ với Stripe.",
}


def _answer(
    *,
    token,
    method: str,
    amount: int,
    paid: bool,
    reference: str = "",
    data: dict,
    failure: str = "",
) -> dict:
    if paid:
        event_type, message = TransactionEventTypeEnum.CHARGE_SUCCESS, "Đã thanh toán."
    elif failure:
        event_type, message = TransactionEventTypeEnum.CHARGE_FAILURE, failure
    elif method in (PaymentMethod.BANK_TRANSFER.value, PaymentMethod.CARD.value):
        event_type, message = TransactionEventTypeEnum.CHARGE_ACTION_REQUIRED, MESSAGES[method]
    else:
        event_type, message = TransactionEventTypeEnum.INFO, MESSAGES[method]
    return {
        "transaction": {
            "id": graphene.relay.Node.to_global_id("TransactionItem", str(token)),
            "name": method,
            "psp_reference": reference,
            "actions": [],
            "charged_amount": money(amount if paid else 0),
            "authorized_amount": money(0),
        },
        "transaction_event": {
            "message": message,
            "type": event_type,
            "psp_reference": reference,
            "amount": money(amount),
        },
        "data": {"paymentMethod": method, **data},
    }


def _bank_account() -> dict:
    gateway = next(g for g in payment_gateways_available() if g.method == PaymentMethod.BANK_TRANSFER.value)
    return dict(gateway.config)


class TransactionInitialize(BaseMutation):
    transaction = graphene.Field(TransactionItem)
    transaction_event = graphene.Field(TransactionEvent)
    data = JSON(
        description="For VietQR: the receiving account and the amount; for Stripe: paymentIntent."
        "stripeClientSecret and stripePublishableKey."
    )
    errors = graphene.List(graphene.NonNull(TransactionInitializeError), required=True)

    class Arguments:
        id = graphene.ID(required=True, description="The checkout's ID.")
        payment_gateway = PaymentGatewayToInitialize(required=True)
        action = TransactionFlowStrategyEnum(description="Ignored: every method charges (no authorization).")
        amount = PositiveDecimal(description="Ignored: the checkout's total is what is paid.")

    class Meta:
        description = (
            "Chooses how the checkout is paid: cash on delivery, a VietQR bank transfer, or a card through "
            "Stripe (creates the checkout's PaymentIntent; `data.paymentIntent.stripeClientSecret`)."
        )

    error_codes = TransactionInitializeErrorCode
    field_map = {"payment_method": "paymentGateway", "payment": "paymentGateway"}

    @classmethod
    def perform(cls, root, info, **arguments):
        id, payment_gateway = arguments["id"], arguments["payment_gateway"]  # action, amount: ignored
        checkout = _checkout(id)
        methods = {GATEWAY_IDS[g.method]: g.method for g in payment_gateways_available()}
        method = methods.get(payment_gateway["id"])
        if method is None:
            raise InputError("paymentGateway", "Unknown payment gateway.", "NOT_FOUND")
        checkout = services.checkout_payment_method_update(
            checkout=checkout, payment_method=method, by=info.context.user
        )
        total = checkout_total(info, checkout)
        if method == PaymentMethod.CARD.value:
            payment = checkout_card_payment_start(
                checkout_token=checkout.token, amount=total, by=info.context.user
            )
            return cls(**_card_answer(token=checkout.token, payment=payment), errors=[])
        data = {**_bank_account(), "amount": total} if method == PaymentMethod.BANK_TRANSFER.value else {}
        return cls(
            **_answer(token=checkout.token, method=method, amount=total, paid=False, data=data), errors=[]
        )


class TransactionProcess(BaseMutation):
    transaction = graphene.Field(TransactionItem)
    transaction_event = graphene.Field(TransactionEvent)
    data = JSON(
        description="For VietQR once ordered: qrPayload (EMVCo text for any QR encoder) and reference."
    )
    errors = graphene.List(graphene.NonNull(TransactionProcessError), required=True)

    class Arguments:
        id = graphene.ID(required=True, description="The transaction's ID.")
        data = JSON(description="Ignored.")

    class Meta:
        description = "The state of a checkout's payment; after checkoutComplete, the VietQR code's payload."

    error_codes = TransactionProcessErrorCode

    @classmethod
    def perform(cls, root, info, **arguments):
        id = arguments["id"]  # data: ignored
        try:
            type_name, token = from_global_id(id)
        except Exception as exc:  # graphql_relay raises assorted errors for non-base64 input
            raise InputError("id", f"Couldn't resolve id: {id}.", "GRAPHQL_ERROR") from exc
        from marketplace.checkout.selectors import checkout_by_token, parse_token

        parsed = parse_token(token) if type_name == "TransactionItem" else None
        if parsed is None:
            raise InputError("id", f"Couldn't resolve id: {id}.", "GRAPHQL_ERROR")
        card = _card_payment(parsed)
        if card is not None:
            card = card_payment_sync(payment=card, by=info.context.user)
            return cls(**_card_answer(token=parsed, payment=card), errors=[])
        order = OrderModel.objects.filter(checkout_token=parsed).first()
        if order is not None:
            paid = order.payment_state == PaymentState.PAID
            extra: dict = {}
            reference = ""
            if order.payment_method == PaymentMethod.BANK_TRANSFER.value:
                reference = order_reference(order)
                extra = {"qrPayload": vietqr_payload_for_order(order), "reference": reference}
                extra |= {**_bank_account(), "amount": order.total_amount}
            return cls(
                **_answer(
                    token=parsed,
                    method=order.payment_method,
                    amount=order.total_amount,
                    paid=paid,
                    reference=reference,
                    data=extra,
                ),
                errors=[],
            )
        checkout: CheckoutModel | None = checkout_by_token(token=parsed)
        if checkout is None:
            raise InputError("id", f"Couldn't resolve to a node: {id}", "NOT_FOUND")
        total = checkout_total(info, checkout)
        extra = (
            {**_bank_account(), "amount": total}
            if checkout.payment_method == PaymentMethod.BANK_TRANSFER.value
            else {}
        )
        return cls(
            **_answer(token=parsed, method=checkout.payment_method, amount=total, paid=False, data=extra),
            errors=[],
        )


def _card_payment(token) -> Payment | None:
    """The card payment started on this checkout (the latest), whether or not it has its order yet."""
    return (
        Payment.objects.filter(checkout_token=token, method=PaymentMethod.CARD)
        .exclude(stripe_payment_intent_id=None)
        .order_by("-id")
        .first()
    )


def _card_answer(*, token, payment: Payment) -> dict:
    paid = payment.status == PaymentStatus.SUCCEEDED
    failure = ""
    if payment.status == PaymentStatus.FAILED:
        failure = payment.failure_message or "Thanh toán thẻ thất bại."
    data = {
        "paymentIntent": {"stripeClientSecret": "" if paid else payment.stripe_client_secret},
        "stripePublishableKey": settings.STRIPE_PUBLISHABLE_KEY,
    }
    return _answer(
        token=token,
        method=PaymentMethod.CARD.value,
        amount=payment.amount,
        paid=paid,
        reference=payment.stripe_payment_intent_id or "",
        data=data,
        failure=failure,
    )


def order_transactions(info, order: OrderModel) -> list[dict]:
    """Order.transactions: the order's payments (prefetched by orders.selectors), oldest first."""
    items = []
    for payment in sorted(order.payments.all(), key=lambda item: item.pk):
        paid = payment.status == PaymentStatus.SUCCEEDED or (
            payment.method != PaymentMethod.CARD and order.payment_state == PaymentState.PAID
        )
        token = payment.checkout_token or order.checkout_token or order.token
        items.append(
            {
                "id": graphene.relay.Node.to_global_id("TransactionItem", str(token)),
                "name": payment.method,
                "psp_reference": payment.stripe_payment_intent_id or "",
                "actions": [],
                "charged_amount": money(payment.amount if paid else 0),
                "authorized_amount": money(0),
            }
        )
    return items


class TransactionMutations(graphene.ObjectType):
    transaction_initialize = TransactionInitialize.Field()
    transaction_process = TransactionProcess.Field()
