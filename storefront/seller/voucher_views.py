"""The producer's promo codes (issue 13): list, create, deactivate. Only its own vouchers; the discounts
services decide who may act (a member of this producer, or staff)."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from marketplace.discounts.models import CODE_MAX_LENGTH, DiscountValueType
from marketplace.discounts.selectors import vouchers_of_producer
from marketplace.discounts.services import voucher_create, voucher_deactivate
from storefront.seller.views import _apply_errors, _render, producer_required

VOUCHER_PAGE_SIZE = 200


class VoucherForm(forms.Form):
    code = forms.CharField(
        label=_("Mã giảm giá"),
        max_length=CODE_MAX_LENGTH,
        help_text=_("Chữ cái không dấu, chữ số, '-' hoặc '_'; không phân biệt hoa thường."),
    )
    name = forms.CharField(label=_("Tên chương trình"), max_length=120, required=False)
    value_type = forms.ChoiceField(label=_("Loại giảm"), choices=DiscountValueType.choices)
    value = forms.IntegerField(label=_("Mức giảm (% hoặc đồng)"), min_value=1, max_value=1_000_000_000)
    min_order_amount = forms.IntegerField(
        label=_("Giá trị tối thiểu của hàng của bạn trong đơn (đ)"),
        min_value=0,
        max_value=1_000_000_000,
        initial=0,
    )
    starts_on = forms.DateField(label=_("Ngày bắt đầu"), required=False)
    ends_on = forms.DateField(label=_("Ngày kết thúc (để trống: không hạn)"), required=False)
    usage_limit = forms.IntegerField(
        label=_("Tổng số lượt dùng (để trống: không giới hạn)"),
        min_value=1,
        max_value=1_000_000,
        required=False,
    )
    usage_limit_per_customer = forms.IntegerField(
        label=_("Số lượt mỗi khách (để trống: không giới hạn)"),
        min_value=1,
        max_value=1_000_000,
        required=False,
    )


def _start_of(day: datetime.date | None) -> datetime.datetime | None:
    if day is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _page(request, *, form=None, status: int = 200):
    vouchers = list(vouchers_of_producer(producer=request.producer)[:VOUCHER_PAGE_SIZE])
    context = {"vouchers": vouchers, "form": form or VoucherForm(), "now": timezone.now()}
    return _render(request, "seller/voucher_list.html", context, status=status)


@producer_required
@require_GET
def voucher_list(request):
    return _page(request)


@producer_required
@require_POST
def voucher_add(request):
    form = VoucherForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        ends_on = data["ends_on"]
        try:
            voucher_create(
                producer=request.producer,
                code=data["code"],
                name=data["name"],
                value_type=data["value_type"],
                value=data["value"],
                min_order_amount=data["min_order_amount"] or 0,
                starts_at=_start_of(data["starts_on"]),
                # The whole last day counts.
                ends_at=_start_of(ends_on + datetime.timedelta(days=1)) if ends_on else None,
                usage_limit=data["usage_limit"],
                usage_limit_per_customer=data["usage_limit_per_customer"],
                by=request.user,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Đã tạo mã giảm giá."))
            return redirect("seller:voucher_list", request.producer.slug)
    return _page(request, form=form, status=400)


@producer_required
@require_POST
def voucher_stop(request, pk: int):
    voucher = vouchers_of_producer(producer=request.producer).filter(pk=pk).first()
    if voucher is None:
        raise Http404("No such voucher for this producer")
    voucher_deactivate(voucher=voucher, by=request.user)
    messages.success(request, _("Đã ngừng mã %(code)s.") % {"code": voucher.code})
    return redirect("seller:voucher_list", request.producer.slug)
