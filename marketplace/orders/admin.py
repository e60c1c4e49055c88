from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError

from marketplace.orders.models import Order, OrderLine, OrderPart, PaymentState
from marketplace.orders.services import order_mark_paid


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    readonly_fields = ["product_name", "variant_name", "sku", "unit_price_amount", "quantity"]
    fields = readonly_fields


@admin.register(OrderPart)
class OrderPartAdmin(admin.ModelAdmin):
    list_display = ["order", "producer", "status", "subtotal_amount", "shipping_amount", "tracking_code"]
    list_filter = ["status"]
    list_select_related = ["order", "producer"]
    search_fields = ["order__number", "producer__name"]
    inlines = [OrderLineInline]
    readonly_fields = [f.name for f in OrderPart._meta.fields]

    def has_add_permission(self, request):
        return False


class OrderPartInline(admin.TabularInline):
    model = OrderPart
    extra = 0
    can_delete = False
    show_change_link = True
    readonly_fields = ["producer", "status", "subtotal_amount", "shipping_amount", "tracking_code"]
    fields = readonly_fields


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
    list_filter = ["status", "payment_method", "payment_state"]
    search_fields = ["number", "email", "phone", "full_name"]
    date_hierarchy = "created_at"
    inlines = [OrderPartInline]
    readonly_fields = [f.name for f in Order._meta.fields]
    actions = ["mark_paid"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    # Staff holding orders.change_order only (the policy checks it again in the service); producers never.
    @admin.action(description="Đánh dấu đã nhận chuyển khoản", permissions=["change"])
    def mark_paid(self, request, queryset):
        done = 0
        for order in queryset.filter(payment_state=PaymentState.UNPAID).order_by("pk"):
            try:
                order_mark_paid(order=order, by=request.user)
                done += 1
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(request, f"{order.number}: {exc}", messages.ERROR)
        self.message_user(request, f"Đã đánh dấu {done} đơn đã thanh toán.", messages.SUCCESS)
