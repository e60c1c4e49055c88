from django.contrib import admin

from marketplace.payments.models import Payment, StripeWebhookEvent


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["order", "method", "status", "amount", "stripe_payment_intent_id", "created_at"]
    list_filter = ["method", "status"]
    search_fields = ["order__number", "stripe_payment_intent_id"]
    list_select_related = ["order"]
    readonly_fields = [f.name for f in Payment._meta.fields if f.name != "stripe_client_secret"]
    exclude = ["stripe_client_secret"]

    def has_add_permission(self, request):
        return False


@admin.register(StripeWebhookEvent)
class StripeWebhookEventAdmin(admin.ModelAdmin):
    list_display = ["event_id", "type", "received_at"]
    search_fields = ["event_id"]
    readonly_fields = ["event_id", "type", "received_at"]

    def has_add_permission(self, request):
        return False
