"""The demo catalogue: real OCOP products and producers from shared/reference/ocop (press reports), with
demo stand-ins (numbers starting DEMO-) where the press did not publish a decision, re-rated recently
enough that most are valid today. A few stay expired or revoked on purpose: they must never show."""

import csv
import datetime
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from marketplace.accounts.models import User
from marketplace.catalog.models import Category, Collection, CollectionProduct, Product
from marketplace.catalog.services import (
    category_translation_set,
    collection_translation_set,
    product_create,
    product_image_add,
    product_translation_set,
    variant_create,
    variant_translation_set,
)
from marketplace.certification.models import Certification, CertificationState, Decision
from marketplace.certification.services import (
    certification_issue,
    certification_revoke,
    decision_get_or_create,
)
from marketplace.core.demo.pictures import demo_picture
from marketplace.core.text import slugify_vi
from marketplace.producers.models import IdentityDocument, MembershipRole, Producer, ProducerKind
from marketplace.producers.policies import SYSTEM_DEMO
from marketplace.producers.services import membership_add, producer_create, producer_verify
from marketplace.reviews.demo import demo_reviews_load

HERE = Path(__file__).parent
DEMO_PASSWORD = "demo-ocop-2026"  # noqa: S105 - public demo credential, only in demo data
STAFF_EMAIL = "staff@demo.ocop.vn"
PRODUCER_LOGINS = {
    "bichthao@demo.ocop.vn": "HTX Cà phê Bích Thao",
    "taybac@demo.ocop.vn": "Công ty TNHH Trà và Đặc sản Tây Bắc",
}
SHOPPER_EMAIL = "khach@demo.ocop.vn"
# Staff verify every demo seller's identity but this one: its product stays unpublished until they do.
UNVERIFIED_PRODUCER = "Hộ kinh doanh Lê Đức Anh"

STORIES = {
    "do-uong": "Vùng nguyên liệu trên núi cao, thu hái và chế biến thủ công theo quy trình được chứng nhận.",
    "thuc-pham": "Đặc sản địa phương, sản xuất theo quy trình an toàn thực phẩm và truy xuất được nguồn gốc.",
    "duoc-lieu": "Dược liệu trồng và chế biến theo hướng hữu cơ, kiểm soát chất lượng từng lô.",
    "thu-cong-my-nghe": "Hoa văn thổ cẩm dệt tay bởi đồng bào vùng cao, mỗi sản phẩm là một tác phẩm riêng.",
}

# English for shoppers abroad (`translation(languageCode: EN)` and the English storefront).
STORIES_EN = {
    "do-uong": "Grown in high mountain fields, picked and processed by hand under a certified process.",
    "thuc-pham": "A local speciality, made under food-safety rules and traceable to its origin.",
    "duoc-lieu": "Medicinal herbs grown and processed organically, every batch quality-checked.",
    "thu-cong-my-nghe": "Brocade patterns hand-woven by highland communities; every piece is unique.",
}
CATEGORIES_EN = {
    "thuc-pham": "Food",
    "do-uong": "Beverages",
    "duoc-lieu": "Medicinal herbs and herbal products",
    "thu-cong-my-nghe": "Handicrafts",
    "sinh-vat-canh": "Ornamental plants and animals",
    "du-lich": "Community tourism, eco-tourism and destinations",
}
COLLECTIONS_EN = {"featured-products": "Featured products"}
# The demo's pack sizes (catalogue.csv `unit`) in English.
UNITS_EN = {
    "Bộ 6 chiếc": "Set of 6",
    "Chai 500ml": "500 ml bottle",
    "Chai 50ml": "50 ml bottle",
    "Gói 1kg": "1 kg pack",
    "Gói 200g": "200 g pack",
    "Gói 250g": "250 g pack",
    "Gói 500g": "500 g pack",
    "Hũ 100g": "100 g jar",
    "Hũ 250g": "250 g jar",
    "Hũ 500g": "500 g jar",
    "Hộp 100g": "100 g box",
    "Hộp 10g": "10 g box",
    "Hộp 1kg": "1 kg box",
    "Hộp 20 túi lọc": "Box of 20 tea bags",
    "Hộp 200g": "200 g box",
    "Hộp 250g": "250 g box",
    "Hộp 500g": "500 g box",
    "Hộp 50g": "50 g box",
    "Lốc 4 hũ": "Pack of 4 jars",
    "Nải 1,5kg": "1.5 kg hand",
    "Quả 1,2kg": "1.2 kg fruit",
    "Túi 1kg": "1 kg bag",
    "Túi 2kg": "2 kg bag",
    "Túi 500g": "500 g bag",
    "Tấm 1,2m": "1.2 m piece",
    "Vỉ 10 quả": "Tray of 10",
}
COMBO = "Combo 3 × "


@dataclass
class DemoReport:
    producers: int = 0
    products: int = 0
    certifications: int = 0
    users: int = 0
    reviews: int = 0
    orders: int = 0
    pictures: int = 0
    skipped: list[str] = field(default_factory=list)


