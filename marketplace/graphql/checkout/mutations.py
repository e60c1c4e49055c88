"""Checkout mutations on marketplace.checkout.services: the same writes as the storefront's cart and
checkout form. The checkout's token (inside its global ID) is the secret that grants access, as in Saleor."""

import graphene
from graphql_relay import from_global_id

from marketplace.accounts.throttle import Throttled, promo_code_allowed
from marketplace.checkout import services
from marketplace.checkout.models import Checkout as CheckoutModel
from marketplace.checkout.models import CheckoutLine as CheckoutLineModel
from marketplace.checkout.selectors import payment_gateways_available
from marketplace.core.client_ip import client_ip
from marketplace.core.provinces import BY_CODE, province_code_for
from marketplace.graphql.checkout.types import (
    Checkout,
    CheckoutErrorCode,
    Delivery,
    Order,
    checkout_deliveries,
)
from marketplace.graphql.core.errors import InputError
from marketplace.graphql.core.ids import decode_id
from marketplace.graphql.core.languages import LanguageCodeEnum
from marketplace.graphql.core.mutations import BaseMutation, check_max_lengths, error_type
from marketplace.graphql.core.types import JSON
from marketplace.graphql.product.types import check_channel
from marketplace.orders.selectors import order_by_token

MAX_LINES_PER_CALL = 100


def _legacy_checkout_id() -> graphene.ID:
    """Saleor's older `checkoutId` argument. Deprecated in words, not with @deprecated: introspection leaves
    deprecated arguments out unless asked (GraphQL Code Generator does not ask), and the current Saleor
    storefront still sends `checkoutId` to the promo-code mutations, so its build would fail."""
    return graphene.ID(description="Deprecated: use `id` instead.")


CheckoutError = error_type(
    "CheckoutError",
    CheckoutErrorCode,
    variants=graphene.List(
        graphene.NonNull(graphene.ID), description="List of variant IDs which causes the error."
    ),
    lines=graphene.List(graphene.NonNull(graphene.ID), description="List of line IDs which cause the error."),
)


class CheckoutLineInput(graphene.InputObjectType):
    quantity = graphene.Int(required=True, description="The number of items purchased.")
    variant_id = graphene.ID(required=True, description="ID of the product variant.")


class CheckoutLineUpdateInput(graphene.InputObjectType):
    quantity = graphene.Int(description="The number of items purchased; 0 removes the line.")
    variant_id = graphene.ID(description="ID of the product variant (or give lineId).")
    line_id = graphene.ID(description="ID of the line.")


class AddressInput(graphene.InputObjectType):
    first_name = graphene.String(description="Given name (with lastName: the recipient).")
    last_name = graphene.String(description="Family name.")
    company_name = graphene.String(description="Company or organization.")
    street_address_1 = graphene.String(description="House number and street.")
    street_address_2 = graphene.String(description="More of the street address.")
    city = graphene.String(description="Commune or ward (xã, phường).")
    city_area = graphene.String(description="Commune or ward, if city is not given.")
    postal_code = graphene.String(description="Ignored.")
    country = graphene.String(description="Country code: only VN.")
    country_area = graphene.String(description="Province: code (son-la) or name (Sơn La, old names too).")
    phone = graphene.String(description="Phone number.")


class CheckoutAddressValidationRules(graphene.InputObjectType):
    check_required_fields = graphene.Boolean(description="Ignored: required fields are always checked.")
    check_fields_format = graphene.Boolean(description="Ignored: formats are always checked.")
    enable_fields_normalization = graphene.Boolean(description="Ignored.")


class CheckoutCreateInput(graphene.InputObjectType):
    channel = graphene.String(description="Slug of a channel in which to create a checkout.")
    lines = graphene.List(graphene.NonNull(CheckoutLineInput), description="A list of checkout lines.")
    email = graphene.String(description="The customer's email address.")
    shipping_address = AddressInput(description="The mailing address to where the checkout will be shipped.")
    language_code = LanguageCodeEnum(description="Checkout language code (ignored: e-mails follow the site).")


def _checkout_token(global_id: str | None, token=None):
    if token is not None:
        return token
    if global_id is None:
        raise InputError("id", "Provide the checkout's id.", "REQUIRED")
    return decode_id(global_id, "Checkout", field="id", as_uuid=True)


