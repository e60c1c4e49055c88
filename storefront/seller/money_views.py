"""The producer's money page and statement downloads (issue 15)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from marketplace.money.models import ReturnRequest
from marketplace.money.selectors import (
    producer_balances,
    producer_bank_account,
    producer_statement,
    statement_csv,
)
from marketplace.money.services import bank_account_set, return_request_decide
from marketplace.money.statements import statement_pdf
from storefront.seller.views import _apply_errors, _render, producer_required

STATEMENT_PAGE_SIZE = 200
STATEMENT_DOWNLOAD_MAX = 10_000


def _money_page(request, *, form=None, status: int = 200):
    balances = producer_balances(producer_id=request.producer.pk, by=request.user)
    entries = list(producer_statement(producer_id=request.producer.pk, by=request.user)[:STATEMENT_PAGE_SIZE])
    account = producer_bank_account(producer_id=request.producer.pk, by=request.user)
    if form is None:
        initial = (
            {
                "bank_bin": account.bank_bin,
                "account_number": account.account_number,
                "account_name": account.account_name,
            }
            if account
            else {}
        )
        form = BankAccountForm(initial=initial)
    context = {"balances": balances, "entries": entries, "account": account, "form": form}
    return _render(request, "seller/money.html", context, status=status)


@producer_required
@require_GET
def money(request):
    return _money_page(request)


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


class BankAccountForm(forms.Form):
    bank_bin = forms.CharField(label=_("Mã ngân hàng (BIN, 6 chữ số)"), max_length=6)
    account_number = forms.CharField(label=_("Số tài khoản"), max_length=25)
    account_name = forms.CharField(label=_("Tên chủ tài khoản"), max_length=120)
    password = forms.CharField(
        label=_("Mật khẩu của bạn (xác nhận thay đổi)"), widget=forms.PasswordInput, max_length=128
    )


@producer_required
@require_POST
def bank_account(request):
    form = BankAccountForm(request.POST)
    if form.is_valid():
        try:
            bank_account_set(producer=request.producer, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu tài khoản nhận tiền."))
            return redirect("seller:money", request.producer.slug)
    return _money_page(request, form=form, status=400)


@producer_required
@require_POST
def return_decide(request, part_pk: int, return_pk: int):
    """Accept (with or without restocking) or refuse (with a reason) a return of this producer's part."""
    ret = ReturnRequest.objects.filter(pk=return_pk, part_id=part_pk, part__producer=request.producer).first()
    if ret is None:
        raise Http404("No such return for this producer")
    accept = request.POST.get("decision") == "accept"
    try:
        return_request_decide(
            request=ret,
            accept=accept,
            reason=request.POST.get("reason", "")[:500],
            restock=request.POST.get("restock") == "1",
            by=request.user,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã đồng ý trả hàng.") if accept else _("Đã từ chối trả hàng."))
    return redirect("seller:order_detail", producer=request.producer.slug, part_pk=part_pk)
