"""The monthly withholding report and the payout file: exact rows, cells guarded against formulas."""

import datetime
import uuid

import pytest
from django.core.management import call_command
from django.utils import timezone

from marketplace.money.models import LedgerEntry, RefundMethod
from marketplace.money.selectors import payout_batch_csv, withholding_report_csv
from marketplace.money.services import payout_batch_create, refund_create
from marketplace.orders.models import OrderLine
from marketplace.producers.models import ProducerKind
from marketplace.producers.policies import SYSTEM_TASK
from tests.factories import ProducerFactory, staff_with
from tests.factories.money import deliver, pay_by_transfer, with_bank_account
from tests.factories.orders import buyable_variant, place_order

pytestmark = pytest.mark.django_db


def _sell(producer, *, price: int):
    order = place_order((buyable_variant(producer=producer, price=price), 1), payment_method="bank_transfer")
    pay_by_transfer(order)
    return order


def test_withholding_report_nets_reversals_and_totals(capsys):
    honey = ProducerFactory(
        kind=ProducerKind.HOUSEHOLD, name='=HYPERLINK("x")', registration_code="8012345678"
    )
    tea = ProducerFactory(kind=ProducerKind.HOUSEHOLD, name="Hộ chè Tà Xùa", registration_code="8099999999")
    ProducerFactory(kind=ProducerKind.COOPERATIVE)
    _sell(honey, price=600_000)  # VAT 6.000, PIT 3.000
    order = _sell(tea, price=123_457)  # VAT 1.235 (1.234,57), PIT 617
    deliver(order)
    refund_create(
        line=OrderLine.objects.get(part__order=order),
        quantity=1,
        amount=50_000,
        method=RefundMethod.BANK_TRANSFER,
        bank_reference="FT1",
        idempotency_key=str(uuid.uuid4()),
        reason="Trả một phần",
        restock=False,
        by=staff_with("money.add_refund"),
    )  # gives back VAT 500, PIT 250
    now = timezone.localtime()
    assert withholding_report_csv(year=now.year, month=now.month, by=SYSTEM_TASK).splitlines() == [
        "producer,registration_code,vat_withheld_vnd,pit_withheld_vnd,total_vnd",
        '"\'=HYPERLINK(""x"")",8012345678,6000,3000,9000',
        "Hộ chè Tà Xùa,8099999999,735,367,1102",
        "TOTAL,,6735,3367,10102",
    ]
    last_month = (now.replace(day=1) - datetime.timedelta(days=1)).strftime("%Y-%m")
    call_command("money_withholding_report", "--month", last_month)
    assert capsys.readouterr().out.splitlines()[1:] == ["TOTAL,,0,0,0"]
    assert (
        LedgerEntry.objects.filter(producer__kind=ProducerKind.COOPERATIVE, kind="vat_withheld").count() == 0
    )


def test_payout_file_guards_text_cells_against_formulas():
    producer = ProducerFactory(slug="ho-a")
    with_bank_account(producer, number="0011001234567", name="=cmd|' /C calc'!A0")
    order = _sell(producer, price=600_000)
    deliver(order, days_ago=30)
    staff = staff_with("money.add_payoutbatch")
    batch = payout_batch_create(by=staff, threshold=1)
    assert payout_batch_csv(batch, by=staff).splitlines()[1] == (
        f"0011001234567,970436,'=CMD|' /C CALC'!A0,540000,OCOP CHI TRA {batch.pk} HO-A"
    )
