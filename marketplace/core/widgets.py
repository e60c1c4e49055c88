"""Form widgets shared by the portal and the admin."""

import json

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _


class RichTextarea(forms.Textarea):
    """A textarea that storefront/richtext.js turns into a small editor (bold, lists, links, images).

    `images` are (url, alt) pairs the editor may insert (the product's own uploads); the server sanitises the
    result either way (marketplace.core.html), and without JavaScript the textarea takes the same HTML."""

    class Media:
        css = {"all": ["storefront/richtext.css"]}
        js = [forms.Script("storefront/richtext.js", defer=True)]  # runs once the textarea exists

    def __init__(self, attrs: dict | None = None, images: list[tuple[str, str]] | None = None) -> None:
        super().__init__({"rows": 10, **(attrs or {})})
        self.images = images or []

    def get_context(self, name: str, value: object, attrs: dict | None) -> dict:
        context = super().get_context(name, value, attrs)
        labels = {
            "toolbar": _("Định dạng mô tả"),
            "bold": _("In đậm"),
            "italic": _("Nghiêng"),
            "heading": _("Tiêu đề nhỏ"),
            "paragraph": _("Đoạn thường"),
            "bullets": _("Danh sách"),
            "numbers": _("Danh sách số"),
            "link": _("Liên kết"),
            "linkPrompt": _("Dán địa chỉ trang web (bắt đầu bằng https://)"),
            "linkInvalid": _("Địa chỉ phải bắt đầu bằng https:// hoặc http://"),
            "unlink": _("Bỏ liên kết"),
            "image": _("Chèn ảnh…"),
            "imageN": _("Ảnh"),
            "undo": _("Hoàn tác"),
        }
        context["widget"]["attrs"].update(
            {
                "data-richtext": "",
                "data-richtext-labels": json.dumps(labels, ensure_ascii=False),
                "data-richtext-images": json.dumps(
                    [{"url": url, "alt": alt} for url, alt in self.images], ensure_ascii=False
                ),
                "data-richtext-media": settings.MEDIA_URL,
            }
        )
        return context
