"""Portal forms: they parse input; the catalogue and producer services decide and write."""

import re
from typing import TYPE_CHECKING

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from marketplace.catalog.models import (
    PRODUCT_DESCRIPTION_MAX_LENGTH,
    Category,
    Product,
    ProductTranslation,
    ProductVariantTranslation,
)
from marketplace.core.widgets import RichTextarea
from marketplace.producers.models import Producer

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

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
    name = forms.CharField(
        label=_("Tên sản phẩm"),
        max_length=_max_length(Product, "name"),
        help_text=_("Tên khách hàng nhìn thấy, vd. Cà phê Arabica Sơn La rang mộc 500g."),
    )
    category = forms.ModelChoiceField(
        label=_("Nhóm sản phẩm"),
        queryset=Category.objects.all(),
        help_text=_("Chọn nhóm để khách tìm thấy sản phẩm trong danh mục."),
    )
    description = forms.CharField(
        label=_("Giới thiệu sản phẩm"),
        required=False,
        max_length=PRODUCT_DESCRIPTION_MAX_LENGTH,
        widget=RichTextarea(),
        help_text=_(
            "Viết như khi kể cho khách: nguồn gốc, cách làm, cách dùng, bảo quản. Dùng các nút phía trên "
            "để in đậm, làm danh sách, thêm liên kết hoặc chèn ảnh đã tải lên."
        ),
    )
    origin = forms.CharField(
        label=_("Vùng nguyên liệu (xuất xứ)"),
        max_length=_max_length(Product, "origin"),
        required=False,
        help_text=_("vd. xã Tà Xùa, Sơn La. Hiển thị cho người mua như thuộc tính sản phẩm."),
    )
    seo_title = forms.CharField(
        label=_("Tên hiện trên Google (không bắt buộc)"),
        max_length=_max_length(Product, "seo_title"),
        required=False,
        help_text=_(
            "Dòng tiêu đề khi sản phẩm hiện trong kết quả tìm kiếm Google. Để trống: dùng tên sản phẩm."
        ),
    )
    seo_description = forms.CharField(
        label=_("Câu giới thiệu ngắn khi chia sẻ (không bắt buộc)"),
        max_length=_max_length(Product, "seo_description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Một hai câu hiện dưới tên sản phẩm trên Google, Zalo và Facebook."),
    )

    def __init__(self, *args, images: list[tuple[str, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].widget.images = images or []  # this form's own copy of the widget


def _kind_field(example: "str | _StrPromise") -> forms.CharField:
    return forms.CharField(
        label=_("Loại hàng (gói, hộp, cỡ…)"),
        max_length=255,
        required=False,
        help_text=example,
    )


def _item_code_field() -> forms.CharField:
    return forms.CharField(
        label=_("Mã hàng của bạn (không bắt buộc)"),
        max_length=64,
        required=False,
        help_text=_("Mã bạn dùng để quản lý kho. Để trống, hệ thống tự đặt."),
    )


def _price_field() -> VNDField:
    return VNDField(label=_("Giá bán (đồng)"), help_text=_("vd. 185.000"))


def _quantity_field(**kwargs) -> forms.IntegerField:
    return forms.IntegerField(label=_("Số lượng có sẵn để bán"), min_value=0, max_value=1_000_000, **kwargs)


def _alt_field() -> forms.CharField:
    return forms.CharField(
        label=_("Ảnh chụp gì? (không bắt buộc)"),
        max_length=255,
        required=False,
        help_text=_("vd. Gói cà phê 500g mặt trước. Giúp người khiếm thị và Google hiểu ảnh."),
    )


class ProductTranslationForm(forms.Form):
    """The product's English name and description, for shoppers abroad (the Vietnamese stays the source).
    Leaving both empty removes the English text: the English storefront then shows the Vietnamese."""

    prefix = "en"  # shown on the product's edit page beside its Vietnamese fields of the same names

    name = forms.CharField(
        label=_("Tên tiếng Anh"), max_length=_max_length(ProductTranslation, "name"), required=False
    )
    description = forms.CharField(
        label=_("Mô tả tiếng Anh"),
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
    name = _kind_field(_("vd. Gói 500g, Hộp quà 3 lọ. Để trống nếu chỉ có một loại."))
    sku = _item_code_field()
    price_amount = _price_field()
    weight_grams = forms.IntegerField(
        label=_("Khối lượng khi gửi (gam)"),
        min_value=0,
        required=False,
        help_text=_("Tính cả bao bì; dùng để tính phí giao hàng."),
    )
    volume_ml = forms.IntegerField(
        label=_("Thể tích (ml)"),
        min_value=0,
        max_value=1_000_000,
        required=False,
        help_text=_("Cho đồ uống, chất lỏng."),
    )
    quantity = _quantity_field(initial=0)


class VariantEditForm(VariantForm):
    name_en = forms.CharField(
        label="Tên phân loại tiếng Anh",
        max_length=_max_length(ProductVariantTranslation, "name"),
        required=False,
        help_text="vd. 500 g pack; để trống thì trang tiếng Anh hiển thị tên tiếng Việt.",
    )


class ImageForm(forms.Form):
    image = ImageUploadField()
    alt = _alt_field()


class ClaimForm(forms.Form):
    """Complete an imported, certified product and publish it."""

    variant_name = _kind_field(_("vd. Gói 500g. Để trống nếu chỉ có một loại."))
    sku = _item_code_field()
    price_amount = _price_field()
    quantity = _quantity_field()
    image = ImageUploadField()
    alt = _alt_field()


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
    tracking_code = forms.CharField(
        label=_("Mã vận đơn"),
        max_length=100,
        help_text=_("Mã in trên phiếu gửi hàng của bưu điện hoặc hãng giao hàng."),
    )


class PartCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do hủy"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Khách hàng sẽ nhận được lý do này qua email."),
    )
    # Set by the confirmation step (a page without JavaScript, a dialog with it).
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)
