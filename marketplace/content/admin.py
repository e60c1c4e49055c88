import functools

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _

from marketplace.content import services
from marketplace.content.models import (
    MENU_MAX_ITEMS,
    Menu,
    MenuItem,
    MenuItemTranslation,
    Page,
    PageTranslation,
)
from marketplace.core.admin_translations import (
    TranslationInline,
    save_translation_formset,
    translation_form,
)
from marketplace.core.widgets import RichTextarea

PAGE_TRANSLATED_FIELDS = ("title", "content", "seo_title", "seo_description")


class PageTranslationInline(TranslationInline):
    model = PageTranslation
    form = translation_form(content=services.PAGE_CONTENT_MAX_LENGTH)
    fields = ["language_code", *PAGE_TRANSLATED_FIELDS, "slug"]
    readonly_fields = ["slug"]  # made from the translated title


class MenuItemTranslationInline(TranslationInline):
    model = MenuItemTranslation
    fields = ["language_code", "name"]


@admin.register(MenuItem)
class MenuItemAdmin(admin.ModelAdmin):
    """Menu entries one by one, to translate their labels (the menu's page lists them inline)."""

    list_display = ["name", "menu", "parent", "sort_order"]
    list_filter = ["menu"]
    inlines = [MenuItemTranslationInline]

    def save_formset(self, request, form, formset, change):
        save = functools.partial(services.menu_item_translation_set, by=request.user)
        owner = form.instance
        save_translation_formset(formset, save, owner=owner, owner_kwarg="menu_item", fields=("name",))


class PageAdminForm(forms.ModelForm):
    class Meta:
        model = Page
        fields = ["title", "slug", "content", "is_published", "seo_title", "seo_description"]
        widgets = {"content": RichTextarea()}  # the portal's editor; content.services sanitises on save


class MenuItemFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        kept = [form for form in self.forms if form.has_changed() or form.instance.pk is not None]
        kept = [form for form in kept if not getattr(form, "cleaned_data", {}).get("DELETE")]
        if len(kept) > MENU_MAX_ITEMS:
            raise forms.ValidationError(
                _("Một menu có tối đa %(max)d mục (tính cả các mục con).") % {"max": MENU_MAX_ITEMS}
            )


class MenuItemInline(admin.TabularInline):
    model = MenuItem
    formset = MenuItemFormSet
    extra = 0
    max_num = MENU_MAX_ITEMS
    fields = ["name", "parent", "sort_order", "category", "collection", "page", "url"]


@admin.register(Menu)
class MenuAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    inlines = [MenuItemInline]


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    form = PageAdminForm
    list_display = ["title", "slug", "is_published", "updated_at"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [PageTranslationInline]

    def save_formset(self, request, form, formset, change):
        save = functools.partial(services.page_translation_set, by=request.user)
        owner = form.instance
        save_translation_formset(
            formset, save, owner=owner, owner_kwarg="page", fields=PAGE_TRANSLATED_FIELDS
        )

    def save_model(self, request, obj, form, change):
        """Through the services as the staff user: the HTML is sanitised like producers' descriptions."""
        data = {
            field: form.cleaned_data[field] for field in services.PAGE_FIELDS if field in form.cleaned_data
        }
        if change:
            services.page_update(page=obj, by=request.user, **data)
        else:
            page = services.page_create(by=request.user, **data)
            obj.pk = page.pk
            obj._state.adding = False
        obj.refresh_from_db()
