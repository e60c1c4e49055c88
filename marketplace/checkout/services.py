"""Writes of carts/checkouts and the one place an order is created (`checkout_complete`).

Everything takes a Checkout (found by its UUID token), never an HTTP session: the session cart, the GraphQL
API and the benchmarks share these functions. The token is the capability (a guest holds it too); `by` says
who acts and is required (the policy refuses None)."""

import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from marketplace.accounts.models import User
from marketplace.catalog.models import ProductVariant, Stock, units_available
from marketplace.catalog.selectors import products_visible_to_shoppers
from marketplace.certification.services import lock_products
from marketplace.checkout.error_codes import CheckoutErrorCode
from marketplace.checkout.models import Checkout, CheckoutLine, DeliveryMethod
from marketplace.checkout.selectors import (
    checkout_destination,
    checkout_summary,
    parse_token,
    parts_shipping,
    payment_methods_available,
    priced_lines,
    stock_message,
    unavailable_message,
)
from marketplace.core.addresses import clean_address
from marketplace.discounts.pricing import Discount, voucher_discount
from marketplace.discounts.selectors import Refusal, voucher_by_code, voucher_refusal
from marketplace.discounts.services import voucher_redeem
from marketplace.orders.models import Order, OrderLine, OrderPart
from marketplace.orders.selectors import (
    OPEN_UNPAID_LIMITS,
    open_unpaid_keys,
    open_unpaid_limit_message,
    open_unpaid_order_counts,
)
from marketplace.payments.models import Payment, PaymentMethod, PaymentStatus
from marketplace.producers.policies import SYSTEM_WEBHOOK, Actor, acting_user, require_actor, require_system
from marketplace.search.services import search_products_changed


def _error(field: str, message: str, code: CheckoutErrorCode) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code.value)})


def _buyable_variant(variant_id: int) -> ProductVariant:
    """The variant if its product is visible to shoppers (THE rule), else a validation error."""
    variant = (
        ProductVariant.objects.select_related("product", "stock")
        .filter(pk=variant_id, product__in=products_visible_to_shoppers())
        .first()
    )
    if variant is None:
        existing = ProductVariant.objects.select_related("product").filter(pk=variant_id).first()
        if existing is None:
            raise _error("variant", _("Không tìm thấy sản phẩm."), CheckoutErrorCode.NOT_FOUND)
        raise _error(
            "variant",
            unavailable_message(existing.product),
            CheckoutErrorCode.PRODUCT_UNAVAILABLE_FOR_PURCHASE,
        )
    return variant


def _check_quantity(variant: ProductVariant, quantity: int) -> None:
    if quantity < 1:
        raise _error("quantity", _("Số lượng phải lớn hơn 0."), CheckoutErrorCode.ZERO_QUANTITY)
    if quantity > settings.CHECKOUT_MAX_LINE_QUANTITY:
        raise _error(
            "quantity",
            _("Mỗi lần mua tối đa %(limit)d sản phẩm.") % {"limit": settings.CHECKOUT_MAX_LINE_QUANTITY},
            CheckoutErrorCode.QUANTITY_GREATER_THAN_LIMIT,
        )
    available = units_available(variant)
    if quantity > available:
        raise _error(
            "quantity",
            stock_message(product_name=variant.product.name, available=available),
            CheckoutErrorCode.INSUFFICIENT_STOCK,
        )


@transaction.atomic
def checkout_create(*, by: Actor, email: str = "") -> Checkout:
    require_actor(by)
    user = acting_user(by)
    if email:
        _validate_email(email)
    if not email and user is not None:
        email = user.email
    return Checkout.objects.create(user=user, email=email.lower())


def _lock_checkout(checkout: Checkout) -> Checkout:
    locked = Checkout.objects.select_for_update().filter(pk=checkout.pk).first()
    if locked is None:  # completed (or forgotten) meanwhile
        raise _error("token", _("Không tìm thấy giỏ hàng."), CheckoutErrorCode.NOT_FOUND)
    return locked


