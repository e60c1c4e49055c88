"""The only writers of certifications. Product rows are locked in ascending id order before any change."""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from marketplace.catalog.models import Product
from marketplace.certification.error_codes import CertificationErrorCode
from marketplace.certification.models import (
    Certification,
    CertificationState,
    Decision,
    DecisionKind,
    IssuerLevel,
)
from marketplace.core.dates import add_months
from marketplace.search.services import search_products_changed


def certificate_valid_until(decision_date: datetime.date) -> datetime.date:
    return add_months(decision_date, settings.CERTIFICATE_VALIDITY_MONTHS)


def issuer_level_for(issuer: str) -> str:
    """'Bộ Nông nghiệp…' → central, 'UBND huyện …' → district, otherwise province."""
    from marketplace.core.text import fold

    folded = fold(issuer)
    if folded.startswith("bo ") or "bo nong nghiep" in folded or "trung uong" in folded:
        return IssuerLevel.CENTRAL
    if "huyen" in folded or "thi xa" in folded:
        return IssuerLevel.DISTRICT
    return IssuerLevel.PROVINCE


@transaction.atomic
def decision_get_or_create(
    *,
    number: str,
    date: datetime.date,
    issuer: str,
    kind: str = DecisionKind.RECOGNITION,
    level: str | None = None,
    title: str = "",
    note: str = "",
    source_filename: str = "",
    source_checksum: str = "",
) -> tuple[Decision, bool]:
    if date > timezone.localdate():
        raise ValidationError(
            {"date": f"Ngày quyết định {date:%d/%m/%Y} ở tương lai."},
            code=CertificationErrorCode.FUTURE_DATE.value,
        )
    return Decision.objects.get_or_create(
        number=number.strip(),
        issuer=issuer.strip(),
        date=date,
        defaults={
            "kind": kind,
            "level": level or issuer_level_for(issuer),
            "title": title,
            "note": note,
            "source_filename": source_filename,
            "source_checksum": source_checksum,
        },
    )


def lock_products(product_ids: Iterable[int]) -> list[Product]:
    """Row locks in one order (ascending id), so concurrent imports and checkouts cannot deadlock."""
    return list(Product.objects.select_for_update().filter(pk__in=set(product_ids)).order_by("pk"))


@transaction.atomic
def certification_issue(
    *, product: Product, decision: Decision, stars: int, score: int | None = None
) -> Certification:
    """Record a (re-)rating: the product's current active certificate, if any, is superseded."""
    if decision.kind != DecisionKind.RECOGNITION:
        raise ValidationError("Only a recognition decision can issue stars.", code="wrong_decision_kind")
    if not 3 <= int(stars) <= 5:
        raise ValidationError(
            {"stars": f"Hạng sao phải từ 3 đến 5, nhận được {stars}."}, code="invalid_stars"
        )
    if score is not None and not 0 <= int(score) <= 100:
        raise ValidationError({"score": f"Điểm phải từ 0 đến 100, nhận được {score}."}, code="invalid_score")
    lock_products([product.pk])
    current = Certification.objects.filter(product=product, state=CertificationState.ACTIVE).first()
    if current is not None:
        current.state = CertificationState.SUPERSEDED
        current.ended_at = timezone.now()
        current.save(update_fields=["state", "ended_at"])
    valid_until = certificate_valid_until(decision.date)
    state = CertificationState.ACTIVE if valid_until >= timezone.localdate() else CertificationState.EXPIRED
    certification = Certification.objects.create(
        product=product,
        decision=decision,
        stars=stars,
        score=score,
        valid_from=decision.date,
        valid_until=valid_until,
        state=state,
        ended_at=None if state == CertificationState.ACTIVE else timezone.now(),
    )
    if current is not None:
        current.superseded_by = certification
        current.save(update_fields=["superseded_by"])
    search_products_changed(product_ids=[product.pk])
    return certification


@transaction.atomic
def certification_revoke(*, certification: Certification, decision: Decision) -> Certification:
    if decision.kind != DecisionKind.REVOCATION:
        raise ValidationError("Only a revocation decision can revoke.", code="wrong_decision_kind")
    lock_products([certification.product_id])
    certification.refresh_from_db()
    certification.state = CertificationState.REVOKED
    certification.revoked_by = decision
    certification.ended_at = timezone.now()
    certification.save(update_fields=["state", "revoked_by", "ended_at"])
    search_products_changed(product_ids=[certification.product_id])
    return certification


@transaction.atomic
def certifications_expire(*, today: datetime.date | None = None) -> list[int]:
    """Mark every active certificate past its valid_until as expired; returns the products affected.
    Idempotent: a second run the same day changes nothing."""
    today = today or timezone.localdate()
    due = Certification.objects.filter(state=CertificationState.ACTIVE, valid_until__lt=today)
    product_ids = sorted(set(due.values_list("product_id", flat=True)))
    if not product_ids:
        return []
    lock_products(product_ids)
    Certification.objects.filter(
        state=CertificationState.ACTIVE, valid_until__lt=today, product_id__in=product_ids
    ).update(state=CertificationState.EXPIRED, ended_at=timezone.now())
    search_products_changed(product_ids=product_ids)
    return product_ids
