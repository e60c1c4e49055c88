from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.shortcuts import render

from marketplace.catalog import services
from marketplace.catalog.models import (
    Category,
    Channel,
    Collection,
    CollectionProduct,
    Product,
    ProductImage,
    ProductModeration,
    ProductVariant,
)


class HideReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="Lý do ẩn / reason", max_length=2000
    )


class VariantInline(admin.TabularInline):
    model = ProductVariant
    extra = 0


class ImageInline(admin.TabularInline):
    model = ProductImage
    extra = 0


class HiddenFilter(admin.SimpleListFilter):
    title = "hidden by staff"
    parameter_name = "hidden"

    def lookups(self, request, model_admin):
        return [("yes", "Hidden"), ("no", "Not hidden")]

    def queryset(self, request, queryset):
        open_moderation = ProductModeration.objects.filter(product=OuterRef("pk"), unhidden_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(Exists(open_moderation))
        if self.value() == "no":
            return queryset.exclude(Exists(open_moderation))
        return queryset


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "producer", "category", "is_published", "created_at"]
    list_filter = ["is_published", HiddenFilter, "category"]
    search_fields = ["name", "slug", "producer__name"]
    list_select_related = ["producer", "category"]
    autocomplete_fields = ["producer"]
    inlines = [VariantInline, ImageInline]
    actions = ["hide_products", "unhide_products"]

    @admin.action(description="Ẩn sản phẩm đã chọn (ghi lý do) / Hide selected products")
    def hide_products(self, request, queryset):
        if "apply" in request.POST:
            form = HideReasonForm(request.POST)
            if form.is_valid():
                hidden = 0
                for product in queryset.order_by("pk"):
                    try:
                        services.product_hide(
                            product=product, by=request.user, reason=form.cleaned_data["reason"]
                        )
                        hidden += 1
                    except ValidationError as exc:
                        self.message_user(request, f"{product}: {'; '.join(exc.messages)}", messages.WARNING)
                self.message_user(request, f"Hidden {hidden} product(s).", messages.SUCCESS)
                return None
        else:
            form = HideReasonForm()
        return render(
            request,
            "admin/catalog/hide_reason.html",
            {
                **self.admin_site.each_context(request),
                "products": queryset,
                "form": form,
                "opts": self.model._meta,
            },
        )

    @admin.action(description="Bỏ ẩn sản phẩm đã chọn / Unhide selected products")
    def unhide_products(self, request, queryset):
        done = 0
        for product in queryset.order_by("pk"):
            try:
                services.product_unhide(product=product, by=request.user)
                done += 1
            except ValidationError as exc:
                self.message_user(request, f"{product}: {'; '.join(exc.messages)}", messages.WARNING)
        self.message_user(request, f"Unhidden {done} product(s).", messages.SUCCESS)


@admin.register(ProductModeration)
class ProductModerationAdmin(admin.ModelAdmin):
    """The audit list: every hiding, who, when, why, and when it was undone."""

    list_display = ["product", "reason", "hidden_by", "hidden_at", "unhidden_by", "unhidden_at"]
    list_filter = ["unhidden_at"]
    search_fields = ["product__name", "reason"]
    list_select_related = ["product", "hidden_by", "unhidden_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "parent", "ocop_group"]
    prepopulated_fields = {"slug": ["name"]}


class CollectionProductInline(admin.TabularInline):
    model = CollectionProduct
    extra = 0
    raw_id_fields = ["product"]


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    inlines = [CollectionProductInline]


admin.site.register(Channel)
admin.site.site_header = "OCOP Marketplace – quản trị"
