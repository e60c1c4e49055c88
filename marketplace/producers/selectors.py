from django.db.models import QuerySet

from marketplace.accounts.models import User
from marketplace.producers import policies
from marketplace.producers.models import Producer
from marketplace.producers.policies import Actor


def producers_of_user(*, user: Actor) -> QuerySet[Producer]:
    """The producers a user belongs to (the portal's switcher); the policy decides."""
    return policies.producer_ids_of_member(actor=user)


def producer_mail_recipients(*, producer: Producer) -> list[str]:
    """Who hears about a producer's business (orders, hidden products, expiring certificates): its own
    address and its active members' addresses, lower-cased, without duplicates, sorted."""
    emails = {producer.email.lower()} if producer.email else set()
    members = User.objects.filter(producer_memberships__producer_id=producer.pk, is_active=True)
    emails.update(email.lower() for email in members.exclude(email="").values_list("email", flat=True))
    return sorted(emails)