def _checkout(global_id: str | None, token=None) -> CheckoutModel:
    checkout = CheckoutModel.objects.filter(token=_checkout_token(global_id, token)).first()
    if checkout is None:
        raise InputError("id", f"Couldn't resolve to a node: {global_id or token}", "NOT_FOUND")
    return checkout


def _bounded(lines, field: str) -> list:
    lines = list(lines or [])
    if len(lines) > MAX_LINES_PER_CALL:
        raise InputError(field, f"At most {MAX_LINES_PER_CALL} lines per call.", "INVALID")
    return lines


def _add_lines(checkout: CheckoutModel, lines, *, by) -> None:
    for line in _bounded(lines, "lines"):
        variant_pk = decode_id(line["variant_id"], "ProductVariant", field="variantId")
        services.checkout_lines_add(
            checkout=checkout, variant_id=variant_pk, quantity=line["quantity"], by=by
        )


def _address(data) -> dict:
    """Saleor's AddressInput -> the checkout service's Vietnamese address fields."""
    country = (data.get("country") or "VN").upper()
    if country != "VN":
        raise InputError("country", "Delivery is only within Viet Nam.", "INVALID")
    province_text = (data.get("country_area") or "").strip()
    province = (
        province_text if province_text in BY_CODE else (province_code_for(province_text) or province_text)
    )
    street = ", ".join(
        part.strip() for part in (data.get("street_address_1"), data.get("street_address_2")) if part
    )
    full_name = " ".join(part.strip() for part in (data.get("first_name"), data.get("last_name")) if part)
    address = {
        "full_name": full_name,
        "phone": data.get("phone") or "",
        "province": province,
        "commune": (data.get("city") or data.get("city_area") or "").strip(),
        "street": street,
    }
    check_max_lengths(address, CheckoutModel)
    return address


def _delivery_method_code(global_id: str | None, field: str) -> str:
    """ShippingMethod:<code> -> <code>; whether the code exists is the service's to say."""
    if not global_id:
        raise InputError(field, "This field is required.", "REQUIRED")
    try:
        type_name, code = from_global_id(global_id)
    except Exception as exc:  # graphql_relay raises assorted errors for non-base64 input
        raise InputError(field, f"Couldn't resolve id: {global_id}.", "GRAPHQL_ERROR") from exc
    if type_name != "ShippingMethod":
        raise InputError(field, f"Invalid ID: {global_id}. Expected: ShippingMethod.", "GRAPHQL_ERROR")
    return code


def _email(email: str | None) -> str:
    email = (email or "").strip()
    check_max_lengths({"email": email}, CheckoutModel)
    return email


class CheckoutMutation(BaseMutation):
    class Meta:
        abstract = True

    error_codes = CheckoutErrorCode
    field_map = {
        "variant": "variantId",
        "line": "lineId",
        "full_name": "firstName",
        "street": "streetAddress1",
        "commune": "city",
        "province": "countryArea",
        "shipping_address": "shippingAddress",
        "payment_method": "paymentMethod",
        "delivery_method": "deliveryMethodId",
        "promo_code": "promoCode",
    }


class CheckoutCreate(CheckoutMutation):
    checkout = graphene.Field(Checkout)
    errors = graphene.List(graphene.NonNull(CheckoutError), required=True)

    class Arguments:
        input = CheckoutCreateInput(required=True, description="Fields required to create checkout.")

    class Meta:
        description = "Create a new checkout (signed-in shoppers own it)."

    @classmethod
    def perform(cls, root, info, input):
        check_channel(input.get("channel"))
        email = _email(input.get("email"))
        checkout = services.checkout_create(by=info.context.user, email=email)
        _add_lines(checkout, input.get("lines"), by=info.context.user)
        if input.get("shipping_address") is not None:
            checkout = services.checkout_shipping_address_update(
                checkout=checkout, **_address(input["shipping_address"]), by=info.context.user
            )
        return cls(checkout=CheckoutModel.objects.get(pk=checkout.pk), errors=[])


class CheckoutLinesAdd(CheckoutMutation):
    checkout = graphene.Field(Checkout)
    errors = graphene.List(graphene.NonNull(CheckoutError), required=True)

    class Arguments:
        id = graphene.ID(description="The checkout's ID.")
        token = graphene.UUID(description="The checkout's token (instead of id).")
        lines = graphene.List(graphene.NonNull(CheckoutLineInput), required=True)

    class Meta:
        description = "Adds a checkout line to the existing checkout (adding to a line's quantity)."

    @classmethod
    def perform(cls, root, info, lines, id=None, token=None):
        checkout = _checkout(id, token)
        _add_lines(checkout, lines, by=info.context.user)
        return cls(checkout=CheckoutModel.objects.get(pk=checkout.pk), errors=[])


