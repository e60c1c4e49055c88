"""Certificates in each state a verification page shows, made through the certification services."""

import datetime

from django.utils import timezone

from marketplace.certification.models import Certification, DecisionKind
from marketplace.certification.services import (
    certification_issue,
    certification_revoke,
    certifications_expire,
)
from marketplace.core.dates import add_months
from marketplace.producers.policies import SYSTEM_IMPORT, SYSTEM_TASK
from tests.factories import DecisionFactory, ProductFactory, VariantFactory

STATUSES = ("valid", "expiring", "expired", "revoked", "superseded")


def _decided(days_ago: int = 0, months_ago: int = 0, **fields):
    today = timezone.localdate()
    return DecisionFactory(date=add_months(today, -months_ago) - datetime.timedelta(days=days_ago), **fields)


def certificate(status: str, *, product=None, stars: int = 4, **product_fields) -> Certification:
    """A product (on sale unless told otherwise) whose certificate shows `status` today."""
    if product is None:
        product = ProductFactory(**product_fields)
        VariantFactory(product=product)
    if status == "valid":
        return certification_issue(
            product=product, decision=_decided(days_ago=200), stars=stars, by=SYSTEM_IMPORT
        )
    if status == "expiring":  # 36 months minus 30 days ago: 30 days left (± month lengths)
        return certification_issue(
            product=product, decision=_decided(months_ago=36, days_ago=-30), stars=stars, by=SYSTEM_IMPORT
        )
    if status == "expired":
        certification = certification_issue(
            product=product, decision=_decided(months_ago=40), stars=stars, by=SYSTEM_IMPORT
        )
        certifications_expire(by=SYSTEM_TASK)
        certification.refresh_from_db()
        return certification
    if status == "revoked":
        certification = certification_issue(
            product=product, decision=_decided(days_ago=400), stars=stars, by=SYSTEM_IMPORT
        )
        revocation = _decided(days_ago=20, kind=DecisionKind.REVOCATION)
        return certification_revoke(certification=certification, decision=revocation, by=SYSTEM_IMPORT)
    if status == "superseded":
        old = certification_issue(
            product=product, decision=_decided(days_ago=700), stars=stars, by=SYSTEM_IMPORT
        )
        certification_issue(
            product=product, decision=_decided(days_ago=30), stars=min(stars + 1, 5), by=SYSTEM_IMPORT
        )
        old.refresh_from_db()
        return old
    raise ValueError(status)
