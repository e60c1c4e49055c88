from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from marketplace.certification.models import Certification, Decision
from marketplace.certification.services import PUBLISH_SOURCE_PERMISSION, decision_source_publish
from marketplace.producers.policies import is_staff_with


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
    list_display = ["number", "date", "issuer", "level", "kind", "source_published"]
    list_filter = ["kind", "level", "source_published"]
    actions = ["publish_source", "unpublish_source"]

    def has_publish_source_permission(self, request):
        return is_staff_with(request.user, PUBLISH_SOURCE_PERMISSION)

    def _set_source_published(self, request, queryset, published: bool) -> None:
        try:
            for decision in queryset.order_by("pk"):
                decision_source_publish(decision=decision, published=published, by=request.user)
        except PermissionDenied:
            self.message_user(request, _("Bạn không có quyền công bố tệp quyết định."), messages.ERROR)
            return
        self.message_user(request, _("Đã cập nhật %(count)d quyết định.") % {"count": queryset.count()})

    @admin.action(description=_("Công bố tệp gốc trên trang quyết định"), permissions=["publish_source"])
    def publish_source(self, request, queryset):
        self._set_source_published(request, queryset, True)

    @admin.action(description=_("Ngừng công bố tệp gốc"), permissions=["publish_source"])
    def unpublish_source(self, request, queryset):
        self._set_source_published(request, queryset, False)

    search_fields = ["number", "issuer", "title"]
    date_hierarchy = "date"


@admin.register(Certification)
class CertificationAdmin(ReadOnlyAdmin):
    list_display = ["code", "product", "stars", "score", "decision", "valid_from", "valid_until", "state"]
    list_filter = ["state", "stars"]
    search_fields = ["=code", "product__name", "product__producer__name", "decision__number"]
    list_select_related = ["product", "decision"]
    raw_id_fields = ["product", "decision", "revoked_by", "superseded_by"]
