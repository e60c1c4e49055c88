"""Shopper accounts: registration and saved delivery addresses."""

from urllib.parse import urlencode, urlparse

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from marketplace.accounts.error_codes import AccountErrorCode
from marketplace.accounts.models import Address, User
from marketplace.core.addresses import clean_address
from marketplace.producers.policies import Actor, require_actor, require_own_account_deletable, require_self


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
    _validate_new_password(password, candidate, field="password")
    return User.objects.create_user(
        email=email, password=password, first_name=candidate.first_name, last_name=candidate.last_name
    )


# A saved address holds at most this many; the address book is a convenience, not a contact list.
MAX_ADDRESSES = 20


def _clean(*, full_name: str, phone: str, province: str, commune: str, street: str) -> dict[str, str]:
    """The one delivery-address rule (core.addresses), as checkout applies it."""
    return clean_address(full_name=full_name, phone=phone, province=province, commune=commune, street=street)


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
    values = _clean(full_name=full_name, phone=phone, province=province, commune=commune, street=street)
    User.objects.select_for_update().filter(pk=user.pk).first()  # serialise default changes per user
    count = Address.objects.filter(user=user).count()
    if count >= MAX_ADDRESSES:
        raise ValidationError(
            _("Sổ địa chỉ chứa tối đa %(count)s địa chỉ.") % {"count": MAX_ADDRESSES},
            code=AccountErrorCode.INVALID.value,
        )
    if is_default and count:
        Address.objects.filter(user=user, is_default=True).update(is_default=False)
    return Address.objects.create(user=user, **values, is_default=is_default or not count)


def _own_address(*, user: User, address_id: int) -> Address:
    address = Address.objects.select_for_update().filter(user=user, pk=address_id).first()
    if address is None:
        raise ValidationError(
            {"address": ValidationError(_("Không tìm thấy địa chỉ."), code=AccountErrorCode.NOT_FOUND.value)}
        )
    return address


@transaction.atomic
def address_update(
    *,
    user: User,
    address_id: int,
    full_name: str,
    phone: str,
    province: str,
    commune: str,
    street: str,
    by: Actor,
) -> Address:
    require_self(by, user.pk)
    values = _clean(full_name=full_name, phone=phone, province=province, commune=commune, street=street)
    address = _own_address(user=user, address_id=address_id)
    for name, value in values.items():
        setattr(address, name, value)
    address.save(update_fields=list(values))
    return address


@transaction.atomic
def address_set_default(*, user: User, address_id: int, by: Actor) -> Address:
    """One default address serves both delivery and billing (Saleor's SHIPPING and BILLING)."""
    require_self(by, user.pk)
    User.objects.select_for_update().filter(pk=user.pk).first()
    address = _own_address(user=user, address_id=address_id)
    Address.objects.filter(user=user, is_default=True).exclude(pk=address.pk).update(is_default=False)
    if not address.is_default:
        address.is_default = True
        address.save(update_fields=["is_default"])
    return address


@transaction.atomic
def user_update(*, user: User, first_name: str, last_name: str, by: Actor) -> User:
    require_self(by, user.pk)
    user.first_name, user.last_name = first_name.strip(), last_name.strip()
    user.clean_fields(
        exclude=[f.name for f in User._meta.fields if f.name not in ("first_name", "last_name")]
    )
    user.save(update_fields=["first_name", "last_name"])
    return user


@transaction.atomic
def user_password_change(*, user: User, old_password: str, new_password: str, by: Actor) -> User:
    """A new password after checking the current one; every API token issued before stops working (their
    fingerprint holds the password hash)."""
    require_self(by, user.pk)
    if not user.check_password(old_password):
        raise ValidationError(
            {
                "old_password": ValidationError(
                    _("Mật khẩu hiện tại không đúng."), code=AccountErrorCode.INVALID_PASSWORD.value
                )
            }
        )
    _validate_new_password(new_password, user, field="new_password")
    user.set_password(new_password)
    user.save(update_fields=["password"])
    return user


def _validate_new_password(password: str, user: User, *, field: str) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError(
            {field: [ValidationError(m, code=AccountErrorCode.PASSWORD_TOO_WEAK.value) for m in exc.messages]}
        ) from exc


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


@transaction.atomic
def password_reset_complete(*, email: str, token: str, password: str, by: Actor) -> User:
    """A new password with the token of a reset e-mail (password_reset_email_send): the token the web reset
    page checks (Django's token generator), so it works once and expires with PASSWORD_RESET_TIMEOUT. An
    unknown e-mail and a bad token are refused alike (nothing tells whether an account exists)."""
    require_actor(by)
    user = User.objects.filter(email__iexact=(email or "").strip(), is_active=True).first()
    if user is None or not default_token_generator.check_token(user, token or ""):
        raise ValidationError(
            {
                "token": ValidationError(
                    _("Liên kết đặt lại mật khẩu không hợp lệ hoặc đã hết hạn."),
                    code=AccountErrorCode.INVALID.value,
                )
            }
        )
    _validate_new_password(password, user, field="password")
    user.set_password(password)
    user.save(update_fields=["password"])  # changes the hash: the token and every API token stop working
    return user


