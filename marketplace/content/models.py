"""Saleor's `menu` and `page`: the navbar/footer menus and static pages (e.g. "about") of the storefront."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketplace.core.languages import language_code_field


class Page(models.Model):
    title = models.CharField(_("title"), max_length=250)
    slug = models.SlugField(max_length=100, unique=True)
    # Sanitised HTML (nh3), written only through content.services; the API serves it as EditorJS JSON.
    content = models.TextField(_("content"), blank=True)
    seo_title = models.CharField(max_length=120, blank=True)
    seo_description = models.CharField(max_length=300, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.title


# The most items one menu holds, at all levels together (a trigger in the database, MenuItem.clean and the
# admin inline enforce it): the GraphQL cost of a menu's tree is counted on this total (graphql.core.limits).
MENU_MAX_ITEMS = 100


class Menu(models.Model):
    name = models.CharField(max_length=250)
    slug = models.SlugField(max_length=100, unique=True)
    root_items: list["MenuItem"]  # set by content.selectors.menu_tree

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name


class MenuItem(models.Model):
    """One entry, pointing at a category, a collection, a page or an URL (at most one of the first three)."""

    menu = models.ForeignKey(Menu, on_delete=models.CASCADE, related_name="items")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    name = models.CharField(max_length=128)
    sort_order = models.PositiveSmallIntegerField(default=0)
    url = models.CharField(max_length=256, blank=True)
    category = models.ForeignKey("catalog.Category", null=True, blank=True, on_delete=models.CASCADE)
    collection = models.ForeignKey("catalog.Collection", null=True, blank=True, on_delete=models.CASCADE)
    page = models.ForeignKey(Page, null=True, blank=True, on_delete=models.CASCADE)
    # Set on the items content.selectors.menu_tree loads: the item's children in order, its depth (0: a root).
    tree_children: list["MenuItem"]
    tree_level: int

    class Meta:
        ordering = ["sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(category__isnull=True, collection__isnull=True)
                | Q(category__isnull=True, page__isnull=True)
                | Q(collection__isnull=True, page__isnull=True),
                name="content_menuitem_one_target",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.menu_id is None:
            return
        if self.parent_id is not None and self.parent is not None and self.parent.menu_id != self.menu_id:
            raise ValidationError({"parent": _("Mục cha phải thuộc cùng menu.")})
        others = MenuItem.objects.filter(menu_id=self.menu_id).exclude(pk=self.pk).count()
        if others >= MENU_MAX_ITEMS:
            raise ValidationError(
                _("Một menu có tối đa %(max)d mục (tính cả các mục con).") % {"max": MENU_MAX_ITEMS}
            )


class PageTranslation(models.Model):
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="translations")
    language_code = language_code_field()
    title = models.CharField(_("title"), max_length=250, blank=True)
    # Sanitised HTML like Page.content, written only through content.services.
    content = models.TextField(_("content"), blank=True)
    seo_title = models.CharField(max_length=120, blank=True)
    seo_description = models.CharField(max_length=300, blank=True)
    slug = models.SlugField(max_length=120, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["page", "language_code"], name="content_page_translation_unique"),
            models.UniqueConstraint(fields=["language_code", "slug"], name="content_page_translation_slug"),
        ]

    def __str__(self) -> str:
        return f"{self.language_code}: {self.title}"


class MenuItemTranslation(models.Model):
    menu_item = models.ForeignKey(MenuItem, on_delete=models.CASCADE, related_name="translations")
    language_code = language_code_field()
    name = models.CharField(_("name"), max_length=128, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["menu_item", "language_code"], name="content_menuitem_translation_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.language_code}: {self.name}"
