"""Answers given before (or instead of) the view: bodies over the size limit, and the database being down.

Both answer in the shape the client expects: JSON for the API and the webhooks, a page in the site's layout
otherwise. Neither message carries internals (no DSN, socket path or traceback): those go to the log only."""

import logging
import re
from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# Clients of these paths are programs: they get JSON errors, never an HTML page.
JSON_PATH_PREFIXES = ("/graphql/", "/payments/")
RETRY_AFTER_SECONDS = 30


def _wants_json(request: HttpRequest) -> bool:
    return request.path_info.startswith(JSON_PATH_PREFIXES)


def error_response(request: HttpRequest, *, status: int, code: str, message: str) -> HttpResponse:
    """The refusal as JSON (API clients) or as a page in the site's layout."""
    if _wants_json(request):
        body = {"errors": [{"message": message, "extensions": {"exception": {"code": code}}}]}
        return JsonResponse(body, status=status)
    try:
        html = render_to_string(
            "storefront/error_page.html", {"status": status, "message": message}, request=request
        )
    except Exception:  # the page itself failed (e.g. a template needs the database): plain text still answers
        logger.exception("rendering the %s page failed", status)
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    return HttpResponse(html, status=status)


# --- Request body size ------------------------------------------------------------------------------
@cache
def _compiled_limits(limits: tuple[tuple[str, int], ...]) -> tuple[tuple[re.Pattern[str], int], ...]:
    return tuple((re.compile(pattern), size) for pattern, size in limits)


def body_limit_for(path: str) -> int:
    """The largest body accepted on `path`: the first REQUEST_BODY_LIMITS pattern that matches, else
    MAX_REQUEST_BODY_BYTES."""
    limits = tuple((str(pattern), int(size)) for pattern, size in settings.REQUEST_BODY_LIMITS)
    for pattern, size in _compiled_limits(limits):
        if pattern.match(path):
            return size
    return int(settings.MAX_REQUEST_BODY_BYTES)


class RequestBodyLimitMiddleware:
    """First in MIDDLEWARE: refuses a body by its declared length before anything reads it (CSRF reading
    request.POST would otherwise spool the whole upload to a temporary file first).

    Django reads exactly Content-Length bytes and nothing without it, so a chunked body without a length is
    never read; it is refused with 411 rather than handled as if it were empty."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = _declared_length(request)
        if length is not None and length < 0:
            return error_response(
                request, status=400, code="BadRequest", message=_("Độ dài nội dung yêu cầu không hợp lệ.")
            )
        if length is None and request.META.get("HTTP_TRANSFER_ENCODING"):
            return error_response(
                request,
                status=411,
                code="LengthRequired",
                message=_("Yêu cầu phải khai báo độ dài nội dung (Content-Length)."),
            )
        limit = body_limit_for(request.path_info)
        if length is not None and length > limit:
            return _too_large(request, length, limit)
        return self.get_response(request)


class AnonymousBodyLimitMiddleware:
    """After AuthenticationMiddleware, before any view or CSRF check reads the body: the larger limits of the
    upload forms are for signed-in users only, so without an account nobody makes the server spool more
    than MAX_REQUEST_BODY_BYTES (the forms themselves check who may upload)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = _declared_length(request)
        limit = int(settings.MAX_REQUEST_BODY_BYTES)
        if length is not None and length > limit:
            try:
                signed_in = request.user.is_authenticated  # the session lookup is a query
            except (OperationalError, InterfaceError) as exc:
                answer = database_unavailable_answer(request, exc)
                if answer is None:
                    raise
                return answer
            if not signed_in:
                return _too_large(request, length, limit)
        return self.get_response(request)


def _declared_length(request: HttpRequest) -> int | None:
    """Content-Length as declared: None when absent, -1 when not a number."""
    raw = request.META.get("CONTENT_LENGTH") or ""
    try:
        return int(raw) if raw else None
    except ValueError:
        return -1


def _too_large(request: HttpRequest, length: int, limit: int) -> HttpResponse:
    logger.warning("refused a %d-byte body on %s (limit %d)", length, request.path_info, limit)
    return error_response(
        request,
        status=413,
        code="RequestTooLarge",
        message=_("Nội dung gửi lên quá lớn (tối đa %(size)s).") % {"size": _human_size(limit)},
    )


def _human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.0f} MB"
    return f"{max(size // 1024, 1)} KB"


# --- Database unavailable ---------------------------------------------------------------------------
# SQLSTATEs of a server that is not there for us: connection exceptions, shutting down or starting up, and
# out of connections. A cancelled statement, a lock timeout or a deadlock (also OperationalError) are not.
_UNAVAILABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03", "53300")


def is_database_unavailable(exc: BaseException | None) -> bool:
    """The database could not be reached or dropped the connection (also when wrapped by GraphQL)."""
    while exc is not None:
        if isinstance(exc, InterfaceError):
            return True
        if isinstance(exc, OperationalError):
            # No SQLSTATE: the client failed to connect (no server, refused, socket missing).
            sqlstate = getattr(exc.__cause__, "sqlstate", None)
            return sqlstate is None or sqlstate.startswith(_UNAVAILABLE_SQLSTATES)
        exc = getattr(exc, "original_error", None)
    return False


def database_unavailable_answer(request: HttpRequest, exc: BaseException) -> HttpResponse | None:
    """503 (logged with the details) when `exc` means the database is unreachable, else None."""
    if not is_database_unavailable(exc):
        return None
    logger.error("database unavailable on %s", request.path_info, exc_info=exc)
    return _maintenance_response(request)


def _maintenance_response(request: HttpRequest) -> HttpResponse:
    response = error_response(
        request,
        status=503,
        code="ServiceUnavailable",
        message=_("Hệ thống đang bảo trì, vui lòng thử lại sau ít phút."),
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    """A view that fails because the database is down answers 503 (page or JSON), not a 500 whose message
    (in DEBUG) would show the connection string and socket path."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return database_unavailable_answer(request, exception)