_PACK = re.compile(r"(\d+(?:[.,]\d+)?)\s*(kg|g|ml|l)\b", re.IGNORECASE)


def pack_measures(unit: str) -> tuple[int | None, int | None]:
    """(weight in grams, volume in ml) written in a pack name: "Gói 500g" -> (500, None),
    "Chai 500ml" -> (None, 500), "Túi 2kg" -> (2000, None); (None, None) without one."""
    found = _PACK.search(unit)
    if found is None:
        return None, None
    amount = float(found.group(1).replace(",", "."))
    measure = found.group(2).lower()
    if measure in ("g", "kg"):
        return round(amount * (1000 if measure == "kg" else 1)), None
    return None, round(amount * (1000 if measure == "l" else 1))


_AMOUNT = re.compile(r"(\d+)\s*(kg|g|ml|l)\b", re.IGNORECASE)
_GRAMS_PER_UNIT = {"kg": 1000, "g": 1, "l": 1000, "ml": 1}


def demo_weight_grams(unit: str) -> int:
    """A parcel weight for a demo pack ("Gói 500g" → 600 g with its packaging; 500 g when the unit says
    no amount), so shipping estimates differ by weight as they would."""
    found = _AMOUNT.search(unit)
    if found is None:
        return 500
    return int(found.group(1)) * _GRAMS_PER_UNIT[found.group(2).lower()] + 100


def _stable_int(text: str, low: int, high: int) -> int:
    digest = int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)
    return low + digest % (high - low + 1)


