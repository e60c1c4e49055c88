"""Staff screens for producer money: the ledger (read-only), commission rates, payout batches (create,
export, mark sent), the bank-transfer queue and the COD remittance upload (plan, then apply)."""

import uuid

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from marketplace.money.models import (
    QUEUED_NOTIFICATION_STATUSES,
    BankAccount,
    BankAccountChange,
    BankNotification,
    CodRemittance,
    CommissionRate,
    LedgerEntry,
    NotificationOutcome,
    OrderRefund,
    OrderRefundStatus,
    PayoutBatch,
    PayoutItem,
    RefundMethod,
    ReturnRequest,
    ReturnStatus,
)
from marketplace.money.selectors import payout_batch_csv, withholding_report_csv
from marketplace.money.services import (
    REMITTANCE_MAX_BYTES,
    bank_notification_resolve,
    ledger_adjust,
    order_refund_record_transfer,
    order_refund_retry_card,
    payout_batch_create,
    payout_batch_mark_sent,
    remittance_apply,
    remittance_plan,
    return_request_decide,
    return_request_refund,
)
from marketplace.producers.models import Producer


def _refusal(exc: Exception) -> str:
    return "; ".join(exc.messages) if isinstance(exc, ValidationError) else "Bạn không có quyền làm việc này."


def _form_page(model_admin, request, *, title: str, form, status: int = 200, obj=None):
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "form": form,
        "object": obj,
        "opts": model_admin.model._meta,
    }
    return render(request, "admin/money/form.html", context, status=status)


def _service_form(model_admin, request, *, form, title: str, act, done: str, obj=None):
    """A staff form page: a valid POST calls `act(cleaned_data)`, the service that asks the policy. A refusal
    is shown on the form (403 without the permission, 400 otherwise) and nothing changed."""
    if request.method == "POST" and form.is_valid():
        try:
            act(form.cleaned_data)
        except (PermissionDenied, ValidationError) as exc:
            form.add_error(None, _refusal(exc))
            status = 403 if isinstance(exc, PermissionDenied) else 400
            return _form_page(model_admin, request, title=title, form=form, status=status, obj=obj)
        model_admin.message_user(request, done, messages.SUCCESS)
        opts = model_admin.model._meta
        return redirect(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    status = 400 if request.method == "POST" else 200
    return _form_page(model_admin, request, title=title, form=form, status=status, obj=obj)


class WrittenByServicesAdmin(admin.ModelAdmin):
    """Rows that only the money services write (ledger, batches, notifications, refunds, remittances,
    returns): staff act on them through the views and actions below, never add or delete one by hand."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AdjustmentForm(forms.Form):
    producer_slug = forms.SlugField(label="Chủ thể (slug)", max_length=100)
    amount = forms.IntegerField(
        label="Số tiền (₫; dương: Chợ OCOP nợ chủ thể, âm: chủ thể nợ)",
        min_value=-1_000_000_000,
        max_value=1_000_000_000,
    )
    reason = forms.CharField(label="Lý do", max_length=500, widget=forms.Textarea)


class WithholdingReportForm(forms.Form):
    month = forms.RegexField(
        label="Tháng (YYYY-MM)", regex=r"^\d{4}-(0[1-9]|1[0-2])$", max_length=7, initial=""
    )


@admin.register(LedgerEntry)
class LedgerEntryAdmin(WrittenByServicesAdmin):
    list_display = ["created_at", "producer", "kind", "amount", "part", "line", "reason"]
    list_filter = ["kind"]
    search_fields = ["producer__name", "part__order__number"]
    list_select_related = ["producer", "part", "line"]
    readonly_fields = [field.name for field in LedgerEntry._meta.fields]
    change_list_template = "admin/money/ledgerentry_change_list.html"

    def get_urls(self):
        extra = [
            path(
                "withholding-report/",
                self.admin_site.admin_view(self.withholding_report_view),
                name="money_ledgerentry_withholding_report",
            ),
            path("adjust/", self.admin_site.admin_view(self.adjust_view), name="money_ledgerentry_adjust"),
        ]
        return extra + super().get_urls()

    def adjust_view(self, request):
        """A staff correction of a producer's balance, with its reason (a new ledger row)."""

        def act(data):
            producer = Producer.objects.filter(slug=data["producer_slug"]).first()
            if producer is None:
                raise ValidationError("Không tìm thấy chủ thể.")
            ledger_adjust(producer=producer, amount=data["amount"], reason=data["reason"], by=request.user)

        form = AdjustmentForm(request.POST if request.method == "POST" else None)
        return _service_form(
            self, request, form=form, title="Điều chỉnh số dư của chủ thể", act=act, done="Đã ghi điều chỉnh."
        )

    def withholding_report_view(self, request):
        """Decree 117/2025: VAT and PIT withheld per household producer in a month, and the total (CSV)."""
        form = WithholdingReportForm(
            request.GET if "month" in request.GET else None,
            initial={"month": timezone.localdate().strftime("%Y-%m")},
        )
        if not form.is_valid():
            return _form_page(self, request, title="Báo cáo thuế khấu trừ theo tháng", form=form)
        year, month = (int(part) for part in form.cleaned_data["month"].split("-"))
        try:
            content = withholding_report_csv(year=year, month=month, by=request.user)
        except PermissionDenied as exc:
            form.add_error(None, _refusal(exc))
            return _form_page(self, request, title="Báo cáo thuế khấu trừ theo tháng", form=form, status=403)
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="thue-khau-tru-{year}-{month:02d}.csv"'
        return response

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CommissionRate)
class CommissionRateAdmin(admin.ModelAdmin):
    list_display = ["producer", "category", "rate_bp", "valid_from", "valid_until"]
    autocomplete_fields = ["producer"]


