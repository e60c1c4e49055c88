"""The one rule for a delivery address, whether saved in the account or typed at checkout: an address the
account accepts never fails at checkout."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from marketplace.core import provinces

# Field lengths of accounts.Address and checkout.Checkout (the same columns).
MAX_LENGTHS = {"full_name": 120, "phone": 20, "commune": 120, "street": 255}
# Digits with the separators people type ("0912 345 678", "+84 912.345.678", "(024) 3826-1234").
_PHONE = re.compile(r"^\+?[0-9 .()-]+$")
# Error codes shared by AccountErrorCode and CheckoutErrorCode (same values).
REQUIRED, INVALID = "required", "invalid"


def clean_address(*, full_name: str, phone: str, province: str, commune: str, street: str) -> dict[str, str]:
    """Stripped values, or a ValidationError naming every field that fails."""
    values = {
        "full_name": (full_name or "").strip(),
        "phone": (phone or "").strip(),
        "province": province or "",
        "commune": (commune or "").strip(),
        "street": (street or "").strip(),
    }
    errors: dict[str, ValidationError] = {}
    for name, limit in MAX_LENGTHS.items():
        if not values[name]:
            errors[name] = ValidationError(_("Trường này là bắt buộc."), code=REQUIRED)
        elif len(values[name]) > limit:
            errors[name] = ValidationError(_("Tối đa %(limit)d ký tự.") % {"limit": limit}, code=INVALID)
    if "phone" not in errors:
        digits = sum(ch.isdigit() for ch in values["phone"])
        if not _PHONE.match(values["phone"]) or not 9 <= digits <= 12:
            errors["phone"] = ValidationError(_("Số điện thoại không hợp lệ."), code=INVALID)
    if values["province"] not in provinces.BY_CODE:
        errors["province"] = ValidationError(_("Chọn một trong 34 tỉnh, thành phố."), code=INVALID)
    if errors:
        raise ValidationError(errors)
    return values
