from django.contrib import admin

from marketplace.producers.models import Producer, ProducerMembership


class MembershipInline(admin.TabularInline):
    model = ProducerMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Producer)
class ProducerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "province", "registration_code"]
    list_filter = ["kind", "province"]
    search_fields = ["name", "slug", "registration_code", "address"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]