class _AccountDeletionTokens(PasswordResetTokenGenerator):
    """One-time tokens for deleting an account: bound to the password hash, last sign-in and e-mail (as reset
    tokens are), under their own salt so a reset token never deletes and a deletion token never resets."""

    key_salt = "marketplace.accounts.services.account_deletion"


account_deletion_tokens = _AccountDeletionTokens()
# Orders still on their way keep the recipient's details until they end (the producer must deliver them).
_OPEN_ORDER_STATUSES = ("unconfirmed", "confirmed", "shipped")


def _deletion_blocked_by_open_orders(user: User) -> None:
    from marketplace.orders.models import Order

    if Order.objects.filter(user=user, status__in=_OPEN_ORDER_STATUSES).exists():
        raise ValidationError(
            {
                "user": ValidationError(
                    _(
                        "Bạn còn đơn hàng chưa hoàn tất; có thể xoá tài khoản sau khi các đơn đã giao hoặc "
                        "đã huỷ."
                    ),
                    code=AccountErrorCode.INVALID.value,
                )
            }
        )


@transaction.atomic
def account_deletion_request(*, user: User, redirect_url: str = "", by: Actor) -> None:
    """E-mails the account's owner a one-time token (and, for an http(s) `redirect_url`, a link carrying it)
    that `account_delete` asks for: deleting personal data needs the mailbox as well as the session."""
    require_own_account_deletable(by, user.pk)
    _deletion_blocked_by_open_orders(user)
    token = account_deletion_tokens.make_token(user)
    link = ""
    parsed = urlparse(redirect_url or "")
    if parsed.scheme in ("http", "https") and parsed.netloc:
        joiner = "&" if parsed.query else "?"
        link = f"{redirect_url}{joiner}{urlencode({'email': user.email, 'token': token})}"
    subject = _("Xác nhận xoá tài khoản OCOP Marketplace")
    body = _(
        "Chúng tôi nhận được yêu cầu xoá tài khoản %(email)s và dữ liệu cá nhân của bạn.\n\n"
        "Mã xác nhận: %(token)s\n%(link)s\n"
        "Sau khi xoá: tên, số điện thoại, địa chỉ và lịch sử đăng nhập bị xoá; các đơn hàng đã mua được "
        "giữ lại không kèm thông tin cá nhân vì nghĩa vụ kế toán, thuế. "
        "Nếu bạn không yêu cầu, hãy bỏ qua thư này."
    ) % {"email": user.email, "token": token, "link": link}
    recipient = user.email
    transaction.on_commit(lambda: send_mail(subject, body, None, [recipient]))


@transaction.atomic
def account_delete(*, user: User, token: str, by: Actor) -> User:
    """Deletes the personal data of `user` (Vietnam's 2025 personal data protection law) with the token of
    `account_deletion_request`. The account row stays as an anonymous, inactive shell so that finished
    orders (kept for accounting and tax) and public reviews keep their references; name, phone, e-mail,
    password, saved addresses, carts and sign-in records go, and every session and API token stops working.
    Orders keep their province, lines and amounts; recipient, phone, e-mail, street, commune, note and IP are
    cleared."""
    require_own_account_deletable(by, user.pk)
    user = User.objects.select_for_update().get(pk=user.pk)
    if not account_deletion_tokens.check_token(user, (token or "")[:100]):
        raise ValidationError(
            {
                "token": ValidationError(
                    _("Mã xác nhận xoá tài khoản không hợp lệ hoặc đã hết hạn."),
                    code=AccountErrorCode.INVALID.value,
                )
            }
        )
    _deletion_blocked_by_open_orders(user)
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    from marketplace.checkout.models import Checkout
    from marketplace.orders.models import Order

    old_email = user.email
    Order.objects.filter(user=user).update(
        user=None,
        email=f"deleted-{user.pk}@deleted.invalid",
        phone="",
        full_name="",
        commune="",
        street="",
        note="",
        client_ip=None,
    )
    Checkout.objects.filter(user=user).delete()
    Address.objects.filter(user=user).delete()
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__iexact=old_email).delete()
    user.email = f"deleted-{user.pk}@deleted.invalid"
    user.first_name = user.last_name = user.phone = ""
    user.is_active = False
    user.last_login = None
    user.set_unusable_password()  # changes the session hash: every browser session ends
    user.token_version = F("token_version") + 1  # every API token (access and refresh) ends
    user.save(
        update_fields=[
            "email",
            "first_name",
            "last_name",
            "phone",
            "is_active",
            "last_login",
            "password",
            "token_version",
        ]
    )
    user.refresh_from_db()
    return user
