from django.contrib import admin

from marketplace.content.models import Menu, MenuItem, Page
from marketplace.core.html import sanitize_description


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
    list_display = ["title", "slug", "is_published", "updated_at"]
    prepopulated_fields = {"slug": ["title"]}

    def save_model(self, request, obj, form, change):
        # Staff-entered HTML gets the same sanitising as producers' descriptions.
        obj.content = sanitize_description(obj.content)
        super().save_model(request, obj, form, change)
