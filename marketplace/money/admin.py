"""Staff screens for producer money: the ledger (read-only), commission rates, payout batches (create,
export, mark sent), the bank-transfer queue and the COD remittance upload (plan, then apply)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from marketplace.money.models import (
    BankAccount,
    BankAccountChange,
    BankNotification,
    CodRemittance,
    CommissionRate,
    LedgerEntry,
    NotificationStatus,
    PayoutBatch,
    PayoutItem,
)
from marketplace.money.selectors import payout_batch_csv
from marketplace.money.services import (
    REMITTANCE_MAX_BYTES,
    bank_notification_resolve,
    payout_batch_create,
    payout_batch_mark_sent,
    remittance_apply,
    remittance_plan,
)


def _refusal(exc: Exception) -> str:
    return "; ".join(exc.messages) if isinstance(exc, ValidationError) else "không có quyền"


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "producer", "kind", "amount", "part", "line", "reason"]
    list_filter = ["kind"]
    search_fields = ["producer__name", "part__order__number"]
    list_select_related = ["producer", "part", "line"]
    readonly_fields = [field.name for field in LedgerEntry._meta.fields]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
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
class PayoutBatchAdmin(admin.ModelAdmin):
    list_display = ["pk", "created_at", "status", "threshold", "actor_name", "sent_at"]
    readonly_fields = ["status", "threshold", "actor_name", "created_at", "sent_at"]
    inlines = [PayoutItemInline]
    actions = ["export_csv", "mark_sent"]
    change_list_template = "admin/money/payoutbatch_change_list.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

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
        response = HttpResponse(payout_batch_csv(batches[0]), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="chi-tra-{batches[0].pk}.csv"'
        return response

    @admin.action(description=_("Đánh dấu đã chuyển"))
    def mark_sent(self, request, queryset):
        for batch in queryset.order_by("pk")[:100]:
            try:
                payout_batch_mark_sent(batch=batch, by=request.user)
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(request, f"{batch}: {_refusal(exc)}", messages.ERROR)


@admin.register(BankNotification)
class BankNotificationAdmin(admin.ModelAdmin):
    """The staff queue: transfers that did not match exactly one unpaid order."""

    list_display = ["received_at", "provider_id", "amount", "content", "order", "status", "resolution"]
    list_filter = ["status"]
    search_fields = ["provider_id", "content", "reference_code"]
    readonly_fields = [field.name for field in BankNotification._meta.fields]
    actions = ["resolve_paid", "resolve_note"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _resolve(self, request, queryset, *, mark_paid: bool, note: str) -> None:
        queue = [
            NotificationStatus.UNDERPAID,
            NotificationStatus.OVERPAID,
            NotificationStatus.UNKNOWN,
            NotificationStatus.ALREADY_PAID,
        ]
        for notification in queryset.filter(status__in=queue).order_by("pk")[:100]:
            try:
                bank_notification_resolve(
                    notification=notification, resolution=note, mark_paid=mark_paid, by=request.user
                )
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(request, f"{notification}: {_refusal(exc)}", messages.ERROR)

    @admin.action(description=_("Xác nhận đơn đã thanh toán và đóng"))
    def resolve_paid(self, request, queryset):
        self._resolve(request, queryset, mark_paid=True, note="Nhân viên xác nhận đơn đã thanh toán")

    @admin.action(description=_("Đóng (đã xử lý ngoài hệ thống, ví dụ hoàn lại tiền)"))
    def resolve_note(self, request, queryset):
        self._resolve(request, queryset, mark_paid=False, note="Đã xử lý ngoài hệ thống")


class RemittanceUploadForm(forms.Form):
    file = forms.FileField(label=_("Bảng kê COD của đơn vị vận chuyển (CSV)"))
    apply = forms.BooleanField(label=_("Ghi nhận (bỏ chọn để chỉ xem trước)"), required=False)


@admin.register(CodRemittance)
class CodRemittanceAdmin(admin.ModelAdmin):
    list_display = ["order", "amount", "remitted_on", "actor_name", "created_at"]
    readonly_fields = ["order", "amount", "remitted_on", "actor_name", "created_at"]
    change_list_template = "admin/money/codremittance_change_list.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

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
class BankAccountChangeAdmin(admin.ModelAdmin):
    list_display = ["created_at", "producer", "old_account", "new_account", "actor_name", "confirmed_by"]
    readonly_fields = [field.name for field in BankAccountChange._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
