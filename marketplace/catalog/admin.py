import datetime
import functools

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from marketplace.catalog import charts, selectors, services
from marketplace.catalog.models import (
    PRODUCT_DESCRIPTION_MAX_LENGTH,
    Attribute,
    AttributeTranslation,
    AttributeValue,
    AttributeValueTranslation,
    Category,
    CategoryTranslation,
    Channel,
    Collection,
    CollectionProduct,
    CollectionTranslation,
    Product,
    ProductExpiringSoon,
    ProductImage,
    ProductModeration,
    ProductTranslation,
    ProductType,
    ProductTypeAttribute,
    ProductVariant,
    TakedownRequest,
)
from marketplace.core.admin_actions import run_action_with_form
from marketplace.core.admin_translations import (
    TranslationInline,
    save_translation_formset,
    translation_form,
)
from marketplace.core.provinces import BY_CODE


class HideReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label=_("Lý do ẩn"), max_length=2000)


class VariantInline(admin.TabularInline):
    # Saved through catalog.services (ProductAdmin.save_formset); variants are kept once ordered.
    model = ProductVariant
    extra = 0
    can_delete = False
    fields = ["sku", "name", "price_amount", "weight_grams", "volume_ml"]


class ImageInline(admin.TabularInline):
    # Uploads go through the portal (validated and re-encoded); staff only see and remove images here.
    model = ProductImage
    extra = 0
    fields = ("image", "thumbnail", "alt", "sort_order", "width", "height")  # a tuple suits both attributes
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


DESCRIBED_FIELDS = ("name", "description", "seo_title", "seo_description")


class DescribedTranslationInline(TranslationInline):
    form = translation_form(description=PRODUCT_DESCRIPTION_MAX_LENGTH)
    fields = ["language_code", *DESCRIBED_FIELDS, "slug"]
    readonly_fields = ["slug"]  # made from the translated name


class ProductTranslationInline(DescribedTranslationInline):
    model = ProductTranslation


class CategoryTranslationInline(DescribedTranslationInline):
    model = CategoryTranslation


class CollectionTranslationInline(DescribedTranslationInline):
    model = CollectionTranslation


class HiddenFilter(admin.SimpleListFilter):
    title = _("bị quản trị viên ẩn")
    parameter_name = "hidden"

    def lookups(self, request, model_admin):
        return [("yes", _("Đang bị ẩn")), ("no", _("Không bị ẩn"))]

    def queryset(self, request, queryset):
        # ProductAdmin.get_queryset annotates `is_hidden` (an open hiding).
        if self.value() == "yes":
            return queryset.filter(is_hidden=True)
        if self.value() == "no":
            return queryset.filter(is_hidden=False)
        return queryset


