"""The shipping rate engine: ONE function, `shipping_quote`, prices a producer's part of an order (the fee
and the delivery-time range) from the producer's province to the shopper's, by zone and weight, with the
producer's free-shipping threshold. The product page, the cart, the checkout, the order (and so the money
ledger's shipping_fee rows) and the GraphQL delivery methods all ask it.

`shipping_table()` loads what the quotes read (zones with their brackets, the platform default, the
producers' own thresholds) in three queries whatever the number of parts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from django.conf import settings

from marketplace.core import provinces
from marketplace.producers.models import Producer
from marketplace.shipping.models import ProducerShipping, ShippingSettings, ShippingZone, Zone
from marketplace.shipping.regions import region_of

# A variant without a weight ships as this much (the portal asks producers for the real one).
DEFAULT_WEIGHT_GRAMS = 500
# The platform's threshold when the settings row is missing (the migration seeds it with this value).
DEFAULT_FREE_OVER_VND = 500_000
SESSION_KEY = "shipping_province"


@dataclass(frozen=True)
class ZoneRates:
    days_min: int
    days_max: int
    extra_kg_fee: int
    brackets: tuple[tuple[int, int], ...]  # (up_to_grams, fee), lightest first

    def fee_for(self, weight_grams: int) -> int:
        for up_to, fee in self.brackets:
            if weight_grams <= up_to:
                return fee
        heaviest, fee = self.brackets[-1] if self.brackets else (0, 0)
        extra_kg = -(-(weight_grams - heaviest) // 1000)  # ceil
        return fee + extra_kg * self.extra_kg_fee


# What the migration seeds; used only if staff have deleted a zone's row altogether.
_SEED_BRACKETS = {
    Zone.SAME_PROVINCE.value: ((500, 16_000), (1_000, 20_000), (2_000, 25_000), (5_000, 35_000)),
    Zone.SAME_REGION.value: ((500, 22_000), (1_000, 28_000), (2_000, 35_000), (5_000, 50_000)),
    Zone.ACROSS_REGIONS.value: ((500, 30_000), (1_000, 38_000), (2_000, 48_000), (5_000, 70_000)),
}
FALLBACK_ZONES = {
    Zone.SAME_PROVINCE.value: ZoneRates(1, 2, 5_000, _SEED_BRACKETS[Zone.SAME_PROVINCE.value]),
    Zone.SAME_REGION.value: ZoneRates(2, 3, 7_000, _SEED_BRACKETS[Zone.SAME_REGION.value]),
    Zone.ACROSS_REGIONS.value: ZoneRates(3, 5, 10_000, _SEED_BRACKETS[Zone.ACROSS_REGIONS.value]),
}


@dataclass(frozen=True)
class ShippingTable:
    zones: dict[str, ZoneRates]
    default_free_over: int
    free_over_by_producer: dict[int, int] = field(default_factory=dict)

    def free_over(self, producer_id: int) -> int:
        return self.free_over_by_producer.get(producer_id, self.default_free_over)

    def with_producers(self, producers: Iterable[Producer]) -> ShippingTable:
        """This table with the thresholds of these producers, read from their `shipping` relation (loaded
        with select_related("…producer__shipping"): no query)."""
        own = dict(self.free_over_by_producer)
        for producer in producers:
            try:
                own[producer.pk] = producer.shipping.free_over_vnd
            except ProducerShipping.DoesNotExist:
                own.pop(producer.pk, None)
        return replace(self, free_over_by_producer=own)


@dataclass(frozen=True)
class ShippingQuote:
    """A producer part's shipping: `fee` is what the shopper pays (0 once the part reaches `free_over`),
    `base_fee` the fee before that."""

    zone: str
    fee: int
    base_fee: int
    days_min: int
    days_max: int
    free_over: int
    subtotal: int

    @property
    def days(self) -> str:
        """ "2-4" (the `data-delivery-days` format)."""
        return f"{self.days_min}-{self.days_max}"

    @property
    def is_free(self) -> bool:
        return self.fee == 0

    @property
    def left_for_free(self) -> int:
        """How much more of this producer's goods makes the part ship free (0 once it does)."""
        return max(self.free_over - self.subtotal, 0)

    @property
    def zone_label(self) -> str:
        return str(Zone(self.zone).label)