@transaction.atomic
def checkout_lines_add(*, checkout: Checkout, variant_id: int, quantity: int = 1, by: Actor) -> CheckoutLine:
    """Add to the cart (adding to an existing line's quantity). Only buyable products; stock checked."""
    require_actor(by)
    _lock_checkout(checkout)
    variant = _buyable_variant(variant_id)
    line = CheckoutLine.objects.filter(checkout=checkout, variant=variant).first()
    new_quantity = quantity + (line.quantity if line else 0)
    if quantity < 1:
        _check_quantity(variant, quantity)
    _check_quantity(variant, new_quantity)
    if line is None:
        line = CheckoutLine.objects.create(checkout=checkout, variant=variant, quantity=new_quantity)
    else:
        line.quantity = new_quantity
        line.save(update_fields=["quantity"])
    checkout.save(update_fields=["updated_at"])
    return line


@transaction.atomic
def checkout_line_update(
    *, checkout: Checkout, line_id: int, quantity: int, by: Actor
) -> CheckoutLine | None:
    """Set a line's quantity; 0 removes it. Raising a quantity re-checks visibility and stock."""
    require_actor(by)
    _lock_checkout(checkout)
    line = CheckoutLine.objects.filter(checkout=checkout, pk=line_id).first()
    if line is None:
        raise _error("line", _("Không tìm thấy dòng trong giỏ hàng."), CheckoutErrorCode.NOT_FOUND)
    if quantity <= 0:
        line.delete()
        checkout.save(update_fields=["updated_at"])
        return None
    if quantity > line.quantity:
        _check_quantity(_buyable_variant(line.variant_id), quantity)
    elif quantity > settings.CHECKOUT_MAX_LINE_QUANTITY:
        _check_quantity(line.variant, quantity)
    line.quantity = quantity
    line.save(update_fields=["quantity"])
    checkout.save(update_fields=["updated_at"])
    return line


@transaction.atomic
def checkout_variant_quantity_set(
    *, checkout: Checkout, variant_id: int, quantity: int, by: Actor
) -> CheckoutLine | None:
    """Saleor's checkoutLinesUpdate by variant: set that variant's quantity (0 removes, absent adds)."""
    require_actor(by)
    line = CheckoutLine.objects.filter(checkout=checkout, variant_id=variant_id).first()
    if line is None:
        if quantity <= 0:
            return None
        return checkout_lines_add(checkout=checkout, variant_id=variant_id, quantity=quantity, by=by)
    return checkout_line_update(checkout=checkout, line_id=line.pk, quantity=quantity, by=by)


@transaction.atomic
def checkout_line_delete(*, checkout: Checkout, line_id: int, by: Actor) -> None:
    require_actor(by)
    deleted, _count = CheckoutLine.objects.filter(checkout=checkout, pk=line_id).delete()
    if not deleted:
        raise _error("line", _("Không tìm thấy dòng trong giỏ hàng."), CheckoutErrorCode.NOT_FOUND)
    checkout.save(update_fields=["updated_at"])


def _validate_email(email: str) -> None:
    try:
        validate_email(email)
    except ValidationError as exc:
        raise _error("email", _("Địa chỉ email không hợp lệ."), CheckoutErrorCode.INVALID) from exc


def _clean_email(email: str) -> dict:
    email = (email or "").strip().lower()
    _validate_email(email)
    return {"email": email}


def _clean_options(*, note: str, payment_method: str) -> dict:
    if payment_method not in payment_methods_available():
        raise _error(
            "payment_method",
            _("Phương thức thanh toán không khả dụng."),
            CheckoutErrorCode.PAYMENT_METHOD_UNAVAILABLE,
        )
    return {"note": (note or "").strip()[:500], "payment_method": payment_method}


def _save(checkout: Checkout, values: dict) -> Checkout:
    for name, value in values.items():
        setattr(checkout, name, value)
    checkout.save(update_fields=[*values, "updated_at"])
    return checkout


@transaction.atomic
def checkout_email_update(*, checkout: Checkout, email: str, by: Actor) -> Checkout:
    require_actor(by)
    return _save(checkout, _clean_email(email))


