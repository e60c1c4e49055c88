"""COD remittance statements: plan, then apply; mismatches reported row by row, nothing applied twice."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from marketplace.money.models import CodRemittance
from marketplace.money.selectors import balances_by_producer
from tests.factories import ProducerFactory, staff_with
from tests.factories.money import deliver
from tests.factories.orders import buyable_variant, place_order

pytestmark = pytest.mark.django_db


def _statement(tmp_path, rows: list[str]):
    path = tmp_path / "cod.csv"
    path.write_text("order_reference,amount,date\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_plan_then_apply_reports_each_mismatch_and_applies_once(tmp_path, capsys, settings):
    settings.MONEY_COMMISSION_DEFAULT_BP = 1000
    producer = ProducerFactory()
    cod = place_order((buyable_variant(producer=producer, price=250_000), 2), payment_method="cod")
    other = place_order((buyable_variant(price=100_000), 1), payment_method="cod")
    transfer = place_order((buyable_variant(price=100_000), 1), payment_method="bank_transfer")
    deliver(cod, days_ago=10)
    path = _statement(
        tmp_path,
        [
            f"{cod.number},500000,2026-07-03",
            f"{other.number},120000,03/07/2026",
            "DH9999999,10000,2026-07-03",
            f"{cod.number},500000,2026-07-03",
            f"{transfer.number},130000,2026-07-03",
            f"{other.number},abc,2026-07-03",
        ],
    )
    call_command("cod_remittance_import", str(path))
    out = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[-1] for line in out[:-1]] == [
        "apply",
        "amount_mismatch",
        "unknown_order",
        "duplicate",
        "not_cod",
        "invalid",
    ]
    assert out[-1] == "would apply 1 of 6 rows"
    assert not CodRemittance.objects.exists()
    assert balances_by_producer(producer_ids=[producer.pk])[producer.pk].payable == 0

    call_command("cod_remittance_import", str(path), "--apply")
    assert capsys.readouterr().out.splitlines()[-1] == "applied 1 of 6 rows"
    assert list(CodRemittance.objects.values_list("order_id", "amount")) == [(cod.pk, 500_000)]
    assert balances_by_producer(producer_ids=[producer.pk])[producer.pk].payable == 450_000

    call_command("cod_remittance_import", str(path), "--apply")  # the same statement again
    assert capsys.readouterr().out.splitlines()[0].endswith("duplicate")
    assert CodRemittance.objects.count() == 1


def test_bad_file_is_refused_with_a_message(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("ma_don,tien\nDH1,1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="order_reference, amount, date"):
        call_command("cod_remittance_import", str(path))


def test_admin_upload_plans_and_only_permitted_staff_apply(client, tmp_path):
    order = place_order((buyable_variant(price=250_000), 2), payment_method="cod")
    path = _statement(tmp_path, [f"{order.number},500000,2026-07-03"])
    viewer = staff_with("money.view_codremittance")
    client.force_login(viewer)
    with path.open("rb") as handle:
        response = client.post("/admin/money/codremittance/upload/", {"file": handle})
    assert 'data-outcome="apply"' in response.content.decode()
    with path.open("rb") as handle:
        response = client.post("/admin/money/codremittance/upload/", {"file": handle, "apply": "on"})
    assert "không có quyền" in response.content.decode()
    assert not CodRemittance.objects.exists()
    client.force_login(staff_with("money.view_codremittance", "money.add_codremittance"))
    with path.open("rb") as handle:
        client.post("/admin/money/codremittance/upload/", {"file": handle, "apply": "on"})
    assert CodRemittance.objects.get().order_id == order.pk
