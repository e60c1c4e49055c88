from django.contrib import admin

from marketplace.core.admin_actions import ReasonForm, run_action_with_form
from marketplace.reviews import services
from marketplace.reviews.models import Review, ReviewEvent, ReviewReport


class _ReadOnlyInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReportInline(_ReadOnlyInline):
    model = ReviewReport
    fields = ["created_at", "reporter", "reason", "resolved_at"]
    readonly_fields = fields


class EventInline(_ReadOnlyInline):
    """The moderation audit trail."""

    model = ReviewEvent
    fields = ["created_at", "kind", "actor", "reason"]
    readonly_fields = fields


class ReportedFilter(admin.SimpleListFilter):
    title = "reports"
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("open", "Open reports")]

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

    @admin.action(description="Ẩn đánh giá / Hide reviews")
    def hide_reviews(self, request, queryset):
        return run_action_with_form(
            self,
            request,
            queryset,
            form_class=ReasonForm,
            action="hide_reviews",
            title="Ẩn đánh giá / Hide reviews",
            apply=lambda review, data: services.review_hide(
                review=review, by=request.user, reason=data["reason"]
            ),
        )

    @admin.action(description="Hiện lại đánh giá / Restore reviews")
    def restore_reviews(self, request, queryset):
        return run_action_with_form(
            self,
            request,
            queryset,
            form_class=ReasonForm,
            action="restore_reviews",
            title="Hiện lại đánh giá / Restore reviews",
            apply=lambda review, data: services.review_restore(
                review=review, by=request.user, reason=data["reason"]
            ),
        )