# Saleor's checkout metadata, bounded: a storefront keeps a few short notes (consents, its own ids) here.
METADATA_MAX_KEYS = 20
METADATA_KEY_MAX_LENGTH = 128
METADATA_VALUE_MAX_LENGTH = 2_000


@transaction.atomic
def checkout_metadata_update(*, checkout: Checkout, items: list[tuple[str, str]], by: Actor) -> Checkout:
    """Sets the given public metadata keys (others stay). Refuses, changing nothing, an empty or overlong key,
    an overlong value or more than METADATA_MAX_KEYS keys in all."""
    require_actor(by)
    checkout = _lock_checkout(checkout)
    metadata = dict(checkout.metadata or {})
    for key, value in items:
        key = (key or "").strip()
        if not key:
            raise _error("input", _("Khóa metadata không được để trống."), CheckoutErrorCode.REQUIRED)
        if len(key) > METADATA_KEY_MAX_LENGTH or len(value or "") > METADATA_VALUE_MAX_LENGTH:
            raise _error(
                "input",
                _("Khóa metadata dài tối đa %(key)s ký tự, giá trị tối đa %(value)s ký tự.")
                % {"key": METADATA_KEY_MAX_LENGTH, "value": METADATA_VALUE_MAX_LENGTH},
                CheckoutErrorCode.INVALID,
            )
        metadata[key] = value or ""
    if len(metadata) > METADATA_MAX_KEYS:
        raise _error(
            "input",
            _("Một giỏ hàng giữ tối đa %(count)s khóa metadata.") % {"count": METADATA_MAX_KEYS},
            CheckoutErrorCode.INVALID,
        )
    return _save(checkout, {"metadata": metadata})


@transaction.atomic
def checkout_shipping_address_update(
    *, checkout: Checkout, full_name: str, phone: str, province: str, commune: str, street: str, by: Actor
) -> Checkout:
    require_actor(by)
    cleaned = clean_address(
        full_name=full_name, phone=phone, province=province, commune=commune, street=street
    )
    return _save(checkout, cleaned)


@transaction.atomic
def checkout_billing_address_update(
    *, checkout: Checkout, full_name: str, phone: str, province: str, commune: str, street: str, by: Actor
) -> Checkout:
    """The invoice address (Saleor's billingAddress); the same rules as the delivery address."""
    require_actor(by)
    cleaned = clean_address(
        full_name=full_name, phone=phone, province=province, commune=commune, street=street
    )
    return _save(checkout, {f"billing_{name}": value for name, value in cleaned.items()})


@transaction.atomic
def checkout_delivery_method_update(*, checkout: Checkout, delivery_method: str, by: Actor) -> Checkout:
    """Choose how the parcels travel; from then on the totals include each producer part's fee."""
    require_actor(by)
    if delivery_method not in DeliveryMethod.values:
        raise _error(
            "delivery_method",
            _("Phương thức giao hàng không khả dụng."),
            CheckoutErrorCode.DELIVERY_METHOD_NOT_APPLICABLE,
        )
    if not checkout.lines.exists():
        raise _error("lines", _("Giỏ hàng đang trống."), CheckoutErrorCode.EMPTY)
    return _save(checkout, {"delivery_method": delivery_method})


@transaction.atomic
def checkout_payment_method_update(*, checkout: Checkout, payment_method: str, by: Actor) -> Checkout:
    """How the order will be paid (Saleor's transactionInitialize on a checkout); the note stays."""
    require_actor(by)
    note = checkout.note
    return _save(checkout, _clean_options(note=note, payment_method=payment_method))


@transaction.atomic
def checkout_options_update(
    *, checkout: Checkout, note: str = "", payment_method: str, by: Actor
) -> Checkout:
    require_actor(by)
    return _save(checkout, _clean_options(note=note, payment_method=payment_method))


def _refused(refusal: Refusal) -> ValidationError:
    return _error("promo_code", refusal.message, CheckoutErrorCode(refusal.code.value))


