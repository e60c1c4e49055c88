"""Limits on sign-in, registration and password-reset e-mails, shared by the web forms and GraphQL.

Sign-in failures are django-axes' AccessAttempt rows, counted per account and per client IP (each with its
own limit); while either is over its limit, authenticate() refuses even the right password. Registrations
and reset e-mails are ThrottleEvent rows counted in a sliding window. Both live in the database, so every
process sees the same counts.

A GraphQL request with a mutation runs in one transaction that is rolled back when any mutation reports an
error, which would also erase the failures it recorded. So attempts made during a request are kept on the
request (and counted from there) and written by ThrottleMiddleware once the view has returned."""

import hashlib
import math
from dataclasses import dataclass
from datetime import timedelta

from axes.attempts import get_cool_off_threshold
from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username
from axes.middleware import AxesMiddleware
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Count, Max, Min, Q, Sum
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.accounts.models import ThrottleEvent
from marketplace.core.client_ip import client_ip

_PENDING_FAILURES = "throttle_pending_failures"
_PENDING_EVENTS = "throttle_pending_events"
# Set by the GraphQL mutations: they answer a lockout in their payload, not with the lockout page.
ANSWERED_IN_API = "throttle_answered_in_api"


class Throttled(Exception):
    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after  # seconds


def _minutes(seconds: float) -> int:
    return max(1, math.ceil(seconds / 60))


def lockout_message(retry_after: float) -> str:
    return _("Bạn đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(minutes)d phút.") % {
        "minutes": _minutes(retry_after)
    }


# --- Sign-in (django-axes) --------------------------------------------------------------------------


def username_of(request, credentials: dict | None) -> str | None:
    """AXES_USERNAME_CALLABLE: e-mails are counted case-insensitively, as they sign in."""
    value = (credentials or {}).get("username") or (credentials or {}).get("email")
    return value.strip().lower()[:254] if isinstance(value, str) and value.strip() else None


class SignInThrottleBackend(AxesStandaloneBackend):
    """Refuses any password while the account or the IP is locked out. Calls without a request (shell,
    management commands, the test client's login()) are not HTTP attempts and are not counted."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class SignInThrottleHandler(AxesDatabaseHandler):
    """Axes' database handler with separate account and IP limits, and failures written after the request."""

    def failure_counts(self, request, credentials: dict | None) -> tuple[int, int]:
        """Failures within the cool-off window for (this account, this IP), stored and pending."""
        username = get_client_username(request, credentials)
        by_account = Q(username=username) if username else Q(pk__in=[])
        stored = AccessAttempt.objects.filter(
            Q(ip_address=request.axes_ip_address) | by_account,
            attempt_time__gte=get_cool_off_threshold(request),
        ).aggregate(
            account=Sum("failures_since_start", filter=by_account),
            ip=Sum("failures_since_start", filter=Q(ip_address=request.axes_ip_address)),
        )
        pending = getattr(request, _PENDING_FAILURES, [])
        same_account = sum(
            1 for item in pending if username and get_client_username(request, item) == username
        )
        return (stored["account"] or 0) + same_account, (stored["ip"] or 0) + len(pending)

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        account, ip = self.failure_counts(request, credentials)
        return account >= settings.AUTH_ACCOUNT_FAILURE_LIMIT or ip >= settings.AUTH_IP_FAILURE_LIMIT

    def get_failures(self, request, credentials: dict | None = None) -> int:
        return max(self.failure_counts(request, credentials))

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        if request is None or getattr(request, "axes_locked_out", False) or self._flushing(request):
            # Without a request nothing is counted; an attempt refused by a lockout is not a new failure.
            return super().user_login_failed(sender, credentials, request, **kwargs)
        request.__dict__.setdefault(_PENDING_FAILURES, []).append(credentials)
        if self.is_locked(request, credentials):
            request.axes_locked_out = True
            request.axes_credentials = credentials
        return None

    @staticmethod
    def _flushing(request) -> bool:
        return getattr(request, "throttle_flushing", False)

    def flush(self, request) -> None:
        pending = request.__dict__.pop(_PENDING_FAILURES, [])
        if not pending:
            return
        locked_out = request.axes_locked_out
        request.throttle_flushing = True
        try:
            for credentials in pending:
                request.axes_locked_out = False  # axes records nothing for a request it sees as locked out
                super().user_login_failed(None, credentials, request)
        finally:
            request.throttle_flushing = False
            request.axes_locked_out = locked_out


