import graphene
from django.contrib.auth import authenticate

from marketplace.accounts.models import User as UserModel
from marketplace.accounts.selectors import addresses_of
from marketplace.accounts.services import (
    account_delete,
    account_deletion_request,
    address_create,
    address_delete,
    address_set_default,
    address_update,
    password_reset_complete,
    password_reset_email_send,
    user_password_change,
    user_register,
    user_tokens_revoke,
    user_update,
)
from marketplace.accounts.throttle import (
    ANSWERED_IN_API,
    Throttled,
    lockout_message,
    registration_allowed,
    reset_email_allowed,
    sign_in_retry_after,
)
from marketplace.graphql.account.types import User, saved_address
from marketplace.graphql.checkout.mutations import AddressInput, _address
from marketplace.graphql.checkout.types import Address
from marketplace.graphql.core.auth import TokenError, create_token, require_login, user_from_token
from marketplace.graphql.core.errors import InputError
from marketplace.graphql.core.ids import decode_id
from marketplace.graphql.core.languages import LanguageCodeEnum
from marketplace.graphql.core.mutations import BaseMutation, check_max_lengths, error_type


class AccountErrorCode(graphene.Enum):
    # Saleor's code for an account whose e-mail is not confirmed yet: never answered here (accounts are usable
    # at once), listed because Saleor's storefront names it in its own code.
    ACCOUNT_NOT_CONFIRMED = "account_not_confirmed"
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    INVALID_CREDENTIALS = "invalid_credentials"
    INVALID_PASSWORD = "invalid_password"  # noqa: S105 - an error code
    INACTIVE = "inactive"
    JWT_INVALID_TOKEN = "jwt_invalid_token"  # noqa: S105 - an error code
    JWT_SIGNATURE_EXPIRED = "jwt_signature_expired"
    JWT_MISSING_TOKEN = "jwt_missing_token"  # noqa: S105 - an error code
    LOGIN_ATTEMPT_DELAYED = "login_attempt_delayed"
    NOT_FOUND = "not_found"
    PASSWORD_ENTIRELY_NUMERIC = "password_entirely_numeric"  # noqa: S105 - an error code
    PASSWORD_TOO_COMMON = "password_too_common"  # noqa: S105 - an error code
    PASSWORD_TOO_SHORT = "password_too_short"  # noqa: S105 - an error code
    PASSWORD_TOO_SIMILAR = "password_too_similar"  # noqa: S105 - an error code
    REQUIRED = "required"
    TOO_MANY_REQUESTS = "too_many_requests"
    UNIQUE = "unique"


AccountError = error_type("AccountError", AccountErrorCode)


class CreateToken(BaseMutation):
    token = graphene.String(description="JWT token, required to authenticate.")
    refresh_token = graphene.String(description="JWT refresh token, required to re-generate access token.")
    csrf_token = graphene.String(description="CSRF token (unused: refresh tokens are sent in the body).")
    user = graphene.Field(User)
    errors = graphene.List(graphene.NonNull(AccountError), required=True)

    error_codes = AccountErrorCode

    class Arguments:
        email = graphene.String(required=True, description="Email of a user.")
        password = graphene.String(required=True, description="Password of a user.")

    class Meta:
        description = "Create JWT token."

    @classmethod
    def perform(cls, root, info, email, password):
        request = info.context
        setattr(request, ANSWERED_IN_API, True)
        request.axes_locked_out = False  # an earlier alias may have hit another account's lockout
        user = authenticate(request, username=email.strip().lower(), password=password)
        if user is None:
            if request.axes_locked_out:
                message = lockout_message(sign_in_retry_after(request))
                raise InputError("email", message, "LOGIN_ATTEMPT_DELAYED")
            raise InputError("email", "Please, enter valid credentials", "INVALID_CREDENTIALS")
        return cls(
            token=create_token(user, kind="access"),
            refresh_token=create_token(user, kind="refresh"),
            csrf_token=None,
            user=user,
            errors=[],
        )