@transaction.atomic
def checkout_promo_code_add(*, checkout: Checkout, promo_code: str, by: Actor) -> Checkout:
    """Apply a voucher's code (Saleor's checkoutAddPromoCode); one code per checkout, a new one replaces it.
    Refused with nothing changed when the code is unknown, inactive, expired, used up, below its minimum or
    for another producer's goods."""
    require_actor(by)
    checkout = _lock_checkout(checkout)
    summary = checkout_summary(checkout=checkout)
    assert summary is not None
    lines = [
        item.line
        for item in summary.lines
        if item.problem_code != CheckoutErrorCode.PRODUCT_UNAVAILABLE_FOR_PURCHASE.value
    ]
    voucher = voucher_by_code(code=promo_code)
    refusal = voucher_refusal(voucher=voucher, lines=priced_lines(lines), customer_key=checkout.email)
    if refusal is not None:
        raise _refused(refusal)
    assert voucher is not None
    return _save(checkout, {"voucher_code": voucher.code})


@transaction.atomic
def checkout_promo_code_remove(*, checkout: Checkout, by: Actor) -> Checkout:
    """Take the promo code off (Saleor's checkoutRemovePromoCode); without one, nothing changes."""
    require_actor(by)
    checkout = _lock_checkout(checkout)
    if not checkout.voucher_code:
        return checkout
    return _save(checkout, {"voucher_code": ""})


@transaction.atomic
def checkout_attach_user(*, checkout: Checkout, by: Actor) -> Checkout:
    """A guest's cart follows the shopper (`by`) when they sign in: merged into their latest cart if they
    have one (quantities added, capped at what is in stock), otherwise simply given to them."""
    user = acting_user(by)
    if user is None:
        raise PermissionDenied("permission_denied")
    existing = (
        Checkout.objects.filter(user=user).exclude(pk=checkout.pk).order_by("-updated_at", "-id").first()
    )
    if checkout.user_id == user.pk and existing is None:
        return checkout
    if existing is None:
        checkout.user = user
        checkout.email = checkout.email or user.email
        checkout.save(update_fields=["user", "email", "updated_at"])
        return checkout
    _lock_checkout(existing)
    for line in checkout.lines.select_related("variant__stock"):
        target = CheckoutLine.objects.filter(checkout=existing, variant_id=line.variant_id).first()
        cap = max(units_available(line.variant), 1)
        if target is None:
            CheckoutLine.objects.create(checkout=existing, variant_id=line.variant_id, quantity=line.quantity)
        else:
            target.quantity = max(min(target.quantity + line.quantity, cap), target.quantity)
            target.save(update_fields=["quantity"])
    checkout.delete()
    existing.save(update_fields=["updated_at"])
    return existing


def _require_details(checkout: Checkout) -> None:
    if not checkout.email:
        raise _error("email", _("Vui lòng nhập email."), CheckoutErrorCode.EMAIL_NOT_SET)
    if not (
        checkout.full_name and checkout.phone and checkout.province and checkout.commune and checkout.street
    ):
        raise _error(
            "shipping_address",
            _("Vui lòng nhập địa chỉ giao hàng."),
            CheckoutErrorCode.SHIPPING_ADDRESS_NOT_SET,
        )
    if checkout.payment_method not in payment_methods_available():
        raise _error(
            "payment_method",
            _("Phương thức thanh toán không khả dụng."),
            CheckoutErrorCode.PAYMENT_METHOD_UNAVAILABLE,
        )
    if not checkout.delivery_method:
        # The totals shown so far left shipping out: the shopper must see the fee before ordering.
        raise _error(
            "delivery_method",
            _("Vui lòng chọn phương thức giao hàng."),
            CheckoutErrorCode.SHIPPING_METHOD_NOT_SET,
        )


def _order_number_for(pk: int) -> str:
    return f"DH{pk:07d}"


def checkout_complete(*, token: uuid.UUID | str, by: Actor, client_ip: str | None = None) -> Order:
    """Turn a checkout into an order, exactly once.

    Inside one transaction: the checkout row is locked (a repeated submit waits, then finds the order made
    from this token and returns it), the products are locked and re-checked against the visibility rule,
    then the stock rows are locked in ascending id order and decremented with F(); the database's check
    constraint stays the last guard against negative stock. Emails go out after commit."""
    return checkout_submit(token=token, by=by, details=None, client_ip=client_ip)


