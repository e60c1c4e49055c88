from django.contrib import admin

from marketplace.shipping.models import ProducerShipping, ShippingRate, ShippingSettings, ShippingZone


class ShippingRateInline(admin.TabularInline):
    model = ShippingRate
    extra = 0
    fields = ["up_to_grams", "fee_vnd"]


@admin.register(ShippingZone)
class ShippingZoneAdmin(admin.ModelAdmin):
    """The three zones are fixed (seeded); staff edit their days, brackets and per-kg fee."""

    list_display = ["code", "days_min", "days_max", "extra_kg_fee_vnd"]
    inlines = [ShippingRateInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        return ["code"]


@admin.register(ShippingSettings)
class ShippingSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "free_over_vnd"]

    def has_add_permission(self, request) -> bool:
        return not ShippingSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ProducerShipping)
class ProducerShippingAdmin(admin.ModelAdmin):
    list_display = ["producer", "free_over_vnd", "updated_at"]
    search_fields = ["producer__name"]
    autocomplete_fields = ["producer"]