class RefreshToken(BaseMutation):
    token = graphene.String(description="JWT token, required to authenticate.")
    user = graphene.Field(User)
    errors = graphene.List(graphene.NonNull(AccountError), required=True)

    error_codes = AccountErrorCode

    class Arguments:
        refresh_token = graphene.String(description="Refresh token.")
        csrf_token = graphene.String(description="Ignored: refresh tokens travel in the body only.")

    class Meta:
        description = "Refresh JWT token."

    @classmethod
    def perform(cls, root, info, refresh_token=None, csrf_token=None):
        if not refresh_token:
            raise InputError("refreshToken", "Missing refreshToken", "JWT_MISSING_TOKEN")
        try:
            user = user_from_token(refresh_token, kind="refresh")
        except TokenError as exc:
            raise InputError("refreshToken", str(exc), exc.code) from exc
        return cls(token=create_token(user, kind="access"), user=user, errors=[])


class AccountRegisterInput(graphene.InputObjectType):
    email = graphene.String(required=True, description="The email address of the user.")
    password = graphene.String(required=True, description="Password.")
    first_name = graphene.String(description="Given name.")
    last_name = graphene.String(description="Family name.")
    redirect_url = graphene.String(description="Ignored: accounts need no e-mail confirmation.")
    channel = graphene.String(description="Slug of a channel.")
    language_code = LanguageCodeEnum(
        description="User language code (ignored: the site's language is chosen per request)."
    )


class AccountRegister(BaseMutation):
    code_map = {"PASSWORD_TOO_WEAK": "INVALID_PASSWORD"}
    requires_confirmation = graphene.Boolean(description="Informs whether users need to confirm their email.")
    user = graphene.Field(User)
    errors = graphene.List(graphene.NonNull(AccountError), required=True)

    error_codes = AccountErrorCode

    class Arguments:
        input = AccountRegisterInput(required=True, description="Fields required to create a user.")

    class Meta:
        description = "Register a new user."

    @classmethod
    def perform(cls, root, info, input):
        try:
            registration_allowed(info.context)
        except Throttled as exc:
            raise InputError(None, exc.message, "TOO_MANY_REQUESTS") from exc
        names = {"first_name": input.get("first_name") or "", "last_name": input.get("last_name") or ""}
        check_max_lengths({"email": input["email"].strip(), **names}, UserModel)
        user = user_register(email=input["email"], password=input["password"], **names, by=info.context.user)
        return cls(requires_confirmation=False, user=user, errors=[])


class RequestPasswordReset(BaseMutation):
    errors = graphene.List(graphene.NonNull(AccountError), required=True)

    error_codes = AccountErrorCode

    class Arguments:
        email = graphene.String(
            required=True, description="Email of the user that will be used for password recovery."
        )
        redirect_url = graphene.String(
            description="Ignored: the e-mailed link always opens this site's own reset page (SITE_URL)."
        )
        channel = graphene.String(description="Slug of a channel.")

    class Meta:
        description = "Sends an email with the account password modification link."

    @classmethod
    def perform(cls, root, info, email, redirect_url=None, channel=None):
        email = email.strip().lower()[:254]
        try:
            reset_email_allowed(info.context, email=email)
        except Throttled as exc:
            raise InputError("email", exc.message, "TOO_MANY_REQUESTS") from exc
        password_reset_email_send(email=email, by=info.context.user)
        return cls(errors=[])


class DeactivateAllUserTokens(BaseMutation):
    errors = graphene.List(graphene.NonNull(AccountError), required=True)

    error_codes = AccountErrorCode

    class Meta:
        description = "Deactivate all JWT tokens of the currently authenticated user."

    @classmethod
    def perform(cls, root, info):
        user = require_login(info)
        user_tokens_revoke(user=user, by=user)
        return cls(errors=[])


class AddressTypeEnum(graphene.Enum):
    BILLING = "BILLING"
    SHIPPING = "SHIPPING"


# Which fields of Saleor's AddressInput feed which field of a saved address (an update keeps the rest).
_ADDRESS_SOURCES = {
    "full_name": ("first_name", "last_name"),
    "phone": ("phone",),
    "province": ("country_area",),
    "commune": ("city", "city_area"),
    "street": ("street_address_1", "street_address_2"),
}


