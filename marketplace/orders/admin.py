from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from marketplace.orders.models import Order, OrderEvent, OrderEventKind, OrderLine, OrderPart, PaymentState
from marketplace.orders.services import REASON_MAX_LENGTH, order_mark_paid, order_part_cancel
from marketplace.payments.services import order_cancel_with_payment

# One admin action cancels at most this many orders or parts (each in its own transaction).
CANCEL_BATCH_LIMIT = 100


class CancelReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do hủy"), max_length=REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )


def _cancel_with_reason(modeladmin, request, queryset, *, action: str, title: str, cancel) -> object:
    """Admin action body: ask for a reason (intermediate page), then cancel each selected row through the
    service, reporting every refusal by name."""
    items = list(queryset.order_by("pk")[: CANCEL_BATCH_LIMIT + 1])
    if len(items) > CANCEL_BATCH_LIMIT:
        modeladmin.message_user(
            request, _("Chọn tối đa %(n)s mục mỗi lần.") % {"n": CANCEL_BATCH_LIMIT}, messages.ERROR
        )
        return None
    form = CancelReasonForm(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        done = 0
        for item in items:
            try:
                cancel(item, form.cleaned_data["reason"])
                done += 1
            except (PermissionDenied, ValidationError) as exc:
                detail = "; ".join(exc.messages) if isinstance(exc, ValidationError) else "không có quyền"
                modeladmin.message_user(request, f"{item}: {detail}", messages.ERROR)
        modeladmin.message_user(request, f"Đã hủy {done} mục.", messages.SUCCESS)
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "items": items,
        "form": form,
        "action": action,
        "opts": modeladmin.model._meta,
    }
    return render(request, "admin/orders/cancel_reason.html", context)


class OrderEventInline(admin.TabularInline):
    """The order's history: append-only, so shown read-only."""

    model = OrderEvent
    extra = 0
    can_delete = False
    # a tuple suits both attributes
    fields = ("created_at", "kind", "part", "actor_kind", "actor_name", "reason", "amount")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    # a tuple suits both attributes
    readonly_fields = ("product_name", "variant_name", "sku", "unit_price_amount", "quantity")
    fields = readonly_fields


@admin.register(OrderPart)
class OrderPartAdmin(admin.ModelAdmin):
    list_display = ["order", "producer", "status", "subtotal_amount", "shipping_amount", "tracking_code"]
    list_filter = ["status"]
    list_select_related = ["order", "producer"]
    search_fields = ["order__number", "producer__name"]
    inlines = [OrderLineInline]
    readonly_fields = [f.name for f in OrderPart._meta.fields]
    actions = ["cancel_parts"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Hủy phần đơn đã chọn (ghi lý do)"), permissions=["change"])
    def cancel_parts(self, request, queryset):
        return _cancel_with_reason(
            self,
            request,
            queryset.select_related("order", "producer"),
            action="cancel_parts",
            title="Hủy phần đơn",
            cancel=lambda part, reason: order_part_cancel(part=part, by=request.user, reason=reason),
        )


class OrderPartInline(admin.TabularInline):
    model = OrderPart
    extra = 0
    can_delete = False
    show_change_link = True
    # a tuple suits both attributes
    readonly_fields = ("producer", "status", "subtotal_amount", "shipping_amount", "tracking_code")
    fields = readonly_fields


class RefundDueFilter(admin.SimpleListFilter):
    """Paid orders with a part cancelled by staff: a refund_due event, and still paid until the money goes
    back (then: refunded)."""

    title = "hoàn tiền"
    parameter_name = "refund_due"

    def lookups(self, request, model_admin):
        return [("yes", "Cần hoàn tiền")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            due = OrderEvent.objects.filter(kind=OrderEventKind.REFUND_DUE).values("order_id")
            return queryset.filter(pk__in=due, payment_state=PaymentState.PAID)
        return queryset


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    """Read-only: status changes go through the services (the producer portal, the action below)."""

    list_display = [
        "number",
        "email",
        "status",
        "payment_method",
        "payment_state",
        "total_amount",
        "created_at",
    ]
    list_filter = ["status", "payment_method", "payment_state", RefundDueFilter]
    search_fields = ["number", "email", "phone", "full_name"]
    date_hierarchy = "created_at"
    inlines = [OrderPartInline, OrderEventInline]
    readonly_fields = [f.name for f in Order._meta.fields]
    actions = ["mark_paid", "cancel_orders"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    # Staff holding orders.change_order only (the policy checks it again in the service); producers never.
    @admin.action(description=_("Đánh dấu đã nhận chuyển khoản"), permissions=["change"])
    def mark_paid(self, request, queryset):
        done = 0
        for order in queryset.filter(payment_state=PaymentState.UNPAID).order_by("pk"):
            try:
                order_mark_paid(order=order, by=request.user)
                done += 1
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(request, f"{order.number}: {exc}", messages.ERROR)
        self.message_user(request, f"Đã đánh dấu {done} đơn đã thanh toán.", messages.SUCCESS)

    @admin.action(description=_("Hủy đơn đã chọn (ghi lý do)"), permissions=["change"])
    def cancel_orders(self, request, queryset):
        return _cancel_with_reason(
            self,
            request,
            queryset,
            action="cancel_orders",
            title="Hủy đơn hàng",
            cancel=lambda order, reason: order_cancel_with_payment(
                order=order, by=request.user, reason=reason
            ),
        )