@dataclass(frozen=True)
class CheckoutDetails:
    """What the checkout form collects, applied and completed in the same transaction."""

    email: str
    phone: str
    full_name: str
    province: str
    commune: str
    street: str
    note: str = ""
    payment_method: str = PaymentMethod.COD.value


def checkout_submit(
    *, token: uuid.UUID | str, by: Actor, details: CheckoutDetails | None, client_ip: str | None = None
) -> Order:
    """checkout_complete, first saving the form's details under the same lock (the form submit path)."""
    require_actor(by)
    from marketplace.orders.tasks import order_emails_send_task

    parsed = parse_token(token)
    if parsed is None:
        raise _error("token", _("Không tìm thấy giỏ hàng."), CheckoutErrorCode.NOT_FOUND)
    with transaction.atomic():
        checkout = Checkout.objects.select_for_update().filter(token=parsed).first()
        if checkout is None:
            done = Order.objects.filter(checkout_token=parsed).first()
            if done is not None:
                return done
            raise _error("token", _("Không tìm thấy giỏ hàng."), CheckoutErrorCode.NOT_FOUND)
        if details is not None:
            _apply_details(checkout, details)
        order = _complete_locked(
            checkout=checkout, user=acting_user(by), token=parsed, client_ip=client_ip, by=by
        )
        order_id = order.pk
        # A card order reaches its producers once paid (order_payment_received), not while abandoned.
        notify_producers = order.payment_method != PaymentMethod.CARD
        transaction.on_commit(lambda: order_emails_send_task.delay(order_id, producers=notify_producers))
    return order


def _apply_details(checkout: Checkout, details: CheckoutDetails) -> None:
    """Validate every field first (all errors at once), then write them in one UPDATE."""
    values: dict = {}
    errors: dict = {}
    for clean in (
        lambda: _clean_email(details.email),
        lambda: clean_address(
            full_name=details.full_name,
            phone=details.phone,
            province=details.province,
            commune=details.commune,
            street=details.street,
        ),
        lambda: _clean_options(note=details.note, payment_method=details.payment_method),
        # The checkout form shows the shipping fee beside the only delivery method: submitting it chooses it.
        lambda: {"delivery_method": DeliveryMethod.STANDARD.value},
    ):
        try:
            values.update(clean())
        except ValidationError as exc:
            errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    _save(checkout, values)


def _complete_locked(
    *, checkout: Checkout, user: User | None, token: uuid.UUID, client_ip: str | None, by: Actor
) -> Order:
    _require_details(checkout)
    _check_open_unpaid_limit(checkout=checkout, client_ip=client_ip)
    lines = list(checkout.lines.select_related("variant__product__producer__shipping").order_by("id"))
    if not lines:
        raise _error("lines", _("Giỏ hàng đang trống."), CheckoutErrorCode.EMPTY)

    product_ids = sorted({line.variant.product_id for line in lines})
    lock_products(product_ids)  # same order as certification changes: no deadlock, no race
    visible = set(products_visible_to_shoppers().filter(pk__in=product_ids).values_list("pk", flat=True))
    blocked = [line for line in lines if line.variant.product_id not in visible]
    if blocked:
        raise ValidationError(
            {
                "lines": [
                    ValidationError(
                        unavailable_message(line.variant.product),
                        code=CheckoutErrorCode.PRODUCT_UNAVAILABLE_FOR_PURCHASE.value,
                    )
                    for line in blocked
                ]
            }
        )

    stocks = {
        stock.variant_id: stock
        for stock in Stock.objects.select_for_update()
        .filter(variant_id__in=[line.variant_id for line in lines])
        .order_by("pk")
    }
    shortages = []
    for line in lines:
        stock = stocks.get(line.variant_id)
        available = stock.quantity_available if stock is not None else 0
        if line.quantity > available:
            shortages.append(
                ValidationError(
                    stock_message(product_name=line.variant.product.name, available=available),
                    code=CheckoutErrorCode.INSUFFICIENT_STOCK.value,
                )
            )
    if shortages:
        raise ValidationError({"lines": shortages})
    discount = _discount_for_order(checkout=checkout, lines=lines)
    for line in sorted(lines, key=lambda item: stocks[item.variant_id].pk):
        Stock.objects.filter(pk=stocks[line.variant_id].pk).update(quantity=F("quantity") - line.quantity)
    # "In stock" is a search filter: an external index learns of the new quantities after commit.
    search_products_changed(product_ids=[line.variant.product_id for line in lines])

    order = _order_from_lines(
        checkout=checkout, lines=lines, user=user, token=token, client_ip=client_ip, discount=discount
    )
    if discount is not None:
        voucher_redeem(
            voucher_id=discount.voucher.pk,
            order_id=order.pk,
            lines=priced_lines(lines),
            customer_key=checkout.email,
            amount=discount.amount,
            by=by,
        )
    checkout.delete()
    return order