def _address_values(data, current: dict | None = None) -> dict:
    parsed = _address(data)  # the checkout's reading of Saleor's AddressInput (country VN, province names)
    if current is None:
        return parsed
    given = {
        name for name, sources in _ADDRESS_SOURCES.items() if any(data.get(s) is not None for s in sources)
    }
    return {name: parsed[name] if name in given else current[name] for name in _ADDRESS_SOURCES}


def _own_address(user, global_id: str):
    """The signed-in user's saved address by ID; someone else's is as unknown as a missing one."""
    address = addresses_of(user=user).filter(pk=decode_id(global_id, "Address", field="id")).first()
    if address is None:
        raise InputError("id", f"Couldn't resolve to a node: {global_id}", "NOT_FOUND")
    return address


class AccountMutation(BaseMutation):
    """Mutations of the signed-in user's own account: refusals in `errors` with Saleor's AccountErrorCode."""

    class Meta:
        abstract = True

    error_codes = AccountErrorCode
    code_map = {"PASSWORD_TOO_WEAK": "INVALID_PASSWORD"}
    field_map = {
        "full_name": "firstName",
        "street": "streetAddress1",
        "commune": "city",
        "province": "countryArea",
        "old_password": "oldPassword",
        "new_password": "newPassword",
        "first_name": "firstName",
        "last_name": "lastName",
        "address": "id",
    }


class AccountAddressCreate(AccountMutation):
    user = graphene.Field(User)
    address = graphene.Field(Address)
    errors = graphene.List(graphene.NonNull(AccountError), required=True)

    class Arguments:
        input = AddressInput(required=True, description="Fields required to create address.")
        type = AddressTypeEnum(description="Make it the default address (one default serves both types).")

    class Meta:
        description = "Create a new address for the customer."

    @classmethod
    def perform(cls, root, info, input, type=None):
        user = require_login(info)
        address = address_create(user=user, **_address_values(input), is_default=type is not None, by=user)
        return cls(user=user, address=saved_address(address), errors=[])


class AccountAddressUpdate(AccountMutation):
    user = graphene.Field(User)
    address = graphene.Field(Address)
    errors = graphene.List(graphene.NonNull(AccountError), required=True)

    class Arguments:
        id = graphene.ID(required=True, description="ID of the address to update.")
        input = AddressInput(required=True, description="Fields to change (others keep their value).")

    class Meta:
        description = "Updates an address of the logged-in user."

    @classmethod
    def perform(cls, root, info, id, input):
        user = require_login(info)
        current = _own_address(user, id)
        values = _address_values(input, {name: getattr(current, name) for name in _ADDRESS_SOURCES})
        address = address_update(user=user, address_id=current.pk, **values, by=user)
        return cls(user=user, address=saved_address(address), errors=[])


class AccountAddressDelete(AccountMutation):
    user = graphene.Field(User)
    address = graphene.Field(Address)
    errors = graphene.List(graphene.NonNull(AccountError), required=True)

    class Arguments:
        id = graphene.ID(required=True, description="ID of the address to delete.")

    class Meta:
        description = "Delete an address of the logged-in user."

    @classmethod
    def perform(cls, root, info, id):
        user = require_login(info)
        deleted = _own_address(user, id)
        address_delete(user=user, address_id=deleted.pk, by=user)
        return cls(user=user, address=saved_address(deleted), errors=[])


class AccountSetDefaultAddress(AccountMutation):
    user = graphene.Field(User)
    errors = graphene.List(graphene.NonNull(AccountError), required=True)

    class Arguments:
        id = graphene.ID(required=True, description="ID of the address to set as default.")
        type = AddressTypeEnum(
            required=True, description="Either SHIPPING or BILLING: one default serves both."
        )

    class Meta:
        description = "Sets a default address for the authenticated user."

    @classmethod
    def perform(cls, root, info, id, type):
        user = require_login(info)
        address_set_default(user=user, address_id=_own_address(user, id).pk, by=user)
        return cls(user=user, errors=[])


class AccountInput(graphene.InputObjectType):
    first_name = graphene.String(description="Given name.")
    last_name = graphene.String(description="Family name.")
    language_code = LanguageCodeEnum(description="Ignored: the site's language is chosen per request.")
    default_billing_address = AddressInput(description="Saved as the default address.")
    default_shipping_address = AddressInput(description="Saved as the default address.")