class CheckoutLinesUpdate(CheckoutMutation):
    checkout = graphene.Field(Checkout)
    errors = graphene.List(graphene.NonNull(CheckoutError), required=True)

    class Arguments:
        id = graphene.ID(description="The checkout's ID.")
        token = graphene.UUID(description="The checkout's token (instead of id).")
        lines = graphene.List(graphene.NonNull(CheckoutLineUpdateInput), required=True)

    class Meta:
        description = "Updates checkout line(s) in the existing checkout."

    @classmethod
    def perform(cls, root, info, lines, id=None, token=None):
        checkout = _checkout(id, token)
        for line in _bounded(lines, "lines"):
            if line.get("quantity") is None:
                raise InputError("quantity", "This field is required.", "REQUIRED")
            if line.get("line_id") is not None:
                line_pk = decode_id(line["line_id"], "CheckoutLine", field="lineId")
            elif line.get("variant_id") is not None:
                variant_pk = decode_id(line["variant_id"], "ProductVariant", field="variantId")
                existing = CheckoutLineModel.objects.filter(checkout=checkout, variant_id=variant_pk).first()
                if existing is None:
                    raise InputError("variantId", "This variant is not in the checkout.", "NOT_FOUND")
                line_pk = existing.pk
            else:
                raise InputError("lineId", "Provide lineId or variantId.", "REQUIRED")
            services.checkout_line_update(
                checkout=checkout, line_id=line_pk, quantity=line["quantity"], by=info.context.user
            )
        return cls(checkout=CheckoutModel.objects.get(pk=checkout.pk), errors=[])


class CheckoutLinesDelete(CheckoutMutation):
    checkout = graphene.Field(Checkout)
    errors = graphene.List(graphene.NonNull(CheckoutError), required=True)

    class Arguments:
        id = graphene.ID(description="The checkout's ID.")
        token = graphene.UUID(description="The checkout's token (instead of id).")
        lines_ids = graphene.List(
            graphene.NonNull(graphene.ID), required=True, description="A list of line IDs."
        )

    class Meta:
        description = "Deletes checkout lines."

    @classmethod
    def perform(cls, root, info, lines_ids, id=None, token=None):
        checkout = _checkout(id, token)
        for line_id in _bounded(lines_ids, "linesIds"):
            line_pk = decode_id(line_id, "CheckoutLine", field="linesIds")
            services.checkout_line_delete(checkout=checkout, line_id=line_pk, by=info.context.user)
        return cls(checkout=CheckoutModel.objects.get(pk=checkout.pk), errors=[])


class CheckoutEmailUpdate(CheckoutMutation):
    checkout = graphene.Field(Checkout)
    errors = graphene.List(graphene.NonNull(CheckoutError), required=True)

    class Arguments:
        id = graphene.ID(description="The checkout's ID.")
        token = graphene.UUID(description="The checkout's token (instead of id).")
        email = graphene.String(required=True, description="email.")

    class Meta:
        description = "Updates email address in the existing checkout object."

    @classmethod
    def perform(cls, root, info, email, id=None, token=None):
        checkout = services.checkout_email_update(
            checkout=_checkout(id, token), email=_email(email), by=info.context.user
        )
        return cls(checkout=checkout, errors=[])


class CheckoutShippingAddressUpdate(CheckoutMutation):
    checkout = graphene.Field(Checkout)
    errors = graphene.List(graphene.NonNull(CheckoutError), required=True)

    class Arguments:
        id = graphene.ID(description="The checkout's ID.")
        token = graphene.UUID(description="The checkout's token (instead of id).")
        shipping_address = AddressInput(required=True, description="The mailing address.")
        save_address = graphene.Boolean(description="Ignored: the address book is the account's.")
        validation_rules = CheckoutAddressValidationRules(description="Ignored: every rule applies.")

    class Meta:
        description = "Update shipping address in the existing checkout."

    @classmethod
    def perform(
        cls, root, info, shipping_address, id=None, token=None, save_address=None, validation_rules=None
    ):
        checkout = services.checkout_shipping_address_update(
            checkout=_checkout(id, token), **_address(shipping_address), by=info.context.user
        )
        return cls(checkout=checkout, errors=[])