@admin.register(BankAccount)
class BankAccountAdmin(admin.ModelAdmin):
    list_display = ["producer", "bank_bin", "account_number", "account_name", "confirmed_at"]
    readonly_fields = ["producer", "bank_bin", "account_number", "account_name", "confirmed_at"]

    def has_add_permission(self, request):
        return False


class PayoutItemInline(admin.TabularInline):
    model = PayoutItem
    extra = 0
    can_delete = False
    readonly_fields = ["producer", "amount", "bank_bin", "account_number", "account_name"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PayoutBatch)
class PayoutBatchAdmin(WrittenByServicesAdmin):
    list_display = ["pk", "created_at", "status", "threshold", "actor_name", "sent_at"]
    readonly_fields = ["status", "threshold", "actor_name", "created_at", "sent_at"]
    inlines = [PayoutItemInline]
    actions = ["export_csv", "mark_sent"]
    change_list_template = "admin/money/payoutbatch_change_list.html"

    def get_urls(self):
        extra = [
            path("create/", self.admin_site.admin_view(self.create_view), name="money_payoutbatch_create")
        ]
        return extra + super().get_urls()

    def create_view(self, request):
        if request.method != "POST":
            return redirect("admin:money_payoutbatch_changelist")
        try:
            batch = payout_batch_create(by=request.user)
        except (PermissionDenied, ValidationError) as exc:
            self.message_user(request, _refusal(exc), messages.ERROR)
            return redirect("admin:money_payoutbatch_changelist")
        if batch is None:
            self.message_user(request, "Không có chủ thể nào đủ ngưỡng chi trả.", messages.INFO)
        else:
            self.message_user(request, f"Đã tạo đợt chi trả {batch.pk}.", messages.SUCCESS)
        return redirect("admin:money_payoutbatch_changelist")

    @admin.action(description=_("Tải tệp chuyển khoản hàng loạt (CSV)"))
    def export_csv(self, request, queryset):
        batches = list(queryset.order_by("pk")[:2])
        if len(batches) != 1:
            self.message_user(request, "Chọn đúng một đợt chi trả.", messages.ERROR)
            return None
        try:
            content = payout_batch_csv(batches[0], by=request.user)
        except PermissionDenied as exc:
            self.message_user(request, _refusal(exc), messages.ERROR)
            return None
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="chi-tra-{batches[0].pk}.csv"'
        return response

    @admin.action(description=_("Đánh dấu đã chuyển"))
    def mark_sent(self, request, queryset):
        for batch in queryset.order_by("pk")[:100]:
            try:
                payout_batch_mark_sent(batch=batch, by=request.user)
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(request, f"{batch}: {_refusal(exc)}", messages.ERROR)


class BankNotificationResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Cách xử lý", choices=NotificationOutcome.choices, widget=forms.RadioSelect
    )
    order_number = forms.CharField(
        label="Mã đơn (khi khớp với đơn khác đơn đã nhận ra, ví dụ DH0000123)", max_length=20, required=False
    )
    reason = forms.CharField(label="Lý do / cách đã xử lý", max_length=500, widget=forms.Textarea)