class AccountUpdate(AccountMutation):
    user = graphene.Field(User)
    errors = graphene.List(graphene.NonNull(AccountError), required=True)

    class Arguments:
        input = AccountInput(
            required=True, description="Fields required to update the account of the logged-in user."
        )

    class Meta:
        description = "Updates the account of the logged-in user."

    @classmethod
    def perform(cls, root, info, input):
        user = require_login(info)
        names = {
            "first_name": input["first_name"] if input.get("first_name") is not None else user.first_name,
            "last_name": input["last_name"] if input.get("last_name") is not None else user.last_name,
        }
        check_max_lengths(names, UserModel)
        user_update(user=user, **names, by=user)
        new_default = input.get("default_shipping_address") or input.get("default_billing_address")
        if new_default:
            address_create(user=user, **_address_values(new_default), is_default=True, by=user)
        return cls(user=user, errors=[])


class PasswordChange(AccountMutation):
    user = graphene.Field(User)
    errors = graphene.List(graphene.NonNull(AccountError), required=True)

    class Arguments:
        new_password = graphene.String(required=True, description="New user password.")
        old_password = graphene.String(description="Current user password.")

    class Meta:
        description = (
            "Change the password of the logged in user. Every API token issued before stops working."
        )

    @classmethod
    def perform(cls, root, info, new_password, old_password=None):
        user = require_login(info)
        user_password_change(user=user, old_password=old_password or "", new_password=new_password, by=user)
        return cls(user=user, errors=[])


class SetPassword(AccountMutation):
    token = graphene.String(description="JWT token, required to authenticate.")
    refresh_token = graphene.String(description="JWT refresh token, required to re-generate access token.")
    csrf_token = graphene.String(description="CSRF token (unused: refresh tokens are sent in the body).")
    user = graphene.Field(User)
    errors = graphene.List(graphene.NonNull(AccountError), required=True)

    class Arguments:
        token = graphene.String(required=True, description="The token from the password reset e-mail's link.")
        email = graphene.String(required=True, description="Email of a user.")
        password = graphene.String(required=True, description="Password of a user.")

    class Meta:
        description = "Sets the user's password from the token sent by email and signs the user in."

    @classmethod
    def perform(cls, root, info, token, email, password):
        user = password_reset_complete(
            email=email[:254], token=token[:100], password=password, by=info.context.user
        )
        return cls(
            token=create_token(user, kind="access"),
            refresh_token=create_token(user, kind="refresh"),
            csrf_token=None,
            user=user,
            errors=[],
        )


class AccountRequestDeletion(AccountMutation):
    errors = graphene.List(graphene.NonNull(AccountError), required=True)

    class Arguments:
        redirect_url = graphene.String(
            required=True,
            description="URL of a view where users should be redirected to delete their account; the "
            "e-mailed link adds `email` and `token` to it (http and https only; the token is in the e-mail "
            "either way).",
        )
        channel = graphene.String(description="Slug of a channel (the only one is default-channel).")

    class Meta:
        description = (
            "Sends an email with the account removal link for the logged-in user (personal data deletion). "
            "Refused while an order of the account is still open, and for staff and producer members."
        )

    @classmethod
    def perform(cls, root, info, redirect_url, channel=None):
        user = require_login(info)
        try:
            reset_email_allowed(info.context, email=user.email)
        except Throttled as exc:
            raise InputError(None, exc.message, "TOO_MANY_REQUESTS") from exc
        account_deletion_request(user=user, redirect_url=redirect_url[:2000], by=user)
        return cls(errors=[])


class AccountDelete(AccountMutation):
    user = graphene.Field(User)
    errors = graphene.List(graphene.NonNull(AccountError), required=True)

    class Arguments:
        token = graphene.String(
            required=True,
            description="A one-time token sent by email by the accountRequestDeletion mutation.",
        )

    class Meta:
        description = (
            "Removes the personal data of the logged-in user's account: finished orders are kept without it, "
            "addresses and carts are deleted, every session and token is revoked."
        )

    @classmethod
    def perform(cls, root, info, token):
        user = require_login(info)
        return cls(user=account_delete(user=user, token=token, by=user), errors=[])
