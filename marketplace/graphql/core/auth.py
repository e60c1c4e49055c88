"""JWT for API clients (`Authorization: Bearer <token>`) and the permission checks mutations share.

Tokens are HS256 with the Django secret key. They carry a fingerprint of the user's password hash and token
version, so a password change or reset, deactivation, or tokensDeactivateAll (which bumps the version)
invalidates every token issued before it."""

import datetime

import jwt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from graphql_relay import to_global_id

from marketplace.graphql.core.errors import PermissionDenied
from marketplace.producers.policies import is_staff_with

ACCESS_TOKEN_TTL = datetime.timedelta(minutes=5)
REFRESH_TOKEN_TTL = datetime.timedelta(days=30)
ALGORITHM = "HS256"
# Issuer of tokens signed before `iss` became the API's URL; still accepted so refresh tokens already held
# by shoppers keep working (they expire within REFRESH_TOKEN_TTL).
LEGACY_ISSUER = "ocop-marketplace"


def api_url() -> str:
    """The API's absolute URL, built from SITE_URL (never the Host header). Like Saleor it is the tokens'
    `iss`: @saleor/auth-sdk sends the Bearer token only to a URL equal to the `iss` of the token."""
    return settings.SITE_URL + reverse("graphql")


class TokenError(Exception):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


def _fingerprint(user) -> str:
    value = f"{user.pk}:{user.token_version}:{user.password}"
    return salted_hmac("marketplace.graphql.jwt", value).hexdigest()[:20]


def create_token(user, *, kind: str) -> str:
    now = timezone.now()
    ttl = ACCESS_TOKEN_TTL if kind == "access" else REFRESH_TOKEN_TTL
    payload = {
        "iss": api_url(),
        "type": kind,
        "sub": str(user.pk),
        "user_id": to_global_id("User", user.pk),
        "email": user.email,
        "fp": _fingerprint(user),
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
    }
    return jwt.encode(payload, settings.SECRET_KEY, algorithm=ALGORITHM)


def user_from_token(token: str, *, kind: str):
    try:
        payload = jwt.decode(
            token,
            settings.SECRET_KEY,
            algorithms=[ALGORITHM],
            issuer=[api_url(), LEGACY_ISSUER],
            options={"require": ["exp", "iat", "sub", "type"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise TokenError("Signature has expired", "JWT_SIGNATURE_EXPIRED") from exc
    except jwt.PyJWTError as exc:
        raise TokenError("Invalid token", "JWT_INVALID_TOKEN") from exc
    if payload.get("type") != kind:
        raise TokenError("Invalid token type", "JWT_INVALID_TOKEN")
    user = get_user_model().objects.filter(pk=payload["sub"], is_active=True).first()
    if user is None or not constant_time_compare(payload.get("fp", ""), _fingerprint(user)):
        raise TokenError("Invalid token", "JWT_INVALID_TOKEN")
    return user


def require_login(info):
    user = info.context.user
    if not user.is_authenticated:
        raise PermissionDenied("You need to be authenticated to perform this action")
    return user


def require_staff_permission(info, permission: str):
    user = require_login(info)
    if not is_staff_with(user, permission):
        raise PermissionDenied(f"You need the {permission} permission to perform this action")
    return user
