"""The 34 provincial-level units in force since 1 July 2025 (Nghị quyết 202/2025/QH15),
with the 63-era provinces each absorbed, so a pre-merger address still maps to a current province.
Generated from shared/reference/ocop/provinces_2025.md."""

from dataclasses import dataclass

from marketplace.core.text import fold


@dataclass(frozen=True)
class Province:
    code: str
    name: str
    kind: str  # "city" (thành phố trực thuộc TW) or "province"
    former: tuple[str, ...] = ()

    @property
    def full_name(self) -> str:
        return ("Thành phố " if self.kind == "city" else "Tỉnh ") + self.name


PROVINCES: tuple[Province, ...] = (
    Province("ha-noi", "Hà Nội", "city", ()),
    Province("hue", "Huế", "city", ()),
    Province("lai-chau", "Lai Châu", "province", ()),
    Province("dien-bien", "Điện Biên", "province", ()),
    Province("son-la", "Sơn La", "province", ()),
    Province("lang-son", "Lạng Sơn", "province", ()),
    Province("quang-ninh", "Quảng Ninh", "province", ()),
    Province("thanh-hoa", "Thanh Hóa", "province", ()),
    Province("nghe-an", "Nghệ An", "province", ()),
    Province("ha-tinh", "Hà Tĩnh", "province", ()),
    Province("cao-bang", "Cao Bằng", "province", ()),
    Province("tuyen-quang", "Tuyên Quang", "province", ("Hà Giang",)),
    Province("lao-cai", "Lào Cai", "province", ("Yên Bái",)),
    Province("thai-nguyen", "Thái Nguyên", "province", ("Bắc Kạn",)),
    Province("phu-tho", "Phú Thọ", "province", ("Vĩnh Phúc", "Hòa Bình")),
    Province("bac-ninh", "Bắc Ninh", "province", ("Bắc Giang",)),
    Province("hung-yen", "Hưng Yên", "province", ("Thái Bình",)),
    Province("hai-phong", "Hải Phòng", "city", ("Hải Dương",)),
    Province("ninh-binh", "Ninh Bình", "province", ("Hà Nam", "Nam Định")),
    Province("quang-tri", "Quảng Trị", "province", ("Quảng Bình",)),
    Province("da-nang", "Đà Nẵng", "city", ("Quảng Nam",)),
    Province("quang-ngai", "Quảng Ngãi", "province", ("Kon Tum",)),
    Province("gia-lai", "Gia Lai", "province", ("Bình Định",)),
    Province("khanh-hoa", "Khánh Hòa", "province", ("Ninh Thuận",)),
    Province("lam-dong", "Lâm Đồng", "province", ("Đắk Nông", "Bình Thuận")),
    Province("dak-lak", "Đắk Lắk", "province", ("Phú Yên",)),
    Province("ho-chi-minh", "Hồ Chí Minh", "city", ("Bình Dương", "Bà Rịa - Vũng Tàu")),
    Province("dong-nai", "Đồng Nai", "province", ("Bình Phước",)),
    Province("tay-ninh", "Tây Ninh", "province", ("Long An",)),
    Province("can-tho", "Cần Thơ", "city", ("Sóc Trăng", "Hậu Giang")),
    Province("vinh-long", "Vĩnh Long", "province", ("Bến Tre", "Trà Vinh")),
    Province("dong-thap", "Đồng Tháp", "province", ("Tiền Giang",)),
    Province("ca-mau", "Cà Mau", "province", ("Bạc Liêu",)),
    Province("an-giang", "An Giang", "province", ("Kiên Giang",)),
)

BY_CODE = {p.code: p for p in PROVINCES}
CHOICES = [(p.code, p.name) for p in PROVINCES]


def name_of(code: str) -> str:
    """The province's name, "" for an unknown code."""
    province = BY_CODE.get(code)
    return province.name if province else ""


_ALIASES: dict[str, str] = {}
for _p in PROVINCES:
    for _name in (_p.name, *_p.former):
        _ALIASES[fold(_name)] = _p.code
_ALIASES.update(
    {
        "tp ho chi minh": "ho-chi-minh",
        "tphcm": "ho-chi-minh",
        "sai gon": "ho-chi-minh",
        "thua thien hue": "hue",
        "ba ria vung tau": "ho-chi-minh",
    }
)


def province_code_for(name: str) -> str | None:
    """Current province code for a province name as written, old or new ("Yên Bái" → "lao-cai")."""
    key = fold(name).replace("-", " ")
    for prefix in ("thanh pho ", "tp. ", "tp ", "tinh "):
        if key.startswith(prefix):
            key = key[len(prefix) :]
    key = " ".join(key.split())
    return _ALIASES.get(key)


def province_in_address(address: str) -> str | None:
    """The current province named last in an address as written ("xã Hua La, thành phố Sơn La")."""
    parts = [part.strip() for part in (address or "").split(",") if part.strip()]
    for part in reversed(parts):
        code = province_code_for(part)
        if code:
            return code
    return None
