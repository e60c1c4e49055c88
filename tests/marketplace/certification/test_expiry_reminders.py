"""Producers hear 30 days before a certificate ends, once; the daily work also expires certificates."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from marketplace.certification.models import CertificationState, ExpiryReminder
from marketplace.certification.services import certificate_valid_until, certification_reminders_send
from marketplace.certification.tasks import expire_certifications_task, send_expiry_reminders_task
from marketplace.core.dates import add_months
from marketplace.producers.policies import SYSTEM_TASK
from tests.factories import (
    CertificationFactory,
    DecisionFactory,
    MembershipFactory,
    ProducerFactory,
    ProductFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def certificate_ending_in(days: int, **product_fields):
    """A certificate whose valid_until is `days` from today (decision dated 36 months before that)."""
    end = TODAY + datetime.timedelta(days=days)
    decision = DecisionFactory(date=add_months(end, -36))
    product = ProductFactory(**product_fields)
    cert = CertificationFactory(product=product, decision=decision)
    if cert.valid_until != end:  # month-end clamping: pin the date the test is about
        cert.valid_until = end
        cert.save(update_fields=["valid_until"])
    return cert


def test_reminder_goes_to_producer_and_members_once(django_capture_on_commit_callbacks):
    producer = ProducerFactory(email="HTX@Example.vn")
    owner = MembershipFactory(producer=producer, user=UserFactory(email="owner@example.vn"))
    MembershipFactory(producer=producer, user=UserFactory(email="gone@example.vn", is_active=False))
    cert = certificate_ending_in(30, producer=producer, name="Cà phê Bích Thao")
    certificate_ending_in(31)  # not yet
    certificate_ending_in(-1)  # already past: the expiry task's business

    with django_capture_on_commit_callbacks(execute=True):
        assert certification_reminders_send(by=SYSTEM_TASK) == [cert.pk]

    [message] = mail.outbox
    assert sorted(message.to) == ["htx@example.vn", owner.user.email]
    assert "Cà phê Bích Thao" in message.subject
    assert f"{cert.valid_until:%d/%m/%Y}" in message.subject
    assert "còn 30 ngày" in message.body
    with django_capture_on_commit_callbacks(execute=True):
        assert certification_reminders_send(by=SYSTEM_TASK) == []  # sent once
    assert len(mail.outbox) == 1
    assert ExpiryReminder.objects.get().recipients == sorted(["htx@example.vn", owner.user.email])


def test_no_reminder_for_revoked_or_superseded_certificates():
    revoked = certificate_ending_in(10)
    revoked.state = CertificationState.REVOKED
    revoked.revoked_by = DecisionFactory(kind="revocation")
    revoked.save()
    superseded = certificate_ending_in(12)
    superseded.state = CertificationState.SUPERSEDED
    superseded.save()

    assert certification_reminders_send(by=SYSTEM_TASK) == []
    assert mail.outbox == []


def test_producer_without_any_address_is_recorded_without_mail():
    cert = certificate_ending_in(5, producer=ProducerFactory(email=""))

    assert send_expiry_reminders_task() == 1
    assert mail.outbox == []
    assert ExpiryReminder.objects.get().certification == cert


def test_daily_command_expires_and_reminds():
    ending = certificate_ending_in(20, producer=ProducerFactory(email="a@example.vn"))
    old = CertificationFactory(decision=DecisionFactory(date=datetime.date(2021, 1, 4)))
    assert old.valid_until == certificate_valid_until(datetime.date(2021, 1, 4))
    out = io.StringIO()

    call_command("expire_certifications", stdout=out)

    old.refresh_from_db()
    assert old.state == CertificationState.EXPIRED
    assert out.getvalue().splitlines() == [
        "Expired the certificates of 1 product(s).",
        "Sent expiry reminders for 1 certificate(s).",
    ]
    assert ExpiryReminder.objects.get().certification == ending
    assert expire_certifications_task() == 0  # idempotent
