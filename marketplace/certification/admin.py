from django.contrib import admin

from marketplace.certification.models import Certification, Decision


class ReadOnlyAdmin(admin.ModelAdmin):
    """Decisions and certifications are owned by the import pipeline: staff read them here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["number", "date", "issuer", "level", "kind"]
    list_filter = ["kind", "level"]
    search_fields = ["number", "issuer", "title"]
    date_hierarchy = "date"


@admin.register(Certification)
class CertificationAdmin(ReadOnlyAdmin):
    list_display = ["product", "stars", "score", "decision", "valid_from", "valid_until", "state"]
    list_filter = ["state", "stars"]
    search_fields = ["product__name", "product__producer__name", "decision__number"]
    list_select_related = ["product", "decision"]
    raw_id_fields = ["product", "decision", "revoked_by", "superseded_by"]
