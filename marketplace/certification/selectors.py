import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.certification.codes import normalise_certificate_code
from marketplace.certification.models import (
    Certification,
    CertificationState,
    Decision,
    DecisionKind,
    OcopStatus,
)
from marketplace.core import provinces

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from marketplace.catalog.models import Product


def certifications_of_producer(*, producer_id: int) -> QuerySet[Certification]:
    return (
        Certification.objects.filter(product__producer_id=producer_id)
        .select_related("product", "decision")
        .order_by("-valid_from", "id")
    )


def products_certified_unlisted(
    *, producer_id: int, today: datetime.date | None = None
) -> "QuerySet[Product]":
    """A producer's products that an imported decision certified but nobody has listed yet: the portal
    offers them as "claim and list" (publishing makes them visible, the certificate already backs them)."""
    from marketplace.catalog.models import Product

    today = today or timezone.localdate()
    active = Certification.objects.filter(
        product=models.OuterRef("pk"), state=CertificationState.ACTIVE, valid_until__gte=today
    )
    return (
        Product.objects.filter(producer_id=producer_id, is_published=False)
        .filter(models.Exists(active))
        .select_related("category")
        .order_by("name", "id")
    )


# --- Public trust pages: verification, timeline, decisions, the open register -----------------------


class Outcome(models.TextChoices):
    """What a decision did to a product (the timeline's entries and the decision page's rows)."""

    NEW = "new", _("Công nhận mới")
    RENEWED = "renewed", _("Công nhận lại")
    UPGRADED = "upgraded", _("Nâng hạng")
    DOWNGRADED = "downgraded", _("Hạ hạng")
    REVOKED = "revoked", _("Thu hồi")
    EXPIRED = "expired", _("Hết hiệu lực")


def recognition_outcome(*, stars: int, previous_stars: int | None) -> str:
    if previous_stars is None:
        return Outcome.NEW
    if stars == previous_stars:
        return Outcome.RENEWED
    return Outcome.UPGRADED if stars > previous_stars else Outcome.DOWNGRADED


# The page's data-certificate-status values (stable: scripts and QR scans rely on them).
PAGE_STATUS = {
    OcopStatus.ACTIVE: "valid",
    OcopStatus.EXPIRING: "expiring",
    OcopStatus.EXPIRED: "expired",
    OcopStatus.REVOKED: "revoked",
    OcopStatus.SUPERSEDED: "superseded",
}


@dataclass(frozen=True)
class CertificateCheck:
    """What /v/<code>/ shows: the certificate with product, producer and decisions loaded, and its status
    today decided from dates (so correct on the day it lapses, whether or not the expiry task ran)."""

    certification: Certification
    status: str  # a PAGE_STATUS value
    days_left: int | None  # while valid
    product_on_sale: bool  # the product page exists for shoppers (imported or unlisted products: no)

    @property
    def successor(self) -> Certification | None:
        return self.certification.superseded_by


def certificate_check(*, code: str, today: datetime.date | None = None) -> CertificateCheck | None:
    """The verification of a certificate code, from ONE query (None: no such code)."""
    from marketplace.catalog.selectors import products_visible_to_shoppers

    today = today or timezone.localdate()
    normalised = normalise_certificate_code(code)
    if normalised is None:
        return None
    on_sale = products_visible_to_shoppers(today=today).filter(pk=models.OuterRef("product_id"))
    certification = (
        Certification.objects.filter(code=normalised)
        .select_related("product__producer", "decision", "revoked_by", "superseded_by__decision")
        .annotate(product_on_sale=models.Exists(on_sale))
        .first()
    )
    if certification is None:
        return None
    status = certification.status_on(today)
    valid = certification.is_valid_on(today)
    return CertificateCheck(
        certification=certification,
        status=PAGE_STATUS[status],
        days_left=(certification.valid_until - today).days if valid else None,
        product_on_sale=certification.product_on_sale,
    )


@dataclass(frozen=True)
class TimelineEvent:
    outcome: str  # an Outcome value
    date: datetime.date
    decision: Decision  # the decision that did it (for an expiry: the one whose certificate ran out)
    certification: Certification
    previous_stars: int | None = None

    @property
    def stars(self) -> int:
        return self.certification.stars