def _discount_for_order(*, checkout: Checkout, lines: list[CheckoutLine]) -> Discount | None:
    """The promo code's discount, or a refusal (nothing is ordered) when it no longer applies: the shopper
    saw a discounted total and must not be charged another without seeing it."""
    if not checkout.voucher_code:
        return None
    voucher = voucher_by_code(code=checkout.voucher_code)
    priced = priced_lines(lines)
    refusal = voucher_refusal(voucher=voucher, lines=priced, customer_key=checkout.email)
    if refusal is not None:
        raise _refused(refusal)
    assert voucher is not None
    return voucher_discount(voucher, priced)


def _check_open_unpaid_limit(*, checkout: Checkout, client_ip: str | None) -> None:
    """Unpaid orders hold stock until paid, shipped or released: one shopper (per e-mail, phone and IP) may
    hold only a few at once. Transaction-scoped advisory locks, taken in one order, make two checkouts of
    one shopper count in turn."""
    keys = open_unpaid_keys(email=checkout.email, phone=checkout.phone, client_ip=client_ip)
    with connection.cursor() as cursor:
        for field, key in keys.items():
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"open-unpaid:{field}:{key}"]
            )
    for field, count in open_unpaid_order_counts(keys=keys).items():
        if count >= OPEN_UNPAID_LIMITS[field]():
            raise _error(
                field if field != "ip" else NON_FIELD_ERRORS,
                open_unpaid_limit_message(field=field, count=count),
                CheckoutErrorCode.TOO_MANY_OPEN_ORDERS,
            )


def _order_from_lines(
    *,
    checkout: Checkout,
    lines: list[CheckoutLine],
    user: User | None,
    token: uuid.UUID,
    client_ip: str | None,
    discount: Discount | None = None,
) -> Order:
    owner = checkout.user
    if owner is None and user is not None:
        owner = user
    order = Order.objects.create(
        checkout_token=token,
        user=owner,
        email=checkout.email,
        phone=checkout.phone,
        full_name=checkout.full_name,
        province=checkout.province,
        commune=checkout.commune,
        street=checkout.street,
        note=checkout.note,
        payment_method=checkout.payment_method,
        client_ip=client_ip or None,
        voucher_code=discount.voucher.code if discount is not None else "",
        discount_name=discount.name[:120] if discount is not None else "",
    )
    line_discount = discount.by_line if discount is not None else {}
    producer_funded = discount is not None and discount.producer_funded
    by_producer: dict[int, list[CheckoutLine]] = defaultdict(list)
    for line in lines:
        by_producer[line.variant.product.producer_id].append(line)
    # The same quotes the cart and the checkout showed (the shipping address's province by now).
    quotes = parts_shipping(lines, to_province=checkout_destination(checkout))
    parts = []
    for producer_id in sorted(by_producer):
        subtotal = sum(line.variant.price_amount * line.quantity for line in by_producer[producer_id])
        parts.append(
            OrderPart(
                order=order,
                producer_id=producer_id,
                subtotal_amount=subtotal,
                shipping_amount=quotes[producer_id].fee,
                discount_amount=sum(line_discount.get(line.pk, 0) for line in by_producer[producer_id]),
            )
        )
    OrderPart.objects.bulk_create(parts)
    order_lines = []
    for part in parts:
        for line in by_producer[part.producer_id]:
            variant = line.variant
            order_lines.append(
                OrderLine(
                    part=part,
                    variant=variant,
                    product_name=variant.product.name,
                    product_slug=variant.product.slug,
                    variant_name=variant.name,
                    sku=variant.sku,
                    unit_price_amount=variant.price_amount,
                    quantity=line.quantity,
                    discount_amount=line_discount.get(line.pk, 0),
                    producer_discount_amount=line_discount.get(line.pk, 0) if producer_funded else 0,
                )
            )
    OrderLine.objects.bulk_create(order_lines)
    order.number = _order_number_for(order.pk)
    order.subtotal_amount = sum(part.subtotal_amount for part in parts)
    order.shipping_amount = sum(part.shipping_amount for part in parts)
    order.discount_amount = sum(part.discount_amount for part in parts)
    order.total_amount = order.subtotal_amount + order.shipping_amount - order.discount_amount
    order.save(
        update_fields=["number", "subtotal_amount", "shipping_amount", "discount_amount", "total_amount"]
    )
    _order_payment(order=order, token=token)
    return order


