from django import forms
from django.contrib import admin

from marketplace.content import services
from marketplace.content.models import Menu, MenuItem, Page
from marketplace.core.widgets import RichTextarea


class PageAdminForm(forms.ModelForm):
    class Meta:
        model = Page
        fields = ["title", "slug", "content", "is_published", "seo_title", "seo_description"]
        widgets = {"content": RichTextarea()}  # the portal's editor; content.services sanitises on save


class MenuItemInline(admin.TabularInline):
    model = MenuItem
    extra = 0
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