def certification_timeline(
    certifications: list[Certification], *, today: datetime.date | None = None
) -> list[TimelineEvent]:
    """A product's certification history, newest first, from its certificates (each with `decision` and
    `revoked_by` loaded): every recognition, re-rating and renewal, revocation and expiry, with dates.
    No query: callers load the certificates with `timeline_certifications`."""
    today = today or timezone.localdate()
    ordered = sorted(certifications, key=lambda c: (c.valid_from, c.pk))
    events: list[TimelineEvent] = []
    previous = None
    for position, cert in enumerate(ordered):
        events.append(
            TimelineEvent(
                outcome=recognition_outcome(
                    stars=cert.stars, previous_stars=previous.stars if previous else None
                ),
                date=cert.valid_from,
                decision=cert.decision,
                certification=cert,
                previous_stars=previous.stars if previous else None,
            )
        )
        following = ordered[position + 1] if position + 1 < len(ordered) else None
        if cert.state == CertificationState.REVOKED and cert.revoked_by is not None:
            events.append(
                TimelineEvent(
                    outcome=Outcome.REVOKED,
                    date=cert.revoked_by.date,
                    decision=cert.revoked_by,
                    certification=cert,
                )
            )
        elif cert.status_on(today) == OcopStatus.EXPIRED or (
            # Lapsed before a later decision re-rated the product.
            following is not None and following.valid_from > cert.valid_until
        ):
            events.append(
                TimelineEvent(
                    outcome=Outcome.EXPIRED, date=cert.valid_until, decision=cert.decision, certification=cert
                )
            )
        previous = cert
    order: dict[str, int] = {
        Outcome.EXPIRED: 0,
        Outcome.REVOKED: 1,
    }  # an end sorts before a start on the same day
    events.sort(key=lambda e: (e.date, -order.get(e.outcome, 2), e.certification.pk), reverse=True)
    return events


def timeline_certifications() -> QuerySet[Certification]:
    """The certificates a timeline needs, for a Prefetch or a filter by product."""
    return Certification.objects.select_related("decision", "revoked_by").order_by("valid_from", "id")


def decision_public(*, decision_id: int) -> Decision | None:
    return Decision.objects.filter(pk=decision_id).first()


class _PreviousStars(TypedDict):
    previous_stars: int | None


if TYPE_CHECKING:
    DecisionRow = WithAnnotations[Certification, _PreviousStars]


def decision_products(*, decision: Decision) -> "QuerySet[DecisionRow]":
    """The certificates a decision issued or revoked, each with product, producer and `previous_stars` (the
    rating the product held before, None for a new one): one query per page, whatever its size."""
    if decision.kind == DecisionKind.REVOCATION:
        rows = Certification.objects.filter(revoked_by=decision).annotate(
            previous_stars=models.Value(None, output_field=models.IntegerField())
        )
    else:
        earlier = Certification.objects.filter(product=models.OuterRef("product_id")).filter(
            models.Q(valid_from__lt=models.OuterRef("valid_from"))
            | models.Q(valid_from=models.OuterRef("valid_from"), pk__lt=models.OuterRef("pk"))
        )
        rows = Certification.objects.filter(decision=decision).annotate(
            previous_stars=models.Subquery(earlier.order_by("-valid_from", "-id").values("stars")[:1])
        )
    return rows.select_related("product__producer").order_by("product__name", "id")


def decision_outcome(*, decision: Decision, certification: "DecisionRow") -> str:
    if decision.kind == DecisionKind.REVOCATION:
        return Outcome.REVOKED
    return recognition_outcome(stars=certification.stars, previous_stars=certification.previous_stars)


def certificate_verify_url(code: str) -> str:
    """The absolute address printed in QR labels and the open data (the stable /v/<code>/ path)."""
    return f"{settings.SITE_URL.rstrip('/')}/v/{code}/"


# The open register's columns, in file order (CSV header, JSON keys); stable for the people who read it.
REGISTER_FIELDS = (
    "code",
    "product",
    "product_slug",
    "producer",
    "producer_slug",
    "province",
    "stars",
    "decision_number",
    "decision_date",
    "issuer",
    "valid_until",
    "verify_url",
)


# Columns read for the register: plain values, not model instances (a fifth of the time for 20,000 rows).
_REGISTER_VALUES = (
    "code",
    "product__name",
    "product__slug",
    "product__producer__name",
    "product__producer__slug",
    "product__producer__province",
    "stars",
    "decision__number",
    "decision__date",
    "decision__issuer",
    "valid_until",
)


def register_entry(row: tuple) -> dict:
    """One register row, from a certificate_register() row: REGISTER_FIELDS with dates as ISO strings."""
    code, product, product_slug, producer, producer_slug, province, stars, number, date, issuer, until = row
    return {
        "code": code,
        "product": product,
        "product_slug": product_slug,
        "producer": producer,
        "producer_slug": producer_slug,
        "province": provinces.name_of(province),
        "stars": stars,
        "decision_number": number,
        "decision_date": date.isoformat(),
        "issuer": issuer,
        "valid_until": until.isoformat(),
        "verify_url": certificate_verify_url(code),
    }


def certificate_register(*, today: datetime.date | None = None) -> QuerySet:
    """The current register: every certificate that backs a star today, by code (stable pages), as rows
    for `register_entry`. The rule is the storefront's (active_certifications)."""
    from marketplace.catalog.selectors import active_certifications

    return active_certifications(today=today).order_by("code").values_list(*_REGISTER_VALUES)
