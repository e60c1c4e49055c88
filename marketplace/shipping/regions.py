"""Which of Vietnam's three shipping regions (Bắc, Trung, Nam) each of the 34 current provinces belongs to.

Carriers price "nội miền" (within a region) and "liên miền" (across regions) apart; the Central
Highlands go with the Centre, as carriers route them. Every code of `core.provinces.PROVINCES` is here (a test
checks)."""

from django.utils.translation import gettext_lazy as _

NORTH, CENTRE, SOUTH = "north", "centre", "south"

REGION_NAMES = {NORTH: _("Miền Bắc"), CENTRE: _("Miền Trung"), SOUTH: _("Miền Nam")}

_MEMBERS = {
    NORTH: (
        "ha-noi", "lai-chau", "dien-bien", "son-la", "lang-son", "quang-ninh", "cao-bang", "tuyen-quang",
        "lao-cai", "thai-nguyen", "phu-tho", "bac-ninh", "hung-yen", "hai-phong", "ninh-binh",
    ),
    CENTRE: (
        "thanh-hoa", "nghe-an", "ha-tinh", "quang-tri", "hue", "da-nang", "quang-ngai", "gia-lai",
        "khanh-hoa", "dak-lak", "lam-dong",
    ),
    SOUTH: ("ho-chi-minh", "dong-nai", "tay-ninh", "can-tho", "vinh-long", "dong-thap", "ca-mau", "an-giang"),
}  # fmt: skip

REGION_OF: dict[str, str] = {code: region for region, codes in _MEMBERS.items() for code in codes}


def region_of(province: str) -> str:
    """The province's region, "" for an unknown code."""
    return REGION_OF.get(province, "")
