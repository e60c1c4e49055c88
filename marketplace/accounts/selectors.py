from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from marketplace.accounts.models import Address, User


def addresses_of(*, user: User | AnonymousUser) -> QuerySet[Address]:
    if not isinstance(user, User):  # an anonymous visitor has none
        return Address.objects.none()
    return Address.objects.filter(user=user).order_by("-is_default", "-created_at", "-id")


def default_address(*, user: User | AnonymousUser) -> Address | None:
    return addresses_of(user=user).first()
