"""The site's own 404 and 500 answers (Django's are bare English pages with no layout).

404 renders with the request (the language, the search box); 500 renders from the template alone, without
the request's context processors, so it needs no database: it is what answers when the database failed."""

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound, HttpResponseServerError
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from marketplace.core.middleware import JSON_PATH_PREFIXES, error_response

logger = logging.getLogger(__name__)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path_info.startswith(JSON_PATH_PREFIXES):
        return error_response(request, status=404, code="NotFound", message=_("Không tìm thấy."))
    html = render_to_string("storefront/errors/404.html", {"status": 404}, request=request)
    return HttpResponseNotFound(html)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path_info.startswith(JSON_PATH_PREFIXES):
        return error_response(
            request, status=500, code="InternalError", message=_("Lỗi hệ thống, vui lòng thử lại sau.")
        )
    try:
        html = render_to_string("storefront/errors/500.html", {"status": 500})
    except Exception:  # the page itself failed: plain text still answers, without internals
        logger.exception("rendering the 500 page failed")
        return HttpResponseServerError(
            _("Lỗi hệ thống, vui lòng thử lại sau."), content_type="text/plain; charset=utf-8"
        )
    return HttpResponseServerError(html)
