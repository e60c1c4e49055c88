"""Helpers for the money tests: paid orders through the real services."""

import datetime
import hashlib
import hmac
import json
import time

from django.utils import timezone

from marketplace.money.services import bank_account_set
from marketplace.orders.models import OrderPart
from marketplace.orders.services import (
    order_mark_paid,
    order_part_mark_delivered,
    order_part_mark_shipped,
)
from marketplace.producers.policies import SYSTEM_TASK, SYSTEM_WEBHOOK

BANK_SECRET = "bank-notify-test-secret"


def deliver(order, *, days_ago: int = 0) -> None:
    """Ship and deliver every part (the carrier's path), then date the delivery `days_ago`."""
    for part in OrderPart.objects.filter(order=order).order_by("pk"):
        order_part_mark_shipped(part=part, by=SYSTEM_TASK, tracking_code="GHN123")
        order_part_mark_delivered(part=part, by=SYSTEM_TASK)
    if days_ago:
        OrderPart.objects.filter(order=order).update(
            delivered_at=timezone.now() - datetime.timedelta(days=days_ago)
        )


def pay_by_transfer(order) -> None:
    order_mark_paid(order=order, by=SYSTEM_WEBHOOK)


def with_bank_account(
    producer, *, bin_: str = "970436", number: str = "0011001234567", name: str = ""
) -> None:
    bank_account_set(
        producer=producer,
        bank_bin=bin_,
        account_number=number,
        account_name=name or producer.name,
        by=SYSTEM_TASK,
    )


def bank_headers(body: bytes, *, secret: str = BANK_SECRET, timestamp: int | None = None) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {"HTTP_X_SIGNATURE": signature, "HTTP_X_TIMESTAMP": stamp}


def bank_body(*, provider_id: str, amount: int, content: str) -> bytes:
    return json.dumps(
        {
            "id": provider_id,
            "gateway": "Vietcombank",
            "transactionDate": "2026-07-02 10:15:00",
            "accountNumber": "0011000000000",
            "content": content,
            "transferType": "in",
            "transferAmount": amount,
            "referenceCode": f"FT{provider_id}",
        }
    ).encode()
