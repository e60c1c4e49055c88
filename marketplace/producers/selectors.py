from django.db.models import QuerySet

from marketplace.producers.models import Producer


def producers_of_user(*, user) -> QuerySet[Producer]:
    if not user.is_authenticated:
        return Producer.objects.none()
    return Producer.objects.filter(memberships__user=user).order_by("name")


def user_is_member(*, user, producer_id: int) -> bool:
    return user.is_authenticated and user.producer_memberships.filter(producer_id=producer_id).exists()
