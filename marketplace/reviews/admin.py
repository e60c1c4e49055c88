from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from marketplace.core.admin_actions import ReadOnlyInline, reason_action
from marketplace.reviews import services
from marketplace.reviews.models import Review, ReviewEvent, ReviewReport


class ReportInline(ReadOnlyInline):
    model = ReviewReport
    fields = ["created_at", "reporter", "reason", "resolved_at"]


class EventInline(ReadOnlyInline):
    """The moderation audit trail."""

    model = ReviewEvent
    fields = ["created_at", "kind", "actor", "reason"]


class ReportedFilter(admin.SimpleListFilter):
    title = "reports"
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("open", _("Báo cáo chưa xử lý"))]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(reports__resolved_at__isnull=True).distinct()
        return queryset


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """Staff moderation: reviews are written by buyers and replied to by producers, never edited here."""

    list_display = ["product", "stars", "author_name", "created_at", "hidden_at"]
    list_filter = [ReportedFilter, "stars", ("hidden_at", admin.EmptyFieldListFilter)]
    search_fields = ["product__name", "text", "author__email"]
    list_select_related = ["product"]
    inlines = [ReportInline, EventInline]
    actions = ["hide_reviews", "restore_reviews"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    hide_reviews = reason_action(
        name="hide_reviews",
        description=_("Ẩn đánh giá"),
        explanation="Đánh giá bị ẩn khỏi trang sản phẩm và điểm đánh giá ngay lập tức.",
        apply=lambda review, **change: services.review_hide(review=review, **change),
    )
    restore_reviews = reason_action(
        name="restore_reviews",
        description=_("Hiện lại đánh giá"),
        apply=lambda review, **change: services.review_restore(review=review, **change),
    )
