"""The producer's money page and statement downloads (issue 15)."""

from django.http import HttpResponse
from django.views.decorators.http import require_GET

from marketplace.money.selectors import producer_balances, producer_statement, statement_csv
from marketplace.money.statements import statement_pdf
from storefront.seller.views import _render, producer_required

STATEMENT_PAGE_SIZE = 200
STATEMENT_DOWNLOAD_MAX = 10_000


@producer_required
@require_GET
def money(request):
    balances = producer_balances(producer_id=request.producer.pk, by=request.user)
    entries = list(producer_statement(producer_id=request.producer.pk, by=request.user)[:STATEMENT_PAGE_SIZE])
    return _render(request, "seller/money.html", {"balances": balances, "entries": entries})


@producer_required
@require_GET
def statement_download(request, fmt: str):
    entries = producer_statement(producer_id=request.producer.pk, by=request.user)[:STATEMENT_DOWNLOAD_MAX]
    name = f"sao-ke-{request.producer.slug}"
    if fmt == "csv":
        response = HttpResponse(statement_csv(entries), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    balances = producer_balances(producer_id=request.producer.pk, by=request.user)
    pdf = statement_pdf(producer_name=request.producer.name, balances=balances, entries=entries)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response
