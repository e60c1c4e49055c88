"""Public trust pages (issue 16): certificate verification (/v/<code>/, what QR labels open), decision
pages, and the open register of certified products as CSV and JSON."""

import json
import mimetypes
from pathlib import Path

from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from catalog_import.selectors import decision_source_run
from marketplace.certification.selectors import (
    REGISTER_FIELDS,
    certificate_check,
    certificate_register,
    decision_outcome,
    decision_products,
    decision_public,
    register_entry,
)
from marketplace.core.client_ip import client_ip
from marketplace.core.rate_limits import within_budget
from marketplace.core.spreadsheet import SafeCsvWriter
from marketplace.core.storage import download_name

DECISION_PAGE_SIZE = 100
REGISTER_CHUNK = 2000


@require_safe
def certificate_verify(request, code: str):
    check = certificate_check(code=code)
    if check is None:
        response = render(request, "storefront/certificate_unknown.html", {"code": code[:32]}, status=404)
    else:
        response = render(request, "storefront/certificate_verify.html", {"check": check})
    # A scan must show today's status: caches may keep the page for minutes, not days.
    patch_cache_control(response, public=True, max_age=settings.TRUST_PAGE_MAX_AGE)
    return response


@require_safe
def decision_detail(request, pk: int):
    decision = decision_public(decision_id=pk)
    if decision is None:
        raise Http404("No such decision")
    page = Paginator(decision_products(decision=decision), DECISION_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [
        {"certification": c, "outcome": decision_outcome(decision=decision, certification=c)} for c in page
    ]
    source = decision_source_run(decision_id=decision.pk) if decision.source_published else None
    context = {"decision": decision, "page": page, "rows": rows, "source": source}
    response = render(request, "storefront/decision_detail.html", context)
    patch_cache_control(response, public=True, max_age=settings.TRUST_PAGE_MAX_AGE)
    return response


@require_safe
def decision_source(request, pk: int):
    """The decision's file as staff published it, from storage through this view (never a media URL)."""
    decision = decision_public(decision_id=pk)
    run = decision_source_run(decision_id=pk) if decision is not None and decision.source_published else None
    if run is None:
        raise Http404("No published source file")
    # Stored under a random name; the download carries the original file name, sanitised.
    name = download_name(run.filename, fallback=Path(run.upload.name).name)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(
        run.upload.open("rb"), as_attachment=True, filename=name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _open_data_refusal(request):
    if within_budget(
        scope="open-data",
        client=client_ip(request),
        limit=settings.OPEN_DATA_REQUESTS_PER_MINUTE,
        window_seconds=60,
    ):
        return None
    response = HttpResponse(
        _("Quá nhiều lượt tải trong một phút; vui lòng thử lại sau."),
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = "60"
    return response


def _register_rows():
    today = timezone.localdate()
    return today, (register_entry(c) for c in certificate_register(today=today).iterator(REGISTER_CHUNK))


class _Echo:
    def write(self, value: str) -> str:
        return value


def _stream(response):
    response["X-Content-Type-Options"] = "nosniff"
    response["Access-Control-Allow-Origin"] = "*"  # open data: other sites may read it
    patch_cache_control(response, public=True, max_age=settings.OPEN_DATA_MAX_AGE)
    return response


@require_safe
def open_data_csv(request):
    refusal = _open_data_refusal(request)
    if refusal is not None:
        return refusal
    today, rows = _register_rows()
    writer = SafeCsvWriter(_Echo())

    def lines():
        yield "\ufeff"  # so spreadsheets read the Vietnamese text as UTF-8
        yield writer.writerow(REGISTER_FIELDS)
        for row in rows:
            yield writer.writerow([row[field] for field in REGISTER_FIELDS])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ocop-certificates-{today:%Y-%m-%d}.csv"'
    return _stream(response)


@require_safe
def open_data_json(request):
    refusal = _open_data_refusal(request)
    if refusal is not None:
        return refusal
    today, rows = _register_rows()

    def chunks():
        head = json.dumps({"date": today.isoformat(), "fields": REGISTER_FIELDS})
        yield head[:-1] + ', "certificates": ['  # the object stays open for the streamed rows
        for position, row in enumerate(rows):
            yield ("," if position else "") + "\n" + json.dumps(row, ensure_ascii=False)
        yield "\n]}\n"

    return _stream(StreamingHttpResponse(chunks(), content_type="application/json; charset=utf-8"))
