"""The certificate-code migrations: 0003 adds the column, 0004 fills existing rows (and empties them on the
way back), 0005 makes it required; all reversible."""

import datetime
import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import ProductFactory

ADDED = ("certification", "0003_add_certificate_code_and_source_publishing")
FILLED = ("certification", "0004_fill_certificate_codes")
LATEST = ("certification", "0005_require_certificate_code")


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    executor.loader.build_graph()
    return executor.loader.project_state([target]).apps


@pytest.mark.django_db(transaction=True)
def test_existing_certificates_get_unique_codes_and_the_way_back_works():
    product_ids = [ProductFactory().pk for _ in range(3)]
    apps = _migrate(ADDED)
    Decision = apps.get_model("certification", "Decision")
    Certification = apps.get_model("certification", "Certification")
    decision = Decision.objects.create(
        number="1/QĐ", date=datetime.date(2025, 1, 2), issuer="UBND tỉnh Sơn La", level="province"
    )
    for product_id in product_ids:
        Certification.objects.create(
            product_id=product_id,
            decision=decision,
            stars=4,
            valid_from=decision.date,
            valid_until=datetime.date(2028, 1, 2),
        )
    assert set(Certification.objects.values_list("code", flat=True)) == {None}

    apps = _migrate(FILLED)
    codes = list(apps.get_model("certification", "Certification").objects.values_list("code", flat=True))
    assert len(set(codes)) == 3 and all(re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{8}", c) for c in codes)

    apps = _migrate(LATEST)
    assert sorted(
        apps.get_model("certification", "Certification").objects.values_list("code", flat=True)
    ) == sorted(codes)
    apps = _migrate(ADDED)  # back through 0005 and 0004
    assert set(apps.get_model("certification", "Certification").objects.values_list("code", flat=True)) == {
        None
    }
    _migrate(LATEST)