class CheckoutBillingAddressUpdate(CheckoutMutation):
    checkout = graphene.Field(Checkout)
    errors = graphene.List(graphene.NonNull(CheckoutError), required=True)

    class Arguments:
        id = graphene.ID(description="The checkout's ID.")
        token = graphene.UUID(description="The checkout's token (instead of id).")
        billing_address = AddressInput(required=True, description="The billing address of the checkout.")
        save_address = graphene.Boolean(description="Ignored: the address book is the account's.")
        validation_rules = CheckoutAddressValidationRules(description="Ignored: every rule applies.")

    class Meta:
        description = "Update billing address in the existing checkout."

    @classmethod
    def perform(
        cls, root, info, billing_address, id=None, token=None, save_address=None, validation_rules=None
    ):
        checkout = services.checkout_billing_address_update(
            checkout=_checkout(id, token), **_address(billing_address), by=info.context.user
        )
        return cls(checkout=checkout, errors=[])


class CheckoutDeliveryMethodUpdate(CheckoutMutation):
    checkout = graphene.Field(Checkout)
    errors = graphene.List(graphene.NonNull(CheckoutError), required=True)

    class Arguments:
        id = graphene.ID(description="The checkout's ID.")
        token = graphene.UUID(description="The checkout's token (instead of id).")
        delivery_method_id = graphene.ID(description="Delivery method ID (a ShippingMethod's).")

    class Meta:
        description = "Updates the delivery method of the checkout; the totals include shipping from then on."

    @classmethod
    def perform(cls, root, info, id=None, token=None, delivery_method_id=None):
        checkout = services.checkout_delivery_method_update(
            checkout=_checkout(id, token),
            delivery_method=_delivery_method_code(delivery_method_id, "deliveryMethodId"),
            by=info.context.user,
        )
        return cls(checkout=checkout, errors=[])


class CheckoutShippingMethodUpdate(CheckoutMutation):
    checkout = graphene.Field(Checkout)
    errors = graphene.List(graphene.NonNull(CheckoutError), required=True)

    class Arguments:
        id = graphene.ID(description="The checkout's ID.")
        checkout_id = _legacy_checkout_id()
        token = graphene.UUID(description="The checkout's token (instead of id).")
        shipping_method_id = graphene.ID(description="Shipping method.")

    class Meta:
        description = (
            "Updates the shipping method of the checkout (checkoutDeliveryMethodUpdate's older name)."
        )

    field_map = {**CheckoutMutation.field_map, "delivery_method": "shippingMethodId"}

    @classmethod
    def perform(cls, root, info, id=None, checkout_id=None, token=None, shipping_method_id=None):
        checkout = services.checkout_delivery_method_update(
            checkout=_checkout(id or checkout_id, token),
            delivery_method=_delivery_method_code(shipping_method_id, "shippingMethodId"),
            by=info.context.user,
        )
        return cls(checkout=checkout, errors=[])


class CheckoutLineDelete(CheckoutMutation):
    checkout = graphene.Field(Checkout)
    errors = graphene.List(graphene.NonNull(CheckoutError), required=True)

    class Arguments:
        id = graphene.ID(description="The checkout's ID.")
        checkout_id = _legacy_checkout_id()
        token = graphene.UUID(description="The checkout's token (instead of id).")
        line_id = graphene.ID(description="ID of the checkout line to delete.")

    class Meta:
        description = "Deletes a checkout line."

    @classmethod
    def perform(cls, root, info, id=None, checkout_id=None, token=None, line_id=None):
        checkout = _checkout(id or checkout_id, token)
        if not line_id:
            raise InputError("lineId", "This field is required.", "REQUIRED")
        line_pk = decode_id(line_id, "CheckoutLine", field="lineId")
        services.checkout_line_delete(checkout=checkout, line_id=line_pk, by=info.context.user)
        return cls(checkout=CheckoutModel.objects.get(pk=checkout.pk), errors=[])


PROMO_CODE_MAX_LENGTH = 100