@admin.register(BankNotification)
class BankNotificationAdmin(WrittenByServicesAdmin):
    """The staff queue: transfers that did not match exactly one unpaid order. Each is resolved once, with
    an outcome and a reason, on its own page."""

    list_display = [
        "received_at",
        "provider_id",
        "amount",
        "content",
        "order",
        "status",
        "outcome",
        "resolved_by",
        "resolve_link",
    ]
    list_filter = ["status", "outcome"]
    search_fields = ["provider_id", "content", "reference_code"]
    list_select_related = ["order"]
    readonly_fields = [field.name for field in BankNotification._meta.fields]

    @admin.display(description="Xử lý")
    def resolve_link(self, obj):
        if obj.status not in QUEUED_NOTIFICATION_STATUSES or obj.outcome:
            return ""
        url = reverse("admin:money_banknotification_resolve", args=[obj.pk])
        return format_html('<a href="{}" data-resolve="{}">Xử lý</a>', url, obj.pk)

    def get_urls(self):
        extra = [
            path(
                "<int:pk>/resolve/",
                self.admin_site.admin_view(self.resolve_view),
                name="money_banknotification_resolve",
            )
        ]
        return extra + super().get_urls()

    def resolve_view(self, request, pk: int):
        notification = get_object_or_404(BankNotification, pk=pk)
        return _service_form(
            self,
            request,
            form=BankNotificationResolveForm(request.POST if request.method == "POST" else None),
            title=f"Xử lý giao dịch {notification.provider_id}: {notification.amount} ₫",
            act=lambda data: bank_notification_resolve(notification=notification, by=request.user, **data),
            done="Đã xử lý giao dịch.",
            obj=notification,
        )


class RefundTransferForm(forms.Form):
    bank_reference = forms.CharField(label="Mã giao dịch chuyển khoản hoàn tiền", max_length=100)


@admin.register(OrderRefund)
class OrderRefundAdmin(WrittenByServicesAdmin):
    """Money owed back for cancelled paid parts: card refunds go through Stripe by themselves; staff record
    the bank transfers they make."""

    list_display = ["created_at", "order", "amount", "method", "status", "stripe_refund_id", "record_link"]
    list_filter = ["status", "method"]
    search_fields = ["order__number", "bank_reference", "stripe_refund_id"]
    list_select_related = ["order"]
    readonly_fields = [field.name for field in OrderRefund._meta.fields]
    actions = ["retry_card"]

    @admin.action(description="Hoàn lại qua Stripe (khoản hoàn thẻ còn chờ)")
    def retry_card(self, request, queryset):
        sent = 0
        for refund in queryset.order_by("pk")[:100]:
            try:
                sent += order_refund_retry_card(refund=refund, by=request.user)
            except PermissionDenied as exc:
                self.message_user(request, _refusal(exc), messages.ERROR)
                return
        self.message_user(request, f"Đã gửi lại {sent} khoản hoàn qua Stripe.", messages.INFO)

    @admin.display(description="Ghi nhận")
    def record_link(self, obj):
        if obj.status != OrderRefundStatus.DUE or obj.method != RefundMethod.BANK_TRANSFER:
            return ""
        url = reverse("admin:money_orderrefund_record", args=[obj.pk])
        return format_html('<a href="{}">Ghi nhận đã chuyển khoản</a>', url)

    def get_urls(self):
        extra = [
            path(
                "<int:pk>/record/",
                self.admin_site.admin_view(self.record_view),
                name="money_orderrefund_record",
            )
        ]
        return extra + super().get_urls()

    def record_view(self, request, pk: int):
        refund = get_object_or_404(OrderRefund.objects.select_related("order"), pk=pk)
        return _service_form(
            self,
            request,
            form=RefundTransferForm(request.POST if request.method == "POST" else None),
            title=f"Hoàn {refund.amount} ₫ cho đơn {refund.order.number}",
            act=lambda data: order_refund_record_transfer(refund=refund, by=request.user, **data),
            done="Đã ghi nhận khoản hoàn tiền.",
            obj=refund,
        )


class RemittanceUploadForm(forms.Form):
    file = forms.FileField(label=_("Bảng kê COD của đơn vị vận chuyển (CSV)"))
    apply = forms.BooleanField(label=_("Ghi nhận (bỏ chọn để chỉ xem trước)"), required=False)


@admin.register(CodRemittance)
class CodRemittanceAdmin(WrittenByServicesAdmin):
    list_display = ["order", "amount", "remitted_on", "actor_name", "created_at"]
    readonly_fields = ["order", "amount", "remitted_on", "actor_name", "created_at"]
    change_list_template = "admin/money/codremittance_change_list.html"

    def get_urls(self):
        extra = [
            path("upload/", self.admin_site.admin_view(self.upload_view), name="money_codremittance_upload")
        ]
        return extra + super().get_urls()

    def upload_view(self, request):
        form = RemittanceUploadForm(request.POST or None, request.FILES or None)
        plan = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read(REMITTANCE_MAX_BYTES + 1)
            try:
                if form.cleaned_data["apply"]:
                    plan = remittance_apply(content=content, by=request.user)
                    self.message_user(request, "Đã ghi nhận các dòng khớp.", messages.SUCCESS)
                else:
                    plan = remittance_plan(content=content)
            except (PermissionDenied, ValidationError) as exc:
                form.add_error(None, _refusal(exc))
        context = {
            **self.admin_site.each_context(request),
            "title": "Đối soát COD",
            "form": form,
            "plan": plan,
            "opts": self.model._meta,
        }
        return render(request, "admin/money/cod_upload.html", context)