def _order_payment(*, order: Order, token: uuid.UUID) -> None:
    """The order's payment: a card payment started on the checkout (transactionInitialize) for exactly this
    total becomes the order's, and if Stripe already took the money the order is paid now. Money taken for
    another total refuses the order (the cart changed after paying: nothing is ordered)."""
    card = []
    if order.payment_method == PaymentMethod.CARD:
        card = list(
            Payment.objects.select_for_update()
            .filter(checkout_token=token, order=None, method=PaymentMethod.CARD)
            .exclude(status=PaymentStatus.FAILED)
            .order_by("-id")
        )
    paid = [payment for payment in card if payment.status == PaymentStatus.SUCCEEDED]
    if any(payment.amount != order.total_amount for payment in paid):
        raise _error(
            "payment",
            _("Số tiền đã thanh toán thẻ khác tổng đơn hàng; vui lòng liên hệ Chợ OCOP để được hoàn tiền."),
            CheckoutErrorCode.CHECKOUT_NOT_FULLY_PAID,
        )
    chosen = paid[0] if paid else next((p for p in card if p.amount == order.total_amount), None)
    if chosen is None:
        Payment.objects.create(order=order, method=order.payment_method, amount=order.total_amount)
        return
    Payment.objects.filter(pk=chosen.pk).update(order=order)
    if chosen.status == PaymentStatus.SUCCEEDED:
        from marketplace.orders.services import order_payment_received

        # Stripe confirmed the money (its webhook or our call to it) before the order existed.
        order_payment_received(order=order, by=SYSTEM_WEBHOOK)


@transaction.atomic
def checkouts_delete_stale(*, older_than_days: int = 30, by: Actor) -> int:
    """Carts nobody touched for a month (mostly guests who left): removed, lines with them."""
    require_system(by)
    from datetime import timedelta

    from django.utils import timezone

    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _by_model = Checkout.objects.filter(updated_at__lt=cutoff).delete()
    return deleted


@transaction.atomic
def checkout_customer_attach(*, checkout: Checkout, by: Actor) -> Checkout:
    """The signed-in shopper (`by`) takes this cart as theirs, as it is (API clients keep the checkout's ID,
    so nothing is merged: see checkout_attach_user for the web's merge). Someone else's cart is refused."""
    user = acting_user(by)
    if user is None or (checkout.user_id is not None and checkout.user_id != user.pk):
        raise PermissionDenied("permission_denied")
    _lock_checkout(checkout)
    checkout.user = user
    checkout.email = checkout.email or user.email
    checkout.save(update_fields=["user", "email", "updated_at"])
    return checkout


@transaction.atomic
def checkout_customer_detach(*, checkout: Checkout, by: Actor) -> Checkout:
    """The cart's owner (`by`) lets go of it when signing out; it stays usable by its token."""
    user = acting_user(by)
    if user is None or checkout.user_id != user.pk:
        raise PermissionDenied("permission_denied")
    _lock_checkout(checkout)
    checkout.user = None
    checkout.save(update_fields=["user", "updated_at"])
    return checkout
