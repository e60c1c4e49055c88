"""Data: the six OCOP product groups (2021–2025), the default channel, the featured-products collection."""

from django.db import migrations

GROUPS = [
    (1, "Thực phẩm", "thuc-pham"),
    (2, "Đồ uống", "do-uong"),
    (3, "Dược liệu và sản phẩm từ dược liệu", "duoc-lieu"),
    (4, "Thủ công mỹ nghệ", "thu-cong-my-nghe"),
    (5, "Sinh vật cảnh", "sinh-vat-canh"),
    (6, "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch", "du-lich"),
]


def seed(apps, schema_editor):
    Category = apps.get_model("catalog", "Category")
    Channel = apps.get_model("catalog", "Channel")
    Collection = apps.get_model("catalog", "Collection")
    for number, name, slug in GROUPS:
        Category.objects.update_or_create(
            slug=slug, defaults={"name": name, "ocop_group": number, "sort_order": number}
        )
    Channel.objects.update_or_create(
        slug="default-channel", defaults={"name": "Default channel", "currency_code": "VND", "default_country": "VN"}
    )
    Collection.objects.update_or_create(slug="featured-products", defaults={"name": "Sản phẩm nổi bật"})


def unseed(apps, schema_editor):
    apps.get_model("catalog", "Collection").objects.filter(slug="featured-products").delete()
    apps.get_model("catalog", "Channel").objects.filter(slug="default-channel").delete()
    apps.get_model("catalog", "Category").objects.filter(slug__in=[slug for _, _, slug in GROUPS]).delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
