"""Reads of vouchers: finding one by code and saying why it cannot be used (the same checks at
checkoutAddPromoCode, on every read of the checkout and at checkoutComplete)."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.discounts.error_codes import DiscountErrorCode
from marketplace.discounts.models import CODE_MAX_LENGTH, Voucher, VoucherUsage
from marketplace.discounts.pricing import PricedLine, eligible_lines
from marketplace.producers.models import Producer


def normalize_code(code: str) -> str:
    return (code or "").strip().upper()[: CODE_MAX_LENGTH + 1]


def voucher_by_code(*, code: str) -> Voucher | None:
    code = normalize_code(code)
    if not code or len(code) > CODE_MAX_LENGTH:
        return None
    return Voucher.objects.select_related("producer").filter(code=code).first()


@dataclass(frozen=True)
class Refusal:
    code: DiscountErrorCode
    message: str


def invalid_code_refusal() -> Refusal:
    return Refusal(DiscountErrorCode.INVALID, _("Mã giảm giá không hợp lệ hoặc đã hết hạn."))


def voucher_refusal(
    *, voucher: Voucher | None, lines: Sequence[PricedLine], customer_key: str, count_usage: bool = True
) -> Refusal | None:
    """Why `voucher` cannot apply to these lines for this customer (None: it can). Unknown, inactive, not
    yet valid or expired codes are INVALID (one message: the answer tells a guesser nothing more); used up,
    below the minimum or for a producer with no line in the cart is VOUCHER_NOT_APPLICABLE."""
    now = timezone.now()
    if (
        voucher is None
        or not voucher.is_active
        or voucher.starts_at > now
        or (voucher.ends_at is not None and voucher.ends_at <= now)
    ):
        return invalid_code_refusal()
    not_applicable = DiscountErrorCode.VOUCHER_NOT_APPLICABLE
    if voucher.usage_limit is not None and voucher.used >= voucher.usage_limit:
        return Refusal(not_applicable, _("Mã giảm giá đã hết lượt sử dụng."))
    eligible = eligible_lines(voucher, lines)
    if not eligible:
        return Refusal(
            not_applicable,
            _("Mã giảm giá chỉ áp dụng cho sản phẩm của %(producer)s.")
            % {"producer": voucher.producer.name if voucher.producer else ""},
        )
    if sum(line.amount for line in eligible) < voucher.min_order_amount:
        return Refusal(
            not_applicable,
            _("Mã giảm giá áp dụng cho đơn từ %(amount)s đ.")
            % {"amount": f"{voucher.min_order_amount:,}".replace(",", ".")},
        )
    if count_usage and voucher.usage_limit_per_customer is not None and customer_key:
        used = VoucherUsage.objects.filter(
            voucher=voucher, customer_key=customer_key.lower(), released_at__isnull=True
        ).count()
        if used >= voucher.usage_limit_per_customer:
            return Refusal(not_applicable, _("Bạn đã dùng hết số lượt của mã giảm giá này."))
    return None


def vouchers_of_producer(*, producer: Producer) -> QuerySet[Voucher]:
    return Voucher.objects.filter(producer=producer).order_by("-created_at", "-id")


def vouchers_for_staff() -> QuerySet[Voucher]:
    return Voucher.objects.select_related("producer").order_by("-created_at", "-id")
