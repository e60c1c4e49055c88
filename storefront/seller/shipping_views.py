"""The portal's shipping page: the producer's own free-shipping threshold (shipping.services)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.shipping.selectors import shipping_table
from marketplace.shipping.services import FREE_OVER_MAX_VND, producer_free_shipping_set
from storefront.seller.views import _apply_errors, _render, producer_required


class FreeShippingForm(forms.Form):
    use_default = forms.BooleanField(
        label=gettext_lazy("Dùng mức chung của sàn"),
        required=False,
        help_text=gettext_lazy("Bỏ chọn để tự đặt mức miễn phí giao hàng cho sản phẩm của mình."),
    )
    free_over_vnd = forms.IntegerField(
        label=gettext_lazy("Miễn phí giao hàng cho đơn từ (đồng)"),
        min_value=0,
        max_value=FREE_OVER_MAX_VND,
        required=False,
        help_text=gettext_lazy("Ví dụ 300000: khách mua từ 300.000 ₫ hàng của bạn được miễn phí giao hàng."),
    )

    def clean(self):
        data = super().clean() or {}
        if not data.get("use_default") and data.get("free_over_vnd") is None:
            self.add_error("free_over_vnd", _("Hãy nhập số tiền, hoặc chọn dùng mức chung của sàn."))
        return data


@producer_required
def shipping(request):
    table = shipping_table(producer_ids=[request.producer.pk])
    own = table.free_over_by_producer.get(request.producer.pk)
    initial = {"use_default": own is None, "free_over_vnd": own}
    form = FreeShippingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            producer_free_shipping_set(
                producer=request.producer,
                free_over_vnd=None if data["use_default"] else data["free_over_vnd"],
                by=request.user,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu mức miễn phí giao hàng."))
            return redirect("seller:shipping", producer=request.producer.slug)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "default_free_over": table.default_free_over, "own_free_over": own}
    return _render(request, "seller/shipping.html", context, status=status)
