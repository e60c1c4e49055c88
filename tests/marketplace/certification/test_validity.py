import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from marketplace.catalog.selectors import products_visible_to_shoppers
from marketplace.certification.models import CertificationState, OcopStatus
from marketplace.certification.services import (
    certificate_valid_until,
    certification_issue,
    certification_revoke,
    certifications_expire,
)
from marketplace.core.dates import add_months
from marketplace.producers.policies import SYSTEM_IMPORT, SYSTEM_TASK
from tests.factories import CertificationFactory, DecisionFactory, ProductFactory


@pytest.mark.parametrize(
    ("decision_date", "expected"),
    [
        (datetime.date(2023, 12, 18), datetime.date(2026, 12, 18)),
        (datetime.date(2020, 12, 31), datetime.date(2023, 12, 31)),
        (datetime.date(2024, 2, 29), datetime.date(2027, 2, 28)),  # leap day clamps to month end
        (datetime.date(2023, 1, 31), datetime.date(2026, 1, 31)),
    ],
)
def test_certificate_is_valid_36_months_from_the_decision_date(decision_date, expected):
    assert certificate_valid_until(decision_date) == expected


def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(datetime.date(2025, 1, 31), 1) == datetime.date(2025, 2, 28)
    assert add_months(datetime.date(2025, 11, 30), 3) == datetime.date(2026, 2, 28)


@pytest.mark.django_db
def test_status_is_expiring_under_90_days_and_expired_after_valid_until():
    certification = CertificationFactory(decision=DecisionFactory(date=datetime.date(2023, 12, 18)))
    assert certification.valid_until == datetime.date(2026, 12, 18)
    assert certification.status_on(datetime.date(2026, 9, 19)) == OcopStatus.ACTIVE  # 90 days left
    assert certification.status_on(datetime.date(2026, 9, 20)) == OcopStatus.EXPIRING  # 89 days left
    assert certification.status_on(datetime.date(2026, 12, 18)) == OcopStatus.EXPIRING  # last valid day
    assert certification.status_on(datetime.date(2026, 12, 19)) == OcopStatus.EXPIRED


@pytest.mark.django_db
def test_issue_supersedes_the_current_certificate():
    product = ProductFactory()
    old = certification_issue(
        product=product, decision=DecisionFactory(date=datetime.date(2024, 1, 10)), stars=3, by=SYSTEM_IMPORT
    )
    new = certification_issue(
        product=product, decision=DecisionFactory(date=datetime.date(2025, 9, 1)), stars=4, by=SYSTEM_IMPORT
    )
    old.refresh_from_db()
    assert (old.state, old.superseded_by_id) == (CertificationState.SUPERSEDED, new.pk)
    assert (new.state, new.stars, new.valid_until) == (
        CertificationState.ACTIVE,
        4,
        datetime.date(2028, 9, 1),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("stars", [2, 6])
def test_issue_refuses_stars_outside_3_to_5(stars):
    product = ProductFactory()
    with pytest.raises(ValidationError):
        certification_issue(product=product, decision=DecisionFactory(), stars=stars, by=SYSTEM_IMPORT)
    assert not product.certifications.exists()


@pytest.mark.django_db
def test_issue_under_an_old_decision_records_an_expired_certificate():
    product = ProductFactory()
    certification = certification_issue(
        product=product, decision=DecisionFactory(date=datetime.date(2019, 12, 23)), stars=4, by=SYSTEM_IMPORT
    )
    assert certification.state == CertificationState.EXPIRED
    assert not products_visible_to_shoppers().filter(pk=product.pk).exists()


@pytest.mark.django_db
def test_revocation_ends_the_certificate_and_hides_the_product():
    certification = CertificationFactory()
    assert products_visible_to_shoppers().filter(pk=certification.product_id).exists()
    revocation = DecisionFactory(kind="revocation", number="3763/QĐ-UBND")
    certification_revoke(certification=certification, decision=revocation, by=SYSTEM_IMPORT)
    certification.refresh_from_db()
    assert (certification.state, certification.revoked_by_id) == (CertificationState.REVOKED, revocation.pk)
    assert not products_visible_to_shoppers().filter(pk=certification.product_id).exists()


@pytest.mark.django_db
def test_expire_marks_lapsed_certificates_once(capsys):
    lapsed = CertificationFactory(decision=DecisionFactory(date=datetime.date(2023, 1, 5)))
    valid = CertificationFactory(decision=DecisionFactory(date=datetime.date(2025, 1, 5)))
    today = datetime.date(2026, 11, 22)
    assert certifications_expire(today=today, by=SYSTEM_TASK) == [lapsed.product_id]
    assert certifications_expire(today=today, by=SYSTEM_TASK) == []
    lapsed.refresh_from_db()
    valid.refresh_from_db()
    assert (lapsed.state, valid.state) == (CertificationState.EXPIRED, CertificationState.ACTIVE)


@pytest.mark.django_db
def test_expire_command_reports_what_it_did(capsys):
    CertificationFactory(decision=DecisionFactory(date=datetime.date(2022, 1, 5)))
    call_command("expire_certifications")
    assert capsys.readouterr().out.splitlines()[0] == "Expired the certificates of 1 product(s)."
