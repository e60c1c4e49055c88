"""Portal forms: they parse input; the catalogue and producer services decide and write."""

import re

from django import forms
from django.conf import settings

from marketplace.catalog.models import (
    PRODUCT_DESCRIPTION_MAX_LENGTH,
    Category,
    Product,
    ProductTranslation,
    ProductVariantTranslation,
)
from marketplace.producers.models import Producer

MAX_PRICE_VND = 1_000_000_000


class VNDField(forms.IntegerField):
    """Whole dong; accepts '185000', '185.000', '185 000 ₫'."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_PRICE_VND)
        super().__init__(**kwargs)
        self.widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"[\s.,₫đ]|VND", "", value, flags=re.IGNORECASE)
        return super().to_python(value)


class ImageUploadField(forms.FileField):
    """A plain file field: Pillow checks happen in the service (type from the bytes, not the name)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Ảnh (JPEG, PNG, WebP)")
        kwargs.setdefault(
            "help_text",
            f"Tối đa {settings.IMAGE_UPLOAD_MAX_BYTES // (1024 * 1024)} MB, cạnh dài tối đa "
            f"{settings.IMAGE_UPLOAD_MAX_SIDE}px.",
        )
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = "image/jpeg,image/png,image/webp"


def _max_length(model, field: str) -> int:
    """The model's bound, the same one the GraphQL mutations enforce."""
    return model._meta.get_field(field).max_length


class ProductForm(forms.Form):
    name = forms.CharField(label="Tên sản phẩm", max_length=_max_length(Product, "name"))
    category = forms.ModelChoiceField(label="Nhóm sản phẩm", queryset=Category.objects.all())
    description = forms.CharField(
        label="Mô tả",
        required=False,
        max_length=PRODUCT_DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Cho phép định dạng đơn giản: đoạn, in đậm, nghiêng, danh sách, liên kết.",
    )
    seo_title = forms.CharField(
        label="Tiêu đề SEO", max_length=_max_length(Product, "seo_title"), required=False
    )
    seo_description = forms.CharField(
        label="Mô tả SEO", max_length=_max_length(Product, "seo_description"), required=False
    )


class ProductTranslationForm(forms.Form):
    """The product's English name and description, for shoppers abroad (the Vietnamese stays the source).
    Leaving both empty removes the English text: the English storefront then shows the Vietnamese."""

    name = forms.CharField(
        label="Tên tiếng Anh", max_length=_max_length(ProductTranslation, "name"), required=False
    )
    description = forms.CharField(
        label="Mô tả tiếng Anh",
        required=False,
        max_length=PRODUCT_DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Cho phép định dạng đơn giản như phần mô tả tiếng Việt.",
    )

    def clean(self):
        cleaned = super().clean() or {}
        if cleaned.get("description", "").strip() and not cleaned.get("name", "").strip():
            self.add_error("name", "Hãy nhập tên tiếng Anh cùng với mô tả.")
        return cleaned


class VariantForm(forms.Form):
    name = forms.CharField(label="Tên phân loại", max_length=255, required=False, help_text="vd. Gói 500g")
    sku = forms.CharField(label="Mã SKU", max_length=64, required=False, help_text="Để trống để tự tạo.")
    price_amount = VNDField(label="Giá (₫)")
    weight_grams = forms.IntegerField(label="Khối lượng (g)", min_value=0, required=False)
    quantity = forms.IntegerField(label="Tồn kho", min_value=0, max_value=1_000_000, initial=0)


class VariantEditForm(VariantForm):
    name_en = forms.CharField(
        label="Tên phân loại tiếng Anh",
        max_length=_max_length(ProductVariantTranslation, "name"),
        required=False,
        help_text="vd. 500 g pack; để trống thì trang tiếng Anh hiển thị tên tiếng Việt.",
    )


class ImageForm(forms.Form):
    image = ImageUploadField()
    alt = forms.CharField(label="Mô tả ảnh", max_length=255, required=False)


class ClaimForm(forms.Form):
    """Complete an imported, certified product and publish it."""

    variant_name = forms.CharField(label="Tên phân loại", max_length=255, required=False)
    sku = forms.CharField(label="Mã SKU", max_length=64, required=False, help_text="Để trống để tự tạo.")
    price_amount = VNDField(label="Giá (₫)")
    quantity = forms.IntegerField(label="Tồn kho", min_value=0, max_value=1_000_000)
    image = ImageUploadField()
    alt = forms.CharField(label="Mô tả ảnh", max_length=255, required=False)


class ProducerProfileForm(forms.ModelForm):
    website = forms.URLField(label="Website", required=False, assume_scheme="https")

    class Meta:
        model = Producer
        fields = [
            "description",
            "address",
            "commune",
            "province",
            "contact_name",
            "phone",
            "email",
            "website",
        ]
        labels = {"description": "Câu chuyện của chúng tôi"}
        widgets = {"description": forms.Textarea(attrs={"rows": 8})}


class LogoForm(forms.Form):
    logo = ImageUploadField(label="Logo (JPEG, PNG, WebP)")


class TrackingForm(forms.Form):
    tracking_code = forms.CharField(label="Mã vận đơn", max_length=100)


class PartCancelForm(forms.Form):
    reason = forms.CharField(
        label="Lý do hủy",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Khách hàng sẽ nhận được lý do này qua email.",
    )
    # Set by the confirmation step (a page without JavaScript, a dialog with it).
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)
