"""Staff's vouchers (the marketplace's own, whole order, platform-funded) and every producer's, read-only
once made. Adding and stopping go through the discounts services (staff with discounts.change_voucher)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from marketplace.discounts.models import Voucher, VoucherUsage
from marketplace.discounts.services import voucher_create, voucher_deactivate

EDITABLE = [
    "code",
    "name",
    "value_type",
    "value",
    "min_order_amount",
    "starts_at",
    "ends_at",
    "usage_limit",
    "usage_limit_per_customer",
]


@admin.register(Voucher)
class VoucherAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "producer",
        "value_type",
        "value",
        "min_order_amount",
        "starts_at",
        "ends_at",
        "used",
        "usage_limit",
        "is_active",
    ]
    list_filter = ["is_active", "value_type"]
    search_fields = ["code", "name", "producer__name"]
    list_select_related = ["producer"]
    fields = [*EDITABLE, "producer", "used", "is_active"]
    actions = ["deactivate"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["producer", "used", "is_active"]
        return self.fields

    def has_delete_permission(self, request, obj=None):
        return False  # orders keep their vouchers: stop one instead

    def save_model(self, request, obj, form, change):
        """A new voucher made here is the marketplace's (no producer); the model form checked the
        constraints (code unique whatever its case, value ranges, dates) first."""
        if change:
            return
        created = voucher_create(
            producer=None, by=request.user, **{name: form.cleaned_data.get(name) for name in EDITABLE}
        )
        obj.pk = created.pk
        obj._state.adding = False

    @admin.action(description=_("Ngừng các mã đã chọn"), permissions=["change"])
    def deactivate(self, request, queryset):
        for voucher in queryset:
            voucher_deactivate(voucher=voucher, by=request.user)
        messages.success(request, _("Đã ngừng %(count)d mã.") % {"count": queryset.count()})


@admin.register(VoucherUsage)
class VoucherUsageAdmin(admin.ModelAdmin):
    list_display = ["voucher", "order", "customer_key", "amount", "created_at", "released_at"]
    search_fields = ["voucher__code", "order__number", "customer_key"]
    list_select_related = ["voucher", "order"]
    readonly_fields = ["voucher", "order", "customer_key", "amount", "created_at", "released_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
