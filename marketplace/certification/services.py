"""The only writers of certifications. Product rows are locked in ascending id order before any change."""

import datetime
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from marketplace.catalog.models import Product
from marketplace.certification.bulk import copy_insert, reserve_ids
from marketplace.certification.error_codes import CertificationErrorCode
from marketplace.certification.models import (
    Certification,
    CertificationState,
    Decision,
    DecisionKind,
    IssuerLevel,
)
from marketplace.core.dates import add_months
from marketplace.producers.selectors import producer_email_recipients
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


def lock_product_ids(product_ids: Iterable[int]) -> list[int]:
    """lock_products without loading the rows: for imports that lock tens of thousands at once."""
    ids = Product.objects.select_for_update().filter(pk__any=sorted(set(product_ids))).order_by("pk")
    return list(ids.values_list("pk", flat=True))


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


@transaction.atomic
def certifications_issue_bulk(
    *, decision: Decision, ratings: Sequence[tuple[int, int, int | None]]
) -> dict[int, int]:
    """certification_issue for many products at once (product_id, stars, score): one lock, one update to
    supersede the current certificates, one insert. Used by decision imports of tens of thousands of rows.
    Returns {product_id: new certification id}."""
    if decision.kind != DecisionKind.RECOGNITION:
        raise ValidationError("Only a recognition decision can issue stars.", code="wrong_decision_kind")
    for product_id, stars, score in ratings:
        if not 3 <= int(stars) <= 5:
            raise ValidationError(
                {"stars": f"Hạng sao phải từ 3 đến 5, nhận được {stars} (sản phẩm {product_id})."},
                code=CertificationErrorCode.INVALID_STARS.value,
            )
        if score is not None and not 0 <= int(score) <= 100:
            raise ValidationError(
                {"score": f"Điểm phải từ 0 đến 100, nhận được {score}."},
                code=CertificationErrorCode.INVALID_SCORE.value,
            )
    product_ids = [product_id for product_id, _, _ in ratings]
    if len(set(product_ids)) != len(product_ids):
        raise ValidationError("A product can be rated once per decision.", code="duplicate_product")
    if not product_ids:
        return {}
    lock_product_ids(product_ids)
    now = timezone.now()
    valid_until = certificate_valid_until(decision.date)
    state = CertificationState.ACTIVE if valid_until >= timezone.localdate() else CertificationState.EXPIRED
    ended_at = None if state == CertificationState.ACTIVE else now
    ids = reserve_ids(Certification, len(ratings))
    # Supersede the current certificates and link each to its successor in one statement, before the insert
    # (one active certificate per product). The successors do not exist yet: Django's foreign keys are
    # deferred, so superseded_by is checked at commit.
    table = Certification._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS old SET state = %s, ended_at = %s, superseded_by_id = new.id "  # noqa: S608
            "FROM unnest(%s::bigint[], %s::bigint[]) AS new(product_id, id) "
            "WHERE old.product_id = new.product_id AND old.state = %s",
            [CertificationState.SUPERSEDED.value, now, product_ids, ids, CertificationState.ACTIVE.value],
        )
    copy_insert(
        Certification,
        [
            "id",
            "product",
            "decision",
            "stars",
            "score",
            "valid_from",
            "valid_until",
            "state",
            "ended_at",
            "created_at",
        ],
        (
            (pk, product_id, decision.pk, stars, score, decision.date, valid_until, state, ended_at, now)
            for pk, (product_id, stars, score) in zip(ids, ratings, strict=True)
        ),
    )
    search_products_changed(product_ids=product_ids)
    return dict(zip(product_ids, ids, strict=True))


@transaction.atomic
def certifications_revoke_bulk(*, decision: Decision, certification_ids: Sequence[int]) -> int:
    """End the cited certificates under a revocation decision; their products leave the storefront at once."""
    if decision.kind != DecisionKind.REVOCATION:
        raise ValidationError("Only a revocation decision can revoke.", code="wrong_decision_kind")
    certifications = Certification.objects.filter(pk__any=certification_ids)
    product_ids = list(certifications.values_list("product_id", flat=True))
    lock_product_ids(product_ids)
    search_products_changed(product_ids=product_ids)
    return certifications.update(
        state=CertificationState.REVOKED, revoked_by=decision, ended_at=timezone.now()
    )


@transaction.atomic
def certification_reminders_send(*, today: datetime.date | None = None) -> list[int]:
    """E-mail each producer once about every certificate ending within CERTIFICATE_REMINDER_DAYS (30 days):
    to the producer's address and its members'. Returns the certificates reminded about. A reminder row is
    written first (one per certificate, enforced by the database), the e-mail leaves after commit."""
    from django.core.mail import send_mail
    from django.template.loader import render_to_string

    from marketplace.certification.models import ExpiryReminder

    today = today or timezone.localdate()
    due = (
        Certification.objects.filter(
            state=CertificationState.ACTIVE,
            valid_until__gte=today,
            valid_until__lte=today + datetime.timedelta(days=settings.CERTIFICATE_REMINDER_DAYS),
            expiry_reminder__isnull=True,
        )
        .select_related("product__producer", "decision")
        .prefetch_related("product__producer__memberships__user")
        .select_for_update(of=("self",), skip_locked=True)
        .order_by("valid_until", "id")
    )
    reminded = []
    for certification in due:
        producer = certification.product.producer
        recipients = producer_email_recipients(producer)
        ExpiryReminder.objects.create(certification=certification, recipients=recipients)
        reminded.append(certification.pk)
        if not recipients:
            continue
        context = {
            "certification": certification,
            "product": certification.product,
            "producer": producer,
            "days_left": (certification.valid_until - today).days,
            "site_url": settings.SITE_URL,
        }
        subject = (
            f"OCOP {certification.stars} sao của “{certification.product.name}” hết hạn ngày "
            f"{certification.valid_until:%d/%m/%Y}"
        )
        body = render_to_string("certification/expiry_reminder.txt", context)
        transaction.on_commit(
            lambda s=subject, b=body, r=recipients: send_mail(s, b, settings.DEFAULT_FROM_EMAIL, r)
        )
    return reminded
