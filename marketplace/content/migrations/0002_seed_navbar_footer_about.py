"""Data: the storefront's `navbar` and `footer` menus and the "about" page (Saleor's MenuGetBySlug/page)."""

from django.db import migrations

ABOUT_HTML = (
    "<p>Sàn OCOP là nơi mua trực tiếp các sản phẩm OCOP 3, 4 và 5 sao từ các hợp tác xã, doanh nghiệp "
    "và hộ sản xuất trên khắp Việt Nam.</p>"
    "<h2>Vì sao tin được?</h2>"
    "<p>Mỗi hạng sao dựa trên một quyết định công nhận chính thức của UBND cấp tỉnh; sản phẩm hết hạn "
    "hoặc bị thu hồi chứng nhận sẽ tự động rời khỏi sàn.</p>"
)

NAVBAR_CATEGORIES = ["thuc-pham", "do-uong", "duoc-lieu", "thu-cong-my-nghe"]


def seed(apps, schema_editor):
    Page = apps.get_model("content", "Page")
    Menu = apps.get_model("content", "Menu")
    MenuItem = apps.get_model("content", "MenuItem")
    Category = apps.get_model("catalog", "Category")
    Collection = apps.get_model("catalog", "Collection")

    about, _ = Page.objects.update_or_create(
        slug="about",
        defaults={
            "title": "Giới thiệu",
            "content": ABOUT_HTML,
            "is_published": True,
            "seo_title": "Giới thiệu Sàn OCOP",
            "seo_description": "Sàn thương mại điện tử cho sản phẩm OCOP được chứng nhận.",
        },
    )
    navbar, _ = Menu.objects.update_or_create(slug="navbar", defaults={"name": "navbar"})
    footer, _ = Menu.objects.update_or_create(slug="footer", defaults={"name": "footer"})
    if not navbar.items.exists():
        order = 0
        for category in Category.objects.filter(slug__in=NAVBAR_CATEGORIES).order_by("sort_order"):
            MenuItem.objects.create(menu=navbar, name=category.name, category=category, sort_order=order)
            order += 1
        featured = Collection.objects.filter(slug="featured-products").first()
        if featured is not None:
            MenuItem.objects.create(menu=navbar, name=featured.name, collection=featured, sort_order=order)
    if not footer.items.exists():
        info = MenuItem.objects.create(menu=footer, name="Sàn OCOP", sort_order=0)
        MenuItem.objects.create(menu=footer, parent=info, name=about.title, page=about, sort_order=0)
        MenuItem.objects.create(menu=footer, parent=info, name="Tìm sản phẩm", url="/search/", sort_order=1)


def unseed(apps, schema_editor):
    apps.get_model("content", "Menu").objects.filter(slug__in=["navbar", "footer"]).delete()
    apps.get_model("content", "Page").objects.filter(slug="about").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0001_initial"),
        ("catalog", "0002_seed_product_groups_channel_collection"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
