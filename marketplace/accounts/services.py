"""Shopper accounts: registration and saved delivery addresses."""

from urllib.parse import urlparse

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from marketplace.accounts.error_codes import AccountErrorCode
from marketplace.accounts.models import Address, User
from marketplace.core.addresses import clean_address
from marketplace.producers.policies import Actor, require_actor, require_self


@transaction.atomic
def user_register(*, email: str, password: str, first_name: str = "", last_name: str = "", by: Actor) -> User:
    require_actor(by)  # anyone may register (rate limits are the caller's); None is still refused
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError(
            {"email": ValidationError(_("Địa chỉ email không hợp lệ."), code=AccountErrorCode.INVALID.value)}
        ) from exc
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            {"email": ValidationError(_("Email này đã có tài khoản."), code=AccountErrorCode.UNIQUE.value)}
        )
    candidate = User(email=email, first_name=first_name.strip(), last_name=last_name.strip())
    try:
        password_validation.validate_password(password, candidate)
    except ValidationError as exc:
        raise ValidationError(
            {
                "password": [
                    ValidationError(m, code=AccountErrorCode.PASSWORD_TOO_WEAK.value) for m in exc.messages
                ]
            }
        ) from exc
    return User.objects.create_user(
        email=email, password=password, first_name=candidate.first_name, last_name=candidate.last_name
    )


@transaction.atomic
def address_create(
    *,
    user: User,
    full_name: str,
    phone: str,
    province: str,
    commune: str,
    street: str,
    is_default: bool = False,
    by: Actor,
) -> Address:
    require_self(by, user.pk)
    values = clean_address(
        full_name=full_name, phone=phone, province=province, commune=commune, street=street
    )
    User.objects.select_for_update().filter(pk=user.pk).first()  # serialise default changes per user
    first = not Address.objects.filter(user=user).exists()
    if is_default and not first:
        Address.objects.filter(user=user, is_default=True).update(is_default=False)
    return Address.objects.create(user=user, **values, is_default=is_default or first)


@transaction.atomic
def address_delete(*, user: User, address_id: int, by: Actor) -> None:
    require_self(by, user.pk)
    deleted, _count = Address.objects.filter(user=user, pk=address_id).delete()
    if not deleted:
        raise ValidationError(
            {"address": ValidationError(_("Không tìm thấy địa chỉ."), code=AccountErrorCode.NOT_FOUND.value)}
        )
    if not Address.objects.filter(user=user, is_default=True).exists():
        newest = Address.objects.filter(user=user).order_by("-created_at", "-id").first()
        if newest is not None:
            newest.is_default = True
            newest.save(update_fields=["is_default"])


@transaction.atomic
def user_tokens_revoke(*, user: User, by: User) -> None:
    """Invalidates every API token (access and refresh) issued to `user` so far; only the user may."""
    if by.pk != user.pk:
        raise PermissionError("only the user may revoke their own tokens")
    User.objects.filter(pk=user.pk).update(token_version=F("token_version") + 1)
    user.refresh_from_db(fields=["token_version"])


def password_reset_email_send(*, email: str, by: Actor) -> None:
    """Mails a reset link to the active account with this e-mail, if there is one (the caller says the same
    either way). The link starts with SITE_URL, never with the request's Host header. Anyone may ask (the
    link goes to the address's owner); the caller still says who asks."""
    require_actor(by)
    site = urlparse(settings.SITE_URL)
    form = PasswordResetForm(data={"email": email})
    if not form.is_valid():
        return
    form.save(
        domain_override=site.netloc,
        use_https=site.scheme == "https",
        subject_template_name="account/password_reset_subject.txt",
        email_template_name="account/password_reset_email.txt",
        extra_email_context={"site_url": settings.SITE_URL},
    )