class CheckoutAddPromoCode(CheckoutMutation):
    checkout = graphene.Field(Checkout)
    errors = graphene.List(graphene.NonNull(CheckoutError), required=True)

    class Arguments:
        id = graphene.ID(description="The checkout's ID.")
        checkout_id = _legacy_checkout_id()
        token = graphene.UUID(description="The checkout's token (instead of id).")
        promo_code = graphene.String(required=True, description="A voucher's code (any letter case).")

    class Meta:
        description = (
            "Applies a voucher's code to the checkout: a producer's code discounts that producer's goods, "
            "the marketplace's the whole order's goods. Attempts are limited per checkout and client."
        )

    @classmethod
    def perform(cls, root, info, promo_code, id=None, checkout_id=None, token=None):
        checkout = _checkout(id or checkout_id, token)
        if len(promo_code) > PROMO_CODE_MAX_LENGTH:
            raise InputError("promoCode", "Promo code is invalid.", "INVALID")
        try:
            promo_code_allowed(info.context, checkout_token=str(checkout.token))
        except Throttled as exc:
            raise InputError("promoCode", exc.message, "INVALID") from exc
        checkout = services.checkout_promo_code_add(
            checkout=checkout, promo_code=promo_code, by=info.context.user
        )
        return cls(checkout=checkout, errors=[])


class CheckoutRemovePromoCode(CheckoutMutation):
    checkout = graphene.Field(Checkout)
    errors = graphene.List(graphene.NonNull(CheckoutError), required=True)

    class Arguments:
        id = graphene.ID(description="The checkout's ID.")
        checkout_id = _legacy_checkout_id()
        token = graphene.UUID(description="The checkout's token (instead of id).")
        promo_code = graphene.String(description="The code to remove (the checkout holds at most one).")
        promo_code_id = graphene.ID(
            description="Ignored: there are no gift cards; give promoCode or nothing."
        )

    class Meta:
        description = "Removes the checkout's promo code (nothing changes when it holds another or none)."

    @classmethod
    def perform(cls, root, info, id=None, checkout_id=None, token=None, promo_code=None, promo_code_id=None):
        checkout = _checkout(id or checkout_id, token)
        if promo_code is not None and promo_code.strip().upper() != checkout.voucher_code:
            return cls(checkout=checkout, errors=[])
        checkout = services.checkout_promo_code_remove(checkout=checkout, by=info.context.user)
        return cls(checkout=checkout, errors=[])


class CheckoutComplete(CheckoutMutation):
    order = graphene.Field(Order)
    confirmation_needed = graphene.Boolean(required=True)
    confirmation_data = graphene.JSONString()
    errors = graphene.List(graphene.NonNull(CheckoutError), required=True)

    class Arguments:
        id = graphene.ID(description="The checkout's ID.")
        token = graphene.UUID(description="The checkout's token (instead of id).")
        payment_data = graphene.JSONString(description="Ignored: cash on delivery.")
        redirect_url = graphene.String(description="Ignored.")
        store_source = graphene.Boolean(description="Ignored.")

    class Meta:
        description = (
            "Completes the checkout as an order paid cash on delivery; a checkout already completed answers "
            "its order."
        )

    field_map = {**CheckoutMutation.field_map, "token": "id"}

    @staticmethod
    def resolve_confirmation_needed(root, info):
        return bool(root.confirmation_needed)

    @classmethod
    def perform(
        cls, root, info, id=None, token=None, payment_data=None, redirect_url=None, store_source=None
    ):
        # A checkout already completed answers the order it became (found by the checkout's token, the
        # secret only its owner holds), as Saleor does: a client that lost the first answer may retry.
        order = services.checkout_complete(
            token=_checkout_token(id, token), by=info.context.user, client_ip=client_ip(info.context)
        )
        return cls(order=order_by_token(token=order.token), confirmation_needed=False, errors=[])


