import graphene
from django.contrib.auth import authenticate

from marketplace.accounts.models import User as UserModel
from marketplace.accounts.services import password_reset_email_send, user_register, user_tokens_revoke
from marketplace.accounts.throttle import (
    ANSWERED_IN_API,
    Throttled,
    lockout_message,
    registration_allowed,
    reset_email_allowed,
    sign_in_retry_after,
)
from marketplace.graphql.account.types import User
from marketplace.graphql.core.auth import TokenError, create_token, require_login, user_from_token
from marketplace.graphql.core.errors import InputError
from marketplace.graphql.core.mutations import BaseMutation, check_max_lengths, error_type


class AccountErrorCode(graphene.Enum):
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
    language_code = graphene.String(description="User language code.")


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
