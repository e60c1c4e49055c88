from django.db.models import QuerySet

from marketplace.accounts.models import Address


def addresses_of(*, user) -> QuerySet[Address]:
    if not getattr(user, "is_authenticated", False):
        return Address.objects.none()
    return Address.objects.filter(user=user).order_by("-is_default", "-created_at", "-id")


def default_address(*, user) -> Address | None:
    return addresses_of(user=user).first()