def _read(name: str) -> list[dict]:
    with (HERE / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def demo_load() -> DemoReport:
    """Create whatever part of the demo catalogue is missing. Running it again changes nothing."""
    report = DemoReport()
    decisions: dict[str, Decision] = {}
    for row in _read("decisions.csv"):
        if row["date"].startswith("today-"):
            # Dated from the loading day (an expiring certificate in every fresh demo); found by number
            # afterwards, so loading again on a later day changes nothing.
            existing = Decision.objects.filter(number=row["number"], issuer=row["issuer"]).first()
            if existing is not None:
                decisions[row["key"]] = existing
                continue
            date = timezone.localdate() - datetime.timedelta(days=int(row["date"].removeprefix("today-")))
        else:
            date = datetime.date.fromisoformat(row["date"])
        decisions[row["key"]], _ = decision_get_or_create(
            number=row["number"],
            date=date,
            issuer=row["issuer"],
            kind=row["kind"],
            note=row["note"],
            by=SYSTEM_DEMO,
        )
    categories = {category.slug: category for category in Category.objects.all()}
    featured = Collection.objects.get(slug="featured-products")
    for row in _read("catalogue.csv"):
        producer = Producer.objects.filter(name=row["producer"]).first()
        if producer is None:
            producer = producer_create(
                name=row["producer"],
                kind=row["kind"],
                province=row["province"],
                address=row["address"],
                description=STORIES.get(row["group"], ""),
                phone=f"0{_stable_int(row['producer'], 200_000_000, 399_999_999)}",
                by=SYSTEM_DEMO,
            )
            report.producers += 1
        if producer.verified_at is None and producer.name != UNVERIFIED_PRODUCER:
            producer = _demo_verify(producer)
        slug = slugify_vi(row["product"], max_length=90)
        product = Product.objects.filter(slug=slug).first()
        if product is None:
            product = product_create(
                producer=producer,
                category=categories[row["group"]],
                name=row["product"],
                slug=slug,
                description=f"<p>{row['product']} – {producer.name}. {STORIES.get(row['group'], '')}</p>",
                is_published=producer.verified_at is not None,
                origin=row["address"],
                by=SYSTEM_DEMO,
            )
            price = int(row["price"])
            _net_weight, volume = pack_measures(row["unit"])  # shipping uses the parcel's weight
            variant_create(
                product=product,
                sku=f"{slug[:40]}-1".upper(),
                name=row["unit"],
                price_amount=price,
                volume_ml=volume,
                weight_grams=demo_weight_grams(row["unit"]),
                quantity=_stable_int(slug, 8, 120),
                by=SYSTEM_DEMO,
            )
            if _stable_int(slug + "2", 0, 2) == 0:  # some products also come in a bigger pack
                variant_create(
                    product=product,
                    sku=f"{slug[:40]}-3".upper(),
                    name=f"Combo 3 × {row['unit'].lower()}",
                    price_amount=int(round(price * 2.8, -3)),
                    volume_ml=volume * 3 if volume else None,
                    weight_grams=3 * demo_weight_grams(row["unit"]),
                    quantity=_stable_int(slug + "3", 0, 30),
                    by=SYSTEM_DEMO,
                )
            report.products += 1
        if not product.images.exists():
            report.pictures += _demo_picture(product, row["unit"])
        for key in row["decisions"].split():
            if not Certification.objects.filter(product=product, decision=decisions[key]).exists():
                certification_issue(
                    product=product, decision=decisions[key], stars=int(row["stars"]), by=SYSTEM_DEMO
                )
                report.certifications += 1
        if row["revoked_by"]:
            current = Certification.objects.filter(product=product).order_by("-valid_from").first()
            if current and current.state != CertificationState.REVOKED:
                certification_revoke(
                    certification=current, decision=decisions[row["revoked_by"]], by=SYSTEM_DEMO
                )
        if row["featured"]:
            CollectionProduct.objects.get_or_create(
                collection=featured, product=product, defaults={"sort_order": int(row["featured"])}
            )
    _demo_translations()
    report.users = _demo_users()
    from marketplace.money.demo import money_demo_load

    # Money first: it writes its orders only into an empty ledger (the review demo's order pays into it).
    report.orders = money_demo_load(by=SYSTEM_DEMO)
    report.reviews = _demo_reviews()
    return report


def _unit_en(variant_name: str) -> str | None:
    """A demo variant's name in English: its unit, or a combo of three (None for a name not from the demo)."""
    if variant_name.startswith(COMBO):
        unit = next((u for u in UNITS_EN if u.lower() == variant_name.removeprefix(COMBO)), None)
        return f"{COMBO}{UNITS_EN[unit].lower()}" if unit else None
    return UNITS_EN.get(variant_name)


def _demo_translations() -> None:
    """English names and short descriptions of every demo product, its pack sizes, the product groups and the
    featured collection (written again on every load, so edits to the CSV reach an existing demo)."""
    for category in Category.objects.filter(slug__in=CATEGORIES_EN):
        category_translation_set(
            category=category, language_code="en", name=CATEGORIES_EN[category.slug], by=SYSTEM_DEMO
        )
    for collection in Collection.objects.filter(slug__in=COLLECTIONS_EN):
        collection_translation_set(
            collection=collection, language_code="en", name=COLLECTIONS_EN[collection.slug], by=SYSTEM_DEMO
        )
    groups = {row["product"]: row["group"] for row in _read("catalogue.csv")}
    english = {row["product"]: row["name_en"] for row in _read("catalogue_en.csv")}
    products = Product.objects.filter(slug__in=[slugify_vi(name, max_length=90) for name in english])
    for product in products.select_related("producer").prefetch_related("variants"):
        name = english.get(product.name)
        if name is None:
            continue
        story = STORIES_EN.get(groups.get(product.name, ""), "")
        product_translation_set(
            product=product,
            language_code="en",
            name=name,
            description=f"<p>{name} – {product.producer.name}. {story}</p>",
            by=SYSTEM_DEMO,
        )
        for variant in product.variants.all():
            unit = _unit_en(variant.name)
            if unit is not None:
                variant_translation_set(variant=variant, language_code="en", name=unit, by=SYSTEM_DEMO)


def _demo_picture(product: Product, unit: str) -> int:
    """The product's picture, drawn by core.demo.pictures and stored like an upload (with its renditions)."""
    picture = ContentFile(demo_picture(product.name, unit), name=f"{product.slug}.webp")
    product_image_add(product=product, uploaded_file=picture, alt=product.name, by=SYSTEM_DEMO)
    return 1


def _demo_verify(producer: Producer) -> Producer:
    """A stable made-up code per producer: a household by its owner's citizen ID, others by tax code."""
    if producer.kind == ProducerKind.HOUSEHOLD:
        document, code = IdentityDocument.CITIZEN_ID, f"0{_stable_int(producer.name, 10**10, 10**11 - 1)}"
    else:
        document, code = IdentityDocument.TAX_CODE, f"{_stable_int(producer.name, 10**9, 10**10 - 1)}"
    return producer_verify(producer=producer, by=SYSTEM_DEMO, document=document, code=code)


def _demo_reviews() -> int:
    shopper = User.objects.get(email=SHOPPER_EMAIL)
    members = {
        Producer.objects.get(name=name).pk: User.objects.get(email=email)
        for email, name in PRODUCER_LOGINS.items()
    }
    return demo_reviews_load(shopper=shopper, members_by_producer=members)


def _demo_user(email: str, **defaults: Any) -> tuple[User, bool]:
    user, created = User.objects.get_or_create(email=email, defaults=defaults)
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user, created


def _demo_users() -> int:
    created = [_demo_user(STAFF_EMAIL, is_staff=True, is_superuser=True, first_name="Nhân viên")[1]]
    for email, producer_name in PRODUCER_LOGINS.items():
        user, was_created = _demo_user(email)
        created.append(was_created)
        producer = Producer.objects.get(name=producer_name)
        membership_add(producer=producer, user=user, role=MembershipRole.OWNER, by=SYSTEM_DEMO)
    created.append(_demo_user(SHOPPER_EMAIL, first_name="Khách")[1])
    return sum(created)


def demo_is_loaded() -> bool:
    return User.objects.filter(email=STAFF_EMAIL).exists()
