"""Writes of vouchers. Producers manage their own (portal), staff the platform's (admin); redemption
happens inside checkout_complete's transaction, counted under the voucher's row lock."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.discounts.error_codes import DiscountErrorCode
from marketplace.discounts.models import CODE_MAX_LENGTH, DiscountValueType, Voucher, VoucherUsage
from marketplace.discounts.pricing import PricedLine
from marketplace.discounts.selectors import normalize_code, voucher_refusal
from marketplace.producers.models import Producer
from marketplace.producers.policies import (
    Actor,
    ProducerAction,
    acting_user,
    require_actor,
    require_producer_action,
    require_staff_with,
)

STAFF_VOUCHER_PERMISSION = "discounts.change_voucher"
MAX_VALUE_VND = 1_000_000_000
MAX_USAGE_LIMIT = 1_000_000


def _error(field: str, message: str, code: DiscountErrorCode) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code.value)})


def _require_manage(*, by: Actor, producer_id: int | None) -> None:
    if producer_id is None:
        require_staff_with(by, STAFF_VOUCHER_PERMISSION)
    else:
        require_producer_action(actor=by, action=ProducerAction.MANAGE_DISCOUNTS, producer_id=producer_id)


def _clean(
    *,
    code: str,
    value_type: str,
    value: int,
    min_order_amount: int,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime | None,
    usage_limit: int | None,
    usage_limit_per_customer: int | None,
) -> None:
    errors: dict[str, list[ValidationError]] = {}

    def add(field: str, message: str, code: DiscountErrorCode = DiscountErrorCode.INVALID) -> None:
        errors.setdefault(field, []).append(ValidationError(message, code=code.value))

    if not code:
        add("code", _("Vui lòng nhập mã."), DiscountErrorCode.REQUIRED)
    elif len(code) > CODE_MAX_LENGTH or not all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in code):
        add("code", _("Mã gồm tối đa 40 chữ cái không dấu, chữ số, '-' hoặc '_'."))
    if value_type not in DiscountValueType.values:
        add("value_type", _("Loại giảm giá không hợp lệ."))
    elif value_type == DiscountValueType.PERCENTAGE and not 1 <= value <= 100:
        add("value", _("Phần trăm giảm phải từ 1 đến 100."))
    elif value_type == DiscountValueType.FIXED and not 1 <= value <= MAX_VALUE_VND:
        add("value", _("Số tiền giảm phải lớn hơn 0."))
    if not 0 <= min_order_amount <= MAX_VALUE_VND:
        add("min_order_amount", _("Giá trị đơn tối thiểu không hợp lệ."))
    if ends_at is not None and ends_at <= starts_at:
        add("ends_at", _("Ngày kết thúc phải sau ngày bắt đầu."))
    for name, limit in (("usage_limit", usage_limit), ("usage_limit_per_customer", usage_limit_per_customer)):
        if limit is not None and not 1 <= limit <= MAX_USAGE_LIMIT:
            add(name, _("Số lượt phải từ 1 trở lên."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def voucher_create(
    *,
    producer: Producer | None,
    code: str,
    value_type: str,
    value: int,
    name: str | None = "",
    min_order_amount: int | None = 0,
    starts_at: datetime.datetime | None = None,
    ends_at: datetime.datetime | None = None,
    usage_limit: int | None = None,
    usage_limit_per_customer: int | None = None,
    by: Actor,
) -> Voucher:
    """A producer's voucher (its lines only, it bears the discount) or, with producer=None, a staff voucher
    (the whole order, the platform bears it). Codes are unique whatever their case."""
    _require_manage(by=by, producer_id=producer.pk if producer is not None else None)
    code = normalize_code(code)
    starts_at = starts_at or timezone.now()
    min_order_amount = min_order_amount or 0
    _clean(
        code=code,
        value_type=value_type,
        value=value,
        min_order_amount=min_order_amount,
        starts_at=starts_at,
        ends_at=ends_at,
        usage_limit=usage_limit,
        usage_limit_per_customer=usage_limit_per_customer,
    )
    if Voucher.objects.filter(code=code).exists():
        raise _error("code", _("Mã này đã được dùng."), DiscountErrorCode.UNIQUE)
    try:
        with transaction.atomic():
            return Voucher.objects.create(
                producer=producer,
                code=code,
                name=(name or "").strip()[:120],
                value_type=value_type,
                value=value,
                min_order_amount=min_order_amount,
                starts_at=starts_at,
                ends_at=ends_at,
                usage_limit=usage_limit,
                usage_limit_per_customer=usage_limit_per_customer,
                created_by=acting_user(by),
            )
    except IntegrityError as exc:  # the same code created meanwhile
        raise _error("code", _("Mã này đã được dùng."), DiscountErrorCode.UNIQUE) from exc


@transaction.atomic
def voucher_deactivate(*, voucher: Voucher, by: Actor) -> Voucher:
    """Stop a voucher: carts holding its code lose the discount; orders already placed keep theirs."""
    _require_manage(by=by, producer_id=voucher.producer_id)
    voucher = Voucher.objects.select_for_update().get(pk=voucher.pk)
    if voucher.is_active:
        voucher.is_active = False
        voucher.save(update_fields=["is_active", "updated_at"])
    return voucher


@transaction.atomic
def voucher_redeem(
    *, voucher_id: int, order_id: int, lines: list[PricedLine], customer_key: str, amount: int, by: Actor
) -> VoucherUsage:
    """Count one use for an order being created (inside checkout_complete's transaction, after the stock
    locks). The voucher row is locked, every rule checked again, and the count raised only while under the
    limit: of two checkouts racing for the last use, one order is made and the other refused."""
    require_actor(by)
    voucher = Voucher.objects.select_for_update().filter(pk=voucher_id).first()
    refusal = voucher_refusal(voucher=voucher, lines=lines, customer_key=customer_key)
    if voucher is None or refusal is not None:
        refusal = refusal or voucher_refusal(voucher=None, lines=lines, customer_key=customer_key)
        assert refusal is not None
        raise _error("promo_code", refusal.message, refusal.code)
    counted = Voucher.objects.filter(
        Q(usage_limit__isnull=True) | Q(used__lt=F("usage_limit")), pk=voucher.pk
    ).update(used=F("used") + 1)
    if not counted:
        raise _error(
            "promo_code", _("Mã giảm giá đã hết lượt sử dụng."), DiscountErrorCode.VOUCHER_NOT_APPLICABLE
        )
    return VoucherUsage.objects.create(
        voucher=voucher, order_id=order_id, customer_key=customer_key.lower(), amount=amount
    )


@transaction.atomic
def voucher_usage_release(*, order_id: int, by: Actor) -> bool:
    """Give an order's use back to its voucher (and to the shopper's per-customer limit) when the whole
    order was cancelled. Called inside the orders service's cancel, which locked the order, its parts and
    the stock rows and decided who may cancel; the voucher row is locked last, as checkout_complete locks it
    after the stock. The usage row is kept, marked released, so a repeated call changes nothing. False when
    the order used no voucher or its use was already given back."""
    require_actor(by)
    usage = VoucherUsage.objects.filter(order_id=order_id, released_at__isnull=True).first()
    if usage is None:
        return False
    Voucher.objects.select_for_update().filter(pk=usage.voucher_id).first()
    released = VoucherUsage.objects.filter(pk=usage.pk, released_at__isnull=True).update(
        released_at=timezone.now()
    )
    if released:
        Voucher.objects.filter(pk=usage.voucher_id, used__gt=0).update(used=F("used") - 1)
    return bool(released)
