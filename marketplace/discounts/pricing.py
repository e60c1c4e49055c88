"""The one rule for what a voucher takes off, used by the cart, the API and the order alike.

Whole dong throughout: a percentage is rounded half up on the eligible goods' subtotal; a fixed amount is
capped at that subtotal. The discount is then shared over the eligible lines in proportion to their
amounts (largest remainder), so the lines' discounts add up to it exactly. Shipping is never discounted."""

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

from marketplace.discounts.models import DiscountValueType, Voucher


@dataclass(frozen=True)
class PricedLine:
    key: Hashable
    producer_id: int
    amount: int  # unit price × quantity


@dataclass(frozen=True)
class Discount:
    voucher: Voucher
    amount: int
    producer_funded: bool
    by_line: dict = field(default_factory=dict)  # line key -> discount on that line

    @property
    def name(self) -> str:
        return self.voucher.name or self.voucher.code


def eligible_lines(voucher: Voucher, lines: Sequence[PricedLine]) -> list[PricedLine]:
    """A producer's voucher applies to that producer's lines only; staff's to every line."""
    return [line for line in lines if voucher.producer_id is None or line.producer_id == voucher.producer_id]


def discount_amount(voucher: Voucher, eligible_subtotal: int) -> int:
    if eligible_subtotal <= 0:
        return 0
    if voucher.value_type == DiscountValueType.PERCENTAGE:
        return (eligible_subtotal * voucher.value + 50) // 100
    return min(voucher.value, eligible_subtotal)


def allocate(total: int, lines: Sequence[PricedLine]) -> dict:
    """Share `total` over `lines` in proportion to their amounts, in whole dong, summing to `total`."""
    base = sum(line.amount for line in lines)
    if total <= 0 or base <= 0:
        return {line.key: 0 for line in lines}
    shares = {line.key: total * line.amount // base for line in lines}
    left = total - sum(shares.values())
    by_remainder = sorted(lines, key=lambda line: (-(total * line.amount % base), str(line.key)))
    for line in by_remainder[:left]:
        shares[line.key] += 1
    return shares


def voucher_discount(voucher: Voucher, lines: Sequence[PricedLine]) -> Discount:
    eligible = eligible_lines(voucher, lines)
    amount = discount_amount(voucher, sum(line.amount for line in eligible))
    return Discount(
        voucher=voucher,
        amount=amount,
        producer_funded=voucher.funded_by_producer,
        by_line=allocate(amount, eligible),
    )
