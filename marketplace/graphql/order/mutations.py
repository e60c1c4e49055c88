"""Staff order mutations with Saleor's names, on marketplace.orders.services (the cancel the admin uses)."""

import graphene

from marketplace.graphql.checkout.types import Order
from marketplace.graphql.core.auth import require_staff_permission
from marketplace.graphql.core.errors import InputError
from marketplace.graphql.core.ids import decode_id
from marketplace.graphql.core.mutations import BaseMutation, error_type
from marketplace.orders.models import Order as OrderModel
from marketplace.orders.policies import STAFF_CANCEL_PERMISSION
from marketplace.orders.selectors import order_by_token
from marketplace.payments.services import order_cancel_with_payment

# Saleor's orderCancel has no reason; staff cancels are recorded with this one unless a reason is given.
DEFAULT_API_REASON = "Hủy bởi quản trị viên qua API"


class OrderErrorCode(graphene.Enum):
    """A subset of Saleor's OrderErrorCode."""

    CANNOT_CANCEL_ORDER = "cannot_cancel_order"
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    REQUIRED = "required"


OrderError = error_type("OrderError", OrderErrorCode)


class OrderCancel(BaseMutation):
    order = graphene.Field(Order)
    errors = graphene.List(graphene.NonNull(OrderError), required=True)
    error_codes = OrderErrorCode
    code_map = {
        "INVALID_TRANSITION": "CANNOT_CANCEL_ORDER",
        "ALREADY_PAID": "CANNOT_CANCEL_ORDER",
        "GATEWAY_ERROR": "CANNOT_CANCEL_ORDER",
    }

    class Arguments:
        id = graphene.ID(required=True, description="ID of the order to cancel.")
        reason = graphene.String(
            description=f"Why (OCOP addition; kept in the order's history). Default: “{DEFAULT_API_REASON}”."
        )

    class Meta:
        description = (
            "Staff: cancel an order before anything shipped; its units go back to stock. A paid order is "
            "cancelled too and a refund is recorded as due."
        )

    @classmethod
    def perform(cls, root, info, id, reason=None):
        user = require_staff_permission(info, STAFF_CANCEL_PERMISSION)
        token = decode_id(id, "Order", field="id", as_uuid=True)
        order = OrderModel.objects.filter(token=token).first()
        if order is None:
            raise InputError("id", f"Couldn't resolve to a node: {id}", "NOT_FOUND")
        order_cancel_with_payment(order=order, by=user, reason=reason or DEFAULT_API_REASON)
        return cls(order=order_by_token(token=order.token), errors=[])


class OrderMutations(graphene.ObjectType):
    order_cancel = OrderCancel.Field()