def shipping_table(*, producer_ids: Iterable[int] = ()) -> ShippingTable:
    """Zones with their brackets (one query), the platform default (one), the producers' thresholds (one,
    only when producers are given)."""
    zones = dict(FALLBACK_ZONES)
    heads: dict[str, tuple[int, int, int]] = {}
    brackets: dict[str, list[tuple[int, int]]] = {}
    # One query: the zones LEFT JOINed to their brackets (a zone without brackets still has its days).
    for code, days_min, days_max, extra, up_to, fee in ShippingZone.objects.values_list(
        "code", "days_min", "days_max", "extra_kg_fee_vnd", "rates__up_to_grams", "rates__fee_vnd"
    ):
        heads[code] = (days_min, days_max, extra)
        if up_to is not None:
            brackets.setdefault(code, []).append((up_to, fee))
    for code, (days_min, days_max, extra) in heads.items():
        zones[code] = ZoneRates(
            days_min=days_min,
            days_max=days_max,
            extra_kg_fee=extra,
            brackets=tuple(sorted(brackets.get(code, []))),
        )
    default = ShippingSettings.objects.filter(pk=1).values_list("free_over_vnd", flat=True).first()
    ids = sorted({int(pk) for pk in producer_ids})
    by_producer = (
        dict(ProducerShipping.objects.filter(producer_id__in=ids).values_list("producer_id", "free_over_vnd"))
        if ids
        else {}
    )
    return ShippingTable(
        zones=zones,
        default_free_over=DEFAULT_FREE_OVER_VND if default is None else int(default),
        free_over_by_producer={int(k): int(v) for k, v in by_producer.items()},
    )


def zone_between(from_province: str, to_province: str) -> str:
    if from_province and from_province == to_province:
        return Zone.SAME_PROVINCE.value
    region = region_of(from_province)
    if region and region == region_of(to_province):
        return Zone.SAME_REGION.value
    return Zone.ACROSS_REGIONS.value


def line_weight(weight_grams: int | None, quantity: int) -> int:
    return (weight_grams or DEFAULT_WEIGHT_GRAMS) * max(quantity, 0)


def shipping_quote(
    *,
    table: ShippingTable,
    producer_id: int,
    from_province: str,
    to_province: str,
    weight_grams: int,
    subtotal: int,
) -> ShippingQuote:
    """THE computation of a producer part's shipping fee and delivery estimate."""
    zone = zone_between(from_province, to_province)
    rates = table.zones.get(zone) or FALLBACK_ZONES[zone]
    base_fee = rates.fee_for(max(int(weight_grams), 1)) if subtotal > 0 else 0
    free_over = table.free_over(producer_id)
    fee = 0 if subtotal >= free_over else base_fee
    return ShippingQuote(
        zone=zone,
        fee=fee,
        base_fee=base_fee,
        days_min=rates.days_min,
        days_max=rates.days_max,
        free_over=free_over,
        subtotal=subtotal,
    )


def valid_province(code: object) -> str:
    return code if isinstance(code, str) and code in provinces.BY_CODE else ""


def shopper_province(*, session: Mapping, user: object) -> str:
    """Where the shopper's parcels go, for estimates: the province they chose (kept in the session), else
    their default address's, else settings.SHIPPING_DEFAULT_PROVINCE. One query at most (signed in, no
    choice yet)."""
    chosen = valid_province(session.get(SESSION_KEY))
    if chosen:
        return chosen
    if getattr(user, "is_authenticated", False) and getattr(user, "pk", None):
        from marketplace.accounts.models import Address

        default = (
            Address.objects.filter(user_id=user.pk)  # type: ignore[attr-defined]
            .order_by("-is_default", "-created_at", "-id")
            .values_list("province", flat=True)
            .first()
        )
        if valid_province(default):
            return str(default)
    return valid_province(settings.SHIPPING_DEFAULT_PROVINCE) or "ha-noi"
