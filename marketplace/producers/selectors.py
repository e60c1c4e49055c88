from django.db.models import QuerySet

from marketplace.producers.models import Producer


def producers_of_user(*, user) -> QuerySet[Producer]:
    if not user.is_authenticated:
        return Producer.objects.none()
    return Producer.objects.filter(memberships__user=user).order_by("name")


def user_is_member(*, user, producer_id: int) -> bool:
    return user.is_authenticated and user.producer_memberships.filter(producer_id=producer_id).exists()


def producer_email_recipients(producer: Producer) -> list[str]:
    """Where mail for a producer goes: its own address and its active members' (lower-case, each once).
    Uses `memberships__user` when the caller prefetched it."""
    memberships = producer.memberships.all()
    if "memberships" not in getattr(producer, "_prefetched_objects_cache", {}):
        memberships = memberships.select_related("user")
    emails = [producer.email, *(m.user.email for m in memberships if m.user.is_active)]
    return sorted({email.strip().lower() for email in emails if email and email.strip()})
