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
    company = Producer.objects.get(name="Công ty TNHH Trà và Đặc sản Tây Bắc")
    household = Producer.objects.get(name="Hộ kinh doanh Hoàng Thị Hoa")
    balances = balances_by_producer(producer_ids=[coop.pk, company.pk, household.pk])
    for producer in (coop, company, household):
        figures = balances[producer.pk]
        assert figures.paid > 0 and figures.payable > 0 and figures.pending > 0, (producer, figures)
        assert figures.balance == figures.payable + figures.pending
    assert LedgerEntry.objects.filter(producer=household, kind=LedgerKind.VAT_WITHHELD).count() == 3
    assert not LedgerEntry.objects.filter(producer=coop, kind=LedgerKind.VAT_WITHHELD).exists()
    entries = LedgerEntry.objects.count()
    assert demo_load().orders == 0
    assert LedgerEntry.objects.count() == entries

    for email, producer in (("bichthao@demo.ocop.vn", coop), ("taybac@demo.ocop.vn", company)):
        client.login(email=email, password="demo-ocop-2026")
        html = client.get(f"/seller/{producer.slug}/money/").content.decode()
        figures = balances[producer.pk]
        assert f'data-balance-vnd="{figures.balance}"' in html
        assert f'data-pending-vnd="{figures.pending}"' in html
        assert f'data-paid-vnd="{figures.paid}"' in html
        assert min(figures.balance, figures.pending, figures.paid) > 0