def sign_in_retry_after(request) -> float:
    """Seconds until the lockout found for this request ends at the latest: the newest counted failure of
    each locked criterion (account, IP) plus the cool-off."""
    if getattr(request, _PENDING_FAILURES, None):
        return settings.AXES_COOLOFF_TIME.total_seconds()  # the lockout began with this request
    credentials = getattr(request, "axes_credentials", None)
    handler = AxesProxyHandler.get_implementation()
    account, ip = handler.failure_counts(request, credentials)
    username = get_client_username(request, credentials)
    locked = Q(pk__in=[])
    if account >= settings.AUTH_ACCOUNT_FAILURE_LIMIT and username:
        locked |= Q(username=username)
    if ip >= settings.AUTH_IP_FAILURE_LIMIT:
        locked |= Q(ip_address=request.axes_ip_address)
    newest = AccessAttempt.objects.filter(locked).aggregate(newest=Max("attempt_time"))["newest"]
    ends = (newest or timezone.now()) + settings.AXES_COOLOFF_TIME
    return (ends - timezone.now()).total_seconds()


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the lockout page (429) for the web forms and the admin."""
    if getattr(request, ANSWERED_IN_API, False) and original_response is not None:
        return original_response
    retry_after = sign_in_retry_after(request)
    response = render(
        request, "account/locked_out.html", {"message": lockout_message(retry_after)}, status=429
    )
    response["Retry-After"] = str(max(1, math.ceil(retry_after)))
    return response


# --- Registrations and reset e-mails ----------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    scope: str
    limit: int
    window: timedelta


def _rule(scope: str) -> Rule:
    limit, seconds = settings.THROTTLE_RATES[scope]
    return Rule(scope=scope, limit=limit, window=timedelta(seconds=seconds))


def _hash(value: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{value}".encode()).hexdigest()


def throttle_attempt(request, *, limits: dict[str, str], message: str) -> None:
    """Counts one attempt against each `scope -> value` in `limits` (scopes from THROTTLE_RATES), or raises
    Throttled, counting nothing, when any of them is used up. `message` may use %(minutes)d."""
    now = timezone.now()
    pending = request.__dict__.setdefault(_PENDING_EVENTS, [])
    events = []
    for scope, value in limits.items():
        rule = _rule(scope)
        key = _hash(value)
        since = now - rule.window
        stored = ThrottleEvent.objects.filter(scope=scope, key=key, created_at__gte=since).aggregate(
            count=Count("id"), first=Min("created_at")
        )
        mine = [event for event in pending if event.scope == scope and event.key == key]
        count = stored["count"] + len(mine)
        if count >= rule.limit:
            first = stored["first"] or min(event.created_at for event in mine)
            retry_after = (first + rule.window - now).total_seconds()
            raise Throttled(message % {"minutes": _minutes(retry_after)}, retry_after=int(retry_after) + 1)
        events.append(ThrottleEvent(scope=scope, key=key, created_at=now))
    pending.extend(events)


def flush_events(request) -> None:
    events = request.__dict__.pop(_PENDING_EVENTS, [])
    if not events:
        return
    ThrottleEvent.objects.bulk_create(events)
    longest = max(seconds for _limit, seconds in settings.THROTTLE_RATES.values())
    ThrottleEvent.objects.filter(created_at__lt=timezone.now() - timedelta(seconds=longest)).delete()


def registration_allowed(request) -> None:
    throttle_attempt(
        request,
        limits={"register_ip": client_ip(request)},
        message=_(
            "Đã có quá nhiều tài khoản được tạo từ địa chỉ này. Vui lòng thử lại sau %(minutes)d phút."
        ),
    )


def reset_email_allowed(request, *, email: str) -> None:
    throttle_attempt(
        request,
        limits={"reset_email_account": email.strip().lower(), "reset_email_ip": client_ip(request)},
        message=_("Đã gửi quá nhiều email đặt lại mật khẩu. Vui lòng thử lại sau %(minutes)d phút."),
    )


def promo_code_allowed(request, *, checkout_token: str) -> None:
    """Each promo code tried counts per cart and per client address: guessing codes is slow."""
    throttle_attempt(
        request,
        limits={"promo_code_checkout": checkout_token, "promo_code_ip": client_ip(request)},
        message=_("Bạn đã thử quá nhiều mã giảm giá. Vui lòng thử lại sau %(minutes)d phút."),
    )


class ThrottleMiddleware(AxesMiddleware):
    """Writes the attempts counted during the request once the view (and its transaction) has finished,
    then turns a sign-in lockout into the lockout page (axes' middleware, which this replaces)."""

    async_capable = False

    def __call__(self, request):
        response = self.get_response(request)
        handler = AxesProxyHandler.get_implementation()
        if hasattr(request, "axes_updated") and isinstance(handler, SignInThrottleHandler):
            handler.flush(request)
        flush_events(request)
        if settings.AXES_ENABLED and getattr(request, "axes_locked_out", False):
            response = lockout_response(request, response, getattr(request, "axes_credentials", None))
        return response