class PaymentGatewayErrorCode(graphene.Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"


class PaymentGatewayConfigErrorCode(graphene.Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"


PaymentGatewayInitializeError = error_type("PaymentGatewayInitializeError", PaymentGatewayErrorCode)
PaymentGatewayConfigError = error_type("PaymentGatewayConfigError", PaymentGatewayConfigErrorCode)
MAX_GATEWAYS_PER_CALL = 10


class PaymentGatewayToInitialize(graphene.InputObjectType):
    id = graphene.String(
        required=True, description="The gateway's ID (see Checkout.availablePaymentGateways)."
    )
    data = JSON(description="Ignored: nothing to set up before the payment starts.")


class PaymentGatewayConfig(graphene.ObjectType):
    id = graphene.String(required=True)
    data = JSON(description="The gateway's public settings (for Stripe: stripePublishableKey).")
    errors = graphene.List(graphene.NonNull(PaymentGatewayConfigError))


class PaymentGatewayInitialize(BaseMutation):
    gateway_configs = graphene.List(graphene.NonNull(PaymentGatewayConfig))
    errors = graphene.List(graphene.NonNull(PaymentGatewayInitializeError), required=True)

    class Arguments:
        id = graphene.ID(required=True, description="The checkout's ID.")
        amount = graphene.Float(description="Ignored: the checkout's total is what is paid.")
        payment_gateways = graphene.List(
            graphene.NonNull(PaymentGatewayToInitialize), description="Gateways to set up (all if omitted)."
        )

    class Meta:
        description = "The settings each payment gateway's client needs for this checkout. Changes nothing."

    error_codes = PaymentGatewayErrorCode

    @classmethod
    def perform(cls, root, info, id, amount=None, payment_gateways=None):
        _checkout(id)
        requested = payment_gateways
        if requested is not None and len(requested) > MAX_GATEWAYS_PER_CALL:
            raise InputError(
                "paymentGateways", f"At most {MAX_GATEWAYS_PER_CALL} gateways per call.", "INVALID"
            )
        available = {gateway.id: gateway for gateway in payment_gateways_available()}
        ids = [gateway["id"] for gateway in requested] if requested is not None else list(available)
        configs = []
        for gateway_id in ids:
            gateway = available.get(gateway_id)
            if gateway is None:
                error = {
                    "field": "id",
                    "message": f"Unknown payment gateway: {gateway_id[:100]}.",
                    "code": "NOT_FOUND",
                }
                configs.append({"id": gateway_id, "data": None, "errors": [error]})
            else:
                configs.append({"id": gateway_id, "data": gateway.config or None, "errors": []})
        return cls(gateway_configs=configs, errors=[])


class DeliveryOptionsCalculateErrorCode(graphene.Enum):
    GRAPHQL_ERROR = "graphql_error"
    NOT_FOUND = "not_found"
    INVALID = "invalid"


DeliveryOptionsCalculateError = error_type("DeliveryOptionsCalculateError", DeliveryOptionsCalculateErrorCode)


class DeliveryOptionsCalculate(BaseMutation):
    deliveries = graphene.List(graphene.NonNull(Delivery), required=True)
    errors = graphene.List(graphene.NonNull(DeliveryOptionsCalculateError), required=True)

    error_codes = DeliveryOptionsCalculateErrorCode

    class Arguments:
        id = graphene.ID(required=True, description="The ID of the checkout.")

    class Meta:
        description = (
            "Calculates available delivery options for a checkout: the one standard delivery, priced as "
            "the sum of each producer part's fee (none for an empty checkout). Changes nothing."
        )

    @classmethod
    def perform(cls, root, info, id):
        return cls(deliveries=checkout_deliveries(info, _checkout(id)), errors=[])

    @staticmethod
    def resolve_deliveries(root, info):
        return root.deliveries or []  # none when the payload carries errors


class CheckoutMutations(graphene.ObjectType):
    checkout_create = CheckoutCreate.Field()
    checkout_lines_add = CheckoutLinesAdd.Field()
    checkout_lines_update = CheckoutLinesUpdate.Field()
    checkout_lines_delete = CheckoutLinesDelete.Field()
    checkout_email_update = CheckoutEmailUpdate.Field()
    checkout_shipping_address_update = CheckoutShippingAddressUpdate.Field()
    checkout_billing_address_update = CheckoutBillingAddressUpdate.Field()
    checkout_delivery_method_update = CheckoutDeliveryMethodUpdate.Field()
    checkout_shipping_method_update = CheckoutShippingMethodUpdate.Field(
        deprecation_reason="Use `checkoutDeliveryMethodUpdate` instead."
    )
    checkout_line_delete = CheckoutLineDelete.Field(deprecation_reason="Use `checkoutLinesDelete` instead.")
    checkout_add_promo_code = CheckoutAddPromoCode.Field()
    checkout_remove_promo_code = CheckoutRemovePromoCode.Field()
    checkout_complete = CheckoutComplete.Field()
    delivery_options_calculate = DeliveryOptionsCalculate.Field()
    payment_gateway_initialize = PaymentGatewayInitialize.Field()