@admin.register(BankAccountChange)
class BankAccountChangeAdmin(WrittenByServicesAdmin):
    list_display = ["created_at", "producer", "old_account", "new_account", "actor_name", "confirmed_by"]
    readonly_fields = [field.name for field in BankAccountChange._meta.fields]

    def has_change_permission(self, request, obj=None):
        return False


class EscalationForm(forms.Form):
    decision = forms.ChoiceField(
        label="Quyết định",
        choices=[("accept", "Chấp nhận trả hàng"), ("refuse", "Từ chối")],
        widget=forms.RadioSelect,
    )
    restock = forms.BooleanField(label="Nhập lại hàng vào kho", required=False)
    reason = forms.CharField(label="Lý do", max_length=500, widget=forms.Textarea, required=False)


class ReturnRefundForm(forms.Form):
    amount = forms.IntegerField(label="Số tiền hoàn (₫)", min_value=1, max_value=1_000_000_000)
    method = forms.ChoiceField(label="Cách hoàn", choices=RefundMethod.choices, widget=forms.RadioSelect)
    bank_reference = forms.CharField(
        label="Mã giao dịch chuyển khoản (khi hoàn bằng chuyển khoản)", max_length=100, required=False
    )
    # One key per form shown: submitting it twice is one refund.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=80)


@admin.register(ReturnRequest)
class ReturnRequestAdmin(WrittenByServicesAdmin):
    """Returns: staff decide the escalated ones and refund the accepted ones."""

    list_display = ["pk", "created_at", "part", "line", "quantity", "status", "process_link"]
    list_filter = ["status"]
    search_fields = ["part__order__number"]
    list_select_related = ["part__order", "part__producer", "line"]
    readonly_fields = [field.name for field in ReturnRequest._meta.fields]

    @admin.display(description="Xử lý")
    def process_link(self, obj):
        if obj.status not in (ReturnStatus.ESCALATED, ReturnStatus.ACCEPTED):
            return ""
        url = reverse("admin:money_returnrequest_process", args=[obj.pk])
        label = "Quyết định" if obj.status == ReturnStatus.ESCALATED else "Hoàn tiền"
        return format_html('<a href="{}" data-process="{}">{}</a>', url, obj.pk, label)

    def get_urls(self):
        extra = [
            path(
                "<int:pk>/process/",
                self.admin_site.admin_view(self.process_view),
                name="money_returnrequest_process",
            )
        ]
        return extra + super().get_urls()

    def process_view(self, request, pk: int):
        ret = get_object_or_404(ReturnRequest.objects.select_related("part__order", "line"), pk=pk)
        data = request.POST if request.method == "POST" else None
        title = f"Trả hàng {ret.pk}: {ret.quantity} × {ret.line.product_name} ({ret.get_status_display()})"
        if ret.status == ReturnStatus.ESCALATED:
            form: forms.Form = EscalationForm(data)
        elif ret.status == ReturnStatus.ACCEPTED:
            form = ReturnRefundForm(
                data,
                initial={
                    "amount": ret.line.unit_price_amount * ret.quantity,
                    "method": RefundMethod.CARD
                    if ret.part.order.payment_method == RefundMethod.CARD
                    else RefundMethod.BANK_TRANSFER,
                    "idempotency_key": f"return-{ret.pk}-{uuid.uuid4()}",
                },
            )
        else:
            self.message_user(request, "Yêu cầu này không cần Chợ OCOP xử lý.", messages.INFO)
            return redirect("admin:money_returnrequest_changelist")

        def act(cleaned):
            if isinstance(form, EscalationForm):
                return_request_decide(
                    request=ret,
                    accept=cleaned["decision"] == "accept",
                    reason=cleaned["reason"],
                    restock=cleaned["restock"],
                    by=request.user,
                )
            else:
                return_request_refund(request=ret, by=request.user, **cleaned)

        return _service_form(
            self, request, form=form, title=title, act=act, done="Đã xử lý yêu cầu trả hàng.", obj=ret
        )
