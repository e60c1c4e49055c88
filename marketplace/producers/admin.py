from django.contrib import admin

from marketplace.producers.models import Producer, ProducerMembership, ProducerPhoto


class MembershipInline(admin.TabularInline):
    model = ProducerMembership
    extra = 0
    autocomplete_fields = ["user"]


class PhotoInline(admin.TabularInline):
    # Producers upload through the portal (validated, re-encoded); staff may only review and remove.
    model = ProducerPhoto
    extra = 0
    fields = ["image", "alt", "sort_order"]
    readonly_fields = ["image"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Producer)
class ProducerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "province", "registration_code"]
    list_filter = ["kind", "province"]
    search_fields = ["name", "slug", "registration_code", "address"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline, PhotoInline]
