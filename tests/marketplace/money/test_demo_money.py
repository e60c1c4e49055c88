"""After `make run` (load_demo) the money page shows real figures: paid out, payable and pending."""

import pytest

from marketplace.core.demo.loader import demo_load
from marketplace.money.models import LedgerEntry, LedgerKind
from marketplace.money.selectors import balances_by_producer
from marketplace.producers.models import Producer

pytestmark = pytest.mark.django_db


def test_demo_has_paid_delivered_orders_with_ledger_figures(settings, client):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    assert demo_load().orders == 3
    coop = Producer.objects.get(name="HTX Cà phê Bích Thao")
    household = Producer.objects.get(name="Hộ kinh doanh Hoàng Thị Hoa")
    balances = balances_by_producer(producer_ids=[coop.pk, household.pk])
    for producer in (coop, household):
        figures = balances[producer.pk]
        assert figures.paid > 0 and figures.payable > 0 and figures.pending > 0, (producer, figures)
        assert figures.balance == figures.payable + figures.pending
    assert LedgerEntry.objects.filter(producer=household, kind=LedgerKind.VAT_WITHHELD).count() == 3
    assert not LedgerEntry.objects.filter(producer=coop, kind=LedgerKind.VAT_WITHHELD).exists()
    entries = LedgerEntry.objects.count()
    assert demo_load().orders == 0
    assert LedgerEntry.objects.count() == entries

    client.login(email="bichthao@demo.ocop.vn", password="demo-ocop-2026")
    html = client.get(f"/seller/{coop.slug}/money/").content.decode()
    assert f'data-balance-vnd="{balances[coop.pk].balance}"' in html
    assert f'data-paid-vnd="{balances[coop.pk].paid}"' in html
