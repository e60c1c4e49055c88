"""The demo catalogue: real OCOP products and producers from shared/reference/ocop (press reports), with
demo stand-ins (numbers starting DEMO-) where the press did not publish a decision, re-rated recently
enough that most are valid today. A few stay expired or revoked on purpose: they must never show."""

import csv
import datetime
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from marketplace.accounts.models import User
from marketplace.catalog.models import Category, Collection, CollectionProduct, Product
from marketplace.catalog.services import product_create, product_image_add, variant_create
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
                by=SYSTEM_DEMO,
            )
            price = int(row["price"])
            variant_create(
                product=product,
                sku=f"{slug[:40]}-1".upper(),
                name=row["unit"],
                price_amount=price,
                quantity=_stable_int(slug, 8, 120),
                by=SYSTEM_DEMO,
            )
            if _stable_int(slug + "2", 0, 2) == 0:  # some products also come in a bigger pack
                variant_create(
                    product=product,
                    sku=f"{slug[:40]}-3".upper(),
                    name=f"Combo 3 × {row['unit'].lower()}",
                    price_amount=int(round(price * 2.8, -3)),
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
    report.users = _demo_users()
    from marketplace.money.demo import money_demo_load

    # Money first: it writes its orders only into an empty ledger (the review demo's order pays into it).
    report.orders = money_demo_load(by=SYSTEM_DEMO)
    report.reviews = _demo_reviews()
    return report


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
