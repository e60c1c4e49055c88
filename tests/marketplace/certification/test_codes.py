"""Certificate codes: every way a certificate is written gives it a unique 8-character Crockford code."""

import datetime
import re

import pytest
from django.db import connection
from django.utils import timezone

from marketplace.certification import codes
from marketplace.certification.models import Certification
from marketplace.certification.services import certifications_issue_bulk
from marketplace.producers.policies import SYSTEM_IMPORT
from tests.factories import CertificationFactory, DecisionFactory, ProductFactory

pytestmark = pytest.mark.django_db
CODE = re.compile(r"[0-9ABCDEFGHJKMNPQRSTVWXYZ]{8}")


def test_bulk_issue_raw_sql_and_the_orm_all_give_codes():
    decision = DecisionFactory(date=timezone.localdate() - datetime.timedelta(days=10))
    bulk = certifications_issue_bulk(
        decision=decision, ratings=[(ProductFactory().pk, 4, None) for _ in range(50)], by=SYSTEM_IMPORT
    )
    orm = CertificationFactory()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO certification_certification (product_id, decision_id, stars, valid_from, "
            "valid_until, state, created_at) VALUES (%s, %s, 3, %s, %s, 'active', now()) RETURNING code",
            [ProductFactory().pk, decision.pk, decision.date, decision.date + datetime.timedelta(days=900)],
        )
        raw = cursor.fetchone()[0]
    stored = list(Certification.objects.values_list("code", flat=True))
    assert len(stored) == len(set(stored)) == 52
    assert all(CODE.fullmatch(code) for code in stored)
    assert raw in stored and orm.code in stored
    assert set(Certification.objects.filter(pk__in=bulk.values()).values_list("code", flat=True)) <= set(
        stored
    )


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("7k3m-9qxd", "7K3M9QXD"),
        (" O1IL 2345 ", "01112345"),
        ("7K3M9QX", None),
        ("7K3M9QXU", None),
        ("", None),
    ],
)
def test_typed_codes_are_read_as_crockford(typed, stored):
    assert codes.normalise_certificate_code(typed) == stored
