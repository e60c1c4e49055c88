"""Bulk issue and revoke: what imports of tens of thousands of rows use."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from marketplace.certification.models import Certification, CertificationState
from marketplace.certification.services import certifications_issue_bulk, certifications_revoke_bulk
from marketplace.producers.policies import SYSTEM_IMPORT
from tests.factories import CertificationFactory, DecisionFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_issue_bulk_supersedes_and_links_the_previous_certificate():
    rated = CertificationFactory(stars=3)
    fresh = ProductFactory()
    decision = DecisionFactory(date=timezone.localdate() - datetime.timedelta(days=5))

    issued = certifications_issue_bulk(
        decision=decision, ratings=[(rated.product_id, 4, 81), (fresh.pk, 3, None)], by=SYSTEM_IMPORT
    )

    rated.refresh_from_db()
    new = Certification.objects.get(pk=issued[rated.product_id])
    assert (rated.state, rated.superseded_by_id) == (CertificationState.SUPERSEDED, new.pk)
    assert (new.stars, new.score, new.state, new.valid_from) == (
        4,
        81,
        CertificationState.ACTIVE,
        decision.date,
    )
    assert Certification.objects.get(pk=issued[fresh.pk]).superseded_by_id is None


def test_issue_bulk_of_an_old_decision_records_expired_certificates():
    product = ProductFactory()
    issued = certifications_issue_bulk(
        decision=DecisionFactory(date=datetime.date(2019, 12, 23)),
        ratings=[(product.pk, 4, None)],
        by=SYSTEM_IMPORT,
    )
    cert = Certification.objects.get(pk=issued[product.pk])
    assert (cert.state, cert.valid_until) == (CertificationState.EXPIRED, datetime.date(2022, 12, 23))


@pytest.mark.parametrize("stars", [2, 6])
def test_issue_bulk_refuses_stars_outside_3_to_5(stars):
    product = ProductFactory()
    with pytest.raises(ValidationError):
        certifications_issue_bulk(
            decision=DecisionFactory(), ratings=[(product.pk, stars, None)], by=SYSTEM_IMPORT
        )
    assert not Certification.objects.exists()


def test_revoke_bulk_needs_a_revocation_decision():
    cert = CertificationFactory()
    with pytest.raises(ValidationError):
        certifications_revoke_bulk(decision=DecisionFactory(), certification_ids=[cert.pk], by=SYSTEM_IMPORT)
    revocation = DecisionFactory(kind="revocation")
    assert certifications_revoke_bulk(decision=revocation, certification_ids=[cert.pk], by=SYSTEM_IMPORT) == 1
    cert.refresh_from_db()
    assert (cert.state, cert.revoked_by) == (CertificationState.REVOKED, revocation)