class ShopperVisibleFilter(admin.SimpleListFilter):
    title = _("khách hàng thấy")
    parameter_name = "visible"

    def lookups(self, request, model_admin):
        return [("yes", _("Đang bán (khách thấy)")), ("no", _("Khách không thấy"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(shopper_visible=self.value() == "yes")
        return queryset


class StarsFilter(admin.SimpleListFilter):
    title = _("hạng sao OCOP")
    parameter_name = "stars"

    def lookups(self, request, model_admin):
        return [("5", _("5 sao")), ("4", _("4 sao")), ("3", _("3 sao")), ("none", _("Không có chứng nhận"))]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(cert_stars__isnull=True)
        if self.value() in ("3", "4", "5"):
            return queryset.filter(cert_stars=int(self.value() or 0))
        return queryset


class CertificateFilter(admin.SimpleListFilter):
    title = _("chứng nhận OCOP")
    parameter_name = "certificate"

    def lookups(self, request, model_admin):
        return [
            ("active", _("Còn hiệu lực")),
            ("expiring", _("Hết hạn trong 90 ngày")),
            ("none", _("Không có / đã hết hạn / bị thu hồi")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "active":
            return queryset.filter(cert_valid_until__isnull=False)
        if self.value() == "expiring":
            return queryset.filter(cert_valid_until__lte=today + datetime.timedelta(days=90))
        if self.value() == "none":
            return queryset.filter(cert_valid_until__isnull=True)
        return queryset


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    # What shoppers really see comes from the one visibility rule (catalog.selectors.products_for_staff_list):
    # a published product that is hidden, uncertified or whose seller is suspended shows no green tick.
    list_display = [
        "name",
        "producer",
        "category",
        "shopper_visible_column",
        "shopper_status",
        "stars_column",
        "valid_until_column",
        "created_at",
    ]
    list_filter = [
        ShopperVisibleFilter,
        StarsFilter,
        CertificateFilter,
        HiddenFilter,
        "is_published",
        "category",
    ]
    search_fields = ["name", "slug", "producer__name"]
    list_select_related = ["producer", "category"]

    def get_queryset(self, request):
        return selectors.products_for_staff_list(super().get_queryset(request))

    @admin.display(description=_("khách thấy"), boolean=True, ordering="shopper_visible")
    def shopper_visible_column(self, obj) -> bool:
        return obj.shopper_visible

    @admin.display(description=_("tình trạng với khách"))
    def shopper_status(self, obj) -> object:
        if obj.shopper_visible:
            return _("Đang bán")
        if obj.is_hidden:
            return _("Bị quản trị viên ẩn")
        if not obj.is_published:
            return _("Người bán chưa đăng bán")
        if obj.cert_stars is None:
            return _("Không có chứng nhận còn hiệu lực")
        return _("Người bán bị đình chỉ")

    @admin.display(description=_("hạng sao"), ordering="cert_stars")
    def stars_column(self, obj) -> str:
        return f"{obj.cert_stars} ★" if obj.cert_stars else "–"

    @admin.display(description=_("chứng nhận hiệu lực đến"), ordering="cert_valid_until")
    def valid_until_column(self, obj):
        return obj.cert_valid_until or "–"

    autocomplete_fields = ["producer"]
    inlines = [VariantInline, ImageInline, ProductTranslationInline]
    # Kept by reviews.services from the shown reviews; never typed in (ratings cannot be bought).
    readonly_fields = ["rating_count", "rating_average"]
    actions = ["hide_products", "unhide_products"]
    change_list_template = "admin/catalog/product/change_list.html"
    fields = [
        "producer",
        "category",
        "name",
        "slug",
        "description",
        "is_published",
        "origin",
        "seo_title",
        "seo_description",
    ]

    def get_readonly_fields(self, request, obj=None):
        # The producer and the slug (links, QR codes) are set once, when the product is created.
        return ["producer", "slug"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        """Through the services, as the staff user: the same checks and sanitising as the portal and API."""
        data = form.cleaned_data
        if change:
            changes = {field: data[field] for field in services.PRODUCT_UPDATABLE if field in data}
            services.product_update(product=obj, by=request.user, **changes)
            return
        product = services.product_create(
            producer=data["producer"],
            category=data["category"],
            name=data["name"],
            slug=data.get("slug") or None,
            description=data.get("description", ""),
            is_published=data.get("is_published", False),
            seo_title=data.get("seo_title", ""),
            seo_description=data.get("seo_description", ""),
            origin=data.get("origin", ""),
            by=request.user,
        )
        obj.pk = product.pk
        obj._state.adding = False
        obj.refresh_from_db()

    def save_formset(self, request, form, formset, change):
        if formset.model is ProductTranslation:
            save = functools.partial(services.product_translation_set, by=request.user)
            owner = form.instance
            return save_translation_formset(
                formset, save, owner=owner, owner_kwarg="product", fields=DESCRIBED_FIELDS
            )
        if formset.model not in (ProductImage, ProductVariant):
            return super().save_formset(request, form, formset, change)
        # What the admin's change message reads (a plain formset.save() would have set these).
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if formset.model is ProductImage:
            for image_form in formset.deleted_forms:
                if image_form.instance.pk is not None:
                    formset.deleted_objects.append(image_form.instance)
                    services.product_image_delete(image=image_form.instance, by=request.user)
            return None
        product = form.instance
        for variant_form in formset.forms:
            if not variant_form.has_changed() or variant_form in formset.deleted_forms:
                continue
            data = variant_form.cleaned_data
            if variant_form.instance.pk is None:
                formset.new_objects.append(variant_form.instance)
                variant_form.instance = services.variant_create(
                    product=product,
                    sku=data["sku"],
                    name=data.get("name", ""),
                    price_amount=data["price_amount"],
                    weight_grams=data.get("weight_grams"),
                    volume_ml=data.get("volume_ml"),
                    by=request.user,
                )
            else:
                changes = {field: data[field] for field in variant_form.changed_data}
                formset.changed_objects.append((variant_form.instance, variant_form.changed_data))
                services.variant_update(variant=variant_form.instance, by=request.user, **changes)
        return None

    def get_urls(self):
        extra = [
            path(
                "overview/",
                self.admin_site.admin_view(self.overview_view),
                name="catalog_product_overview",
            ),
        ]
        return extra + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {**(extra_context or {}), **moderation_links()})

    def overview_view(self, request):
        """Certified products by province and by stars, and certificate expiries per month, as SVG."""
        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        today = timezone.localdate()
        by_province = [
            (BY_CODE[code].name if code in BY_CODE else code, n)
            for code, n in selectors.certified_products_by_province(today=today)
        ]
        by_stars = [(f"{stars} sao", n) for stars, n in selectors.certified_products_by_stars(today=today)]
        expiries = [
            (f"{month:%m/%y}", n) for month, n in selectors.certificate_expiries_by_month(today=today)
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Tổng quan OCOP"),
            "today": today,
            "province_chart": charts.horizontal_bar_chart(
                by_province, title=str(_("Sản phẩm được chứng nhận theo tỉnh"))
            ),
            "stars_chart": charts.horizontal_bar_chart(
                by_stars, title=str(_("Sản phẩm được chứng nhận theo hạng sao"))
            ),
            "expiry_chart": charts.vertical_bar_chart(
                expiries, title=str(_("Chứng nhận hết hạn theo tháng"))
            ),
            "total_certified": sum(n for _, n in by_stars),
            "expiring_soon": selectors.products_with_certificate_expiring(
                within_days=settings.CERTIFICATE_REMINDER_DAYS, today=today
            ).count(),
            **moderation_links(),
        }
        return TemplateResponse(request, "admin/catalog/overview.html", context)

    @admin.action(description=_("Ẩn sản phẩm đã chọn (ghi lý do)"))
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
                self.message_user(request, _("Đã ẩn %(n)s sản phẩm.") % {"n": hidden}, messages.SUCCESS)
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

    @admin.action(description=_("Bỏ ẩn sản phẩm đã chọn"))
    def unhide_products(self, request, queryset):
        done = 0
        for product in queryset.order_by("pk"):
            try:
                services.product_unhide(product=product, by=request.user)
                done += 1
            except ValidationError as exc:
                self.message_user(request, f"{product}: {'; '.join(exc.messages)}", messages.WARNING)
        self.message_user(request, _("Đã bỏ ẩn %(n)s sản phẩm.") % {"n": done}, messages.SUCCESS)


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


def import_review_url() -> str | None:
    """The import pipeline's review queue (catalog_import's admin), when that app registers one."""
    for model in admin.site._registry:
        name = model._meta.model_name or ""
        if model._meta.app_label == "catalog_import" and "review" in name:
            try:
                return reverse(f"admin:catalog_import_{name}_changelist")
            except NoReverseMatch:
                continue
    return None


def moderation_links() -> dict:
    return {
        "overview_url": reverse("admin:catalog_product_overview"),
        "expiring_url": reverse("admin:catalog_productexpiringsoon_changelist"),
        "audit_url": reverse("admin:catalog_productmoderation_changelist"),
        "import_review_url": import_review_url(),
    }


@admin.register(ProductExpiringSoon)
class ProductExpiringSoonAdmin(admin.ModelAdmin):
    """The queue of products whose active certificate ends within CERTIFICATE_REMINDER_DAYS (30)."""

    list_display = [
        "product_link",
        "producer",
        "stars",
        "decision",
        "valid_until",
        "days_left",
        "is_published",
    ]
    list_display_links = None
    search_fields = ["name", "producer__name"]
    list_filter = ["producer__province"]

    def get_queryset(self, request):
        return selectors.products_with_certificate_expiring(within_days=settings.CERTIFICATE_REMINDER_DAYS)

    def get_ordering(self, request):
        return ["cert_valid_until", "id"]

    @admin.display(description=_("sản phẩm"), ordering="name")
    def product_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:catalog_product_change", args=[obj.pk]), obj.name
        )

    @admin.display(description=_("hạng sao"), ordering="cert_stars")
    def stars(self, obj):
        return f"{obj.cert_stars} ★"

    @admin.display(description=_("quyết định"))
    def decision(self, obj):
        return obj.cert_decision

    @admin.display(description=_("hiệu lực đến"), ordering="cert_valid_until")
    def valid_until(self, obj):
        return obj.cert_valid_until

    @admin.display(description=_("còn (ngày)"))
    def days_left(self, obj) -> int:
        return (obj.cert_valid_until - timezone.localdate()).days

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("catalog.view_product")

    def changelist_view(self, request, extra_context=None):
        extra = {"title": f"Chứng nhận hết hạn trong {settings.CERTIFICATE_REMINDER_DAYS} ngày"}
        return super().changelist_view(request, {**(extra_context or {}), **extra})


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "parent", "ocop_group"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CategoryTranslationInline]

    def save_formset(self, request, form, formset, change):
        save = functools.partial(services.category_translation_set, by=request.user)
        owner = form.instance
        save_translation_formset(formset, save, owner=owner, owner_kwarg="category", fields=DESCRIBED_FIELDS)


class CollectionProductInline(admin.TabularInline):
    model = CollectionProduct
    extra = 0
    raw_id_fields = ["product"]


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    inlines = [CollectionProductInline, CollectionTranslationInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not CollectionTranslation:
            return super().save_formset(request, form, formset, change)
        save = functools.partial(services.collection_translation_set, by=request.user)
        owner = form.instance
        return save_translation_formset(
            formset, save, owner=owner, owner_kwarg="collection", fields=DESCRIBED_FIELDS
        )


admin.site.register(Channel)


class ProductTypeAttributeInline(admin.TabularInline):
    model = ProductTypeAttribute
    extra = 0
    verbose_name = _("Thuộc tính của loại sản phẩm")
    verbose_name_plural = _("Thuộc tính của loại sản phẩm")


@admin.register(ProductType)
class ProductTypeAdmin(admin.ModelAdmin):
    """Saleor's product types, one per OCOP group: a product's type follows its category's group."""

    list_display = ["name", "slug", "ocop_group", "is_shipping_required"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ProductTypeAttributeInline]

    def has_delete_permission(self, request, obj=None):
        return False  # every product's type is one of these (Product.productType is required)


class AttributeTranslationInline(admin.TabularInline):
    model = AttributeTranslation
    extra = 0
    verbose_name = _("Bản dịch tên thuộc tính")
    verbose_name_plural = _("Bản dịch tên thuộc tính (mã ngôn ngữ: en, en-us, …)")


class AttributeValueInline(admin.TabularInline):
    model = AttributeValue
    extra = 0
    fields = ["slug", "name", "sort_order"]
    verbose_name = _("Tên lựa chọn")
    verbose_name_plural = _("Tên các lựa chọn (slug là giá trị nguồn: số sao, mã loại hình, mã tỉnh)")


@admin.register(Attribute)
class AttributeAdmin(admin.ModelAdmin):
    """Attributes show real data (their source); staff name, order, hide and translate them. Which value
    a product has is always read from the source, never typed here."""

    list_display = ["name", "slug", "source", "visible_in_storefront", "sort_order"]
    readonly_fields = ["source"]
    inlines = [AttributeValueInline, AttributeTranslationInline]

    def has_add_permission(self, request):
        return False  # one attribute per source, created by the catalogue's migration

    def has_delete_permission(self, request, obj=None):
        return False


class AttributeValueTranslationInline(admin.TabularInline):
    model = AttributeValueTranslation
    extra = 0
    verbose_name = _("Bản dịch")
    verbose_name_plural = _("Bản dịch (mã ngôn ngữ: en, en-us, …)")


@admin.register(AttributeValue)
class AttributeValueAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "attribute", "sort_order"]
    list_filter = ["attribute"]
    inlines = [AttributeValueTranslationInline]


admin.site.site_header = _("Chợ OCOP – quản trị")
admin.site.site_title = _("Chợ OCOP – quản trị")
admin.site.index_title = _("Quản trị")


class TakedownHandleForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label=_("Ghi chú xử lý"), max_length=4000
    )


@admin.register(TakedownRequest)
class TakedownRequestAdmin(admin.ModelAdmin):
    """Takedown requests: staff record them here and handle them with the actions (a removal is a staff
    hiding, so the product disappears everywhere at once)."""

    list_display = ["reference", "product", "requester", "received_at", "status", "handled_at"]
    list_filter = ["status"]
    search_fields = ["reference", "requester", "product__name"]
    list_select_related = ["product"]
    autocomplete_fields = ["product"]
    fields = ["product", "requester", "requester_contact", "reference", "reason"]
    actions = ["remove_products", "reject_requests"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [
            *self.fields,
            "status",
            "recorded_by",
            "handled_by",
            "handled_at",
            "handling_note",
            "moderation",
        ]

    def get_fields(self, request, obj=None):
        return self.get_readonly_fields(request, obj) if obj is not None else self.fields

    def save_model(self, request, obj, form, change):
        if change:
            return  # handled through the actions only
        data = form.cleaned_data
        created = services.takedown_record(
            product=data["product"],
            by=request.user,
            requester=data["requester"],
            reference=data["reference"],
            reason=data["reason"],
            requester_contact=data.get("requester_contact", ""),
        )
        obj.pk = created.pk

    def has_delete_permission(self, request, obj=None):
        return False

    def _handle(self, request, queryset, *, remove: bool, action: str, title: str):
        return run_action_with_form(
            self,
            request,
            queryset,
            form_class=TakedownHandleForm,
            action=action,
            title=title,
            apply=lambda takedown, data: services.takedown_handle(
                takedown=takedown, by=request.user, remove=remove, note=data["note"]
            ),
        )

    @admin.action(description=_("Gỡ sản phẩm theo yêu cầu"))
    def remove_products(self, request, queryset):
        return self._handle(
            request, queryset, remove=True, action="remove_products", title="Gỡ sản phẩm / Remove"
        )

    @admin.action(description=_("Từ chối yêu cầu"))
    def reject_requests(self, request, queryset):
        return self._handle(
            request, queryset, remove=False, action="reject_requests", title="Từ chối / Reject"
        )
