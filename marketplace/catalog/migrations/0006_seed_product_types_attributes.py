"""Data: a product type per OCOP product group (and one for categories outside the groups), the six
attributes that show real data (stars, province, producer kind, origin, weight, volume), the named choices
of stars and producer kinds, and English names (Vietnamese is the source language)."""

from django.db import migrations

TYPES = [
    (1, "Thực phẩm", "thuc-pham", True),
    (2, "Đồ uống", "do-uong", True),
    (3, "Dược liệu và sản phẩm từ dược liệu", "duoc-lieu", True),
    (4, "Thủ công mỹ nghệ", "thu-cong-my-nghe", True),
    (5, "Sinh vật cảnh", "sinh-vat-canh", True),
    (6, "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch", "du-lich", False),
    (None, "Sản phẩm OCOP", "san-pham-ocop", True),
]
# source, slug, Vietnamese name, English name, groups it applies to (None: the type outside the groups)
ATTRIBUTES = [
    ("ocop_stars", "ocop-stars", "Hạng sao OCOP", "OCOP stars", {1, 2, 3, 4, 5, 6, None}),
    ("province", "province", "Tỉnh/thành", "Province", {1, 2, 3, 4, 5, 6, None}),
    ("producer_kind", "producer-kind", "Loại hình chủ thể", "Producer type", {1, 2, 3, 4, 5, 6, None}),
    ("origin", "origin", "Vùng nguyên liệu", "Area of origin", {1, 2, 3, 4, 5, None}),
    ("weight", "weight", "Khối lượng", "Weight", {1, 2, 3, 4, 5, None}),
    ("volume", "volume", "Thể tích", "Volume", {1, 2, 3, None}),
]
CHOICES = {
    "ocop_stars": [("3", "3 sao", "3 stars"), ("4", "4 sao", "4 stars"), ("5", "5 sao", "5 stars")],
    "producer_kind": [
        ("company", "Doanh nghiệp", "Company"),
        ("cooperative", "Hợp tác xã", "Cooperative"),
        ("cooperative_group", "Tổ hợp tác", "Cooperative group"),
        ("household", "Hộ kinh doanh", "Household business"),
    ],
}


def seed(apps, schema_editor):
    ProductType = apps.get_model("catalog", "ProductType")
    Attribute = apps.get_model("catalog", "Attribute")
    ProductTypeAttribute = apps.get_model("catalog", "ProductTypeAttribute")
    AttributeValue = apps.get_model("catalog", "AttributeValue")
    AttributeTranslation = apps.get_model("catalog", "AttributeTranslation")
    AttributeValueTranslation = apps.get_model("catalog", "AttributeValueTranslation")
    types = {}
    for group, name, slug, shipped in TYPES:
        types[group], _ = ProductType.objects.update_or_create(
            slug=slug, defaults={"name": name, "ocop_group": group, "is_shipping_required": shipped}
        )
    for position, (source, slug, name, english, groups) in enumerate(ATTRIBUTES):
        attribute, _ = Attribute.objects.update_or_create(
            source=source, defaults={"slug": slug, "name": name, "sort_order": position}
        )
        AttributeTranslation.objects.update_or_create(
            attribute=attribute, language_code="en", defaults={"name": english}
        )
        for group in groups:
            ProductTypeAttribute.objects.update_or_create(
                product_type=types[group], attribute=attribute, defaults={"sort_order": position}
            )
        for order, (value_slug, value_name, value_english) in enumerate(CHOICES.get(source, [])):
            value, _ = AttributeValue.objects.update_or_create(
                attribute=attribute, slug=value_slug, defaults={"name": value_name, "sort_order": order}
            )
            AttributeValueTranslation.objects.update_or_create(
                attribute_value=value, language_code="en", defaults={"name": value_english}
            )


def unseed(apps, schema_editor):
    apps.get_model("catalog", "Attribute").objects.filter(source__in=[a[0] for a in ATTRIBUTES]).delete()
    apps.get_model("catalog", "ProductType").objects.filter(slug__in=[t[2] for t in TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0005_attributes_product_types")]
    operations = [migrations.RunPython(seed, unseed)]
