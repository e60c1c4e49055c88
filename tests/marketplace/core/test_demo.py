import csv
import datetime
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.utils import timezone

import marketplace.core.demo as demo_package
from marketplace.catalog.models import Product
from marketplace.catalog.selectors import (
    ShopperAccess,
    collection_cards,
    product_shopper_access,
    products_visible_to_shoppers,
    with_shopper_relations,
)
from marketplace.certification.services import certificate_valid_until
from marketplace.core.demo.loader import DEMO_PASSWORD, UNVERIFIED_PRODUCER, demo_load
from marketplace.producers.models import Producer, ProducerMembership
from marketplace.reviews.models import ProducerRating

pytestmark = pytest.mark.django_db


DEMO_DIR = Path(demo_package.__file__).parent


@pytest.fixture
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _expected_visible(today: datetime.date) -> dict[str, int]:
    """Name → stars of the demo products a shopper should see today, read from the demo's CSV files: a listed
    product of a verified seller, not revoked, whose newest decision is under 36 months old."""
    decisions = {
        row["key"]: row for row in csv.DictReader((DEMO_DIR / "decisions.csv").open(encoding="utf-8"))
    }

    def decided(row: dict) -> datetime.date:
        if row["date"].startswith("today-"):
            return today - datetime.timedelta(days=int(row["date"].removeprefix("today-")))
        return datetime.date.fromisoformat(row["date"])

    expected = {}
    for row in csv.DictReader((DEMO_DIR / "catalogue.csv").open(encoding="utf-8")):
        if row["producer"] == UNVERIFIED_PRODUCER or row["revoked_by"]:
            continue
        newest = max(decided(decisions[key]) for key in row["decisions"].split())
        if certificate_valid_until(newest) >= today:
            expected[row["product"]] = int(row["stars"])
    return expected


def test_demo_catalogue_is_complete_and_idempotent(fast_hashing):
    first = demo_load()
    assert (first.products, first.users) == (51, 4)
    second = demo_load()
    assert (second.producers, second.products, second.certifications, second.users) == (0, 0, 0, 0)

    visible = list(with_shopper_relations(products_visible_to_shoppers()))
    # Worked out from the demo's own files and today's date (demo certificates lapse as the months pass): on
    # 2026-12-04 that was 41, the 42 certified and listed less the unverified seller's one.
    expected = _expected_visible(timezone.localdate())
    assert {p.name: p.active_certification_list[0].stars for p in visible} == expected
    assert set(expected.values()) == {3, 4, 5}
    assert all(v.price_amount > 0 for p in visible for v in p.variants.all())

    hidden = Product.objects.exclude(pk__in=[p.pk for p in visible])
    access = {product.name: product_shopper_access(product=product) for product in hidden}
    assert access["Gạo Cẩm Thành"] is ShopperAccess.REVOKED
    assert access["Cà phê hạt rang Bích Thao"] is ShopperAccess.EXPIRED
    assert sorted(access.values(), key=lambda a: a.value).count(ShopperAccess.REVOKED) == 3

    # Every seller verified but one, whose product waits unpublished (issue 16).
    unverified = Producer.objects.filter(verified_at__isnull=True)
    assert [p.name for p in unverified] == [UNVERIFIED_PRODUCER]
    assert not Product.objects.filter(producer__in=unverified, is_published=True).exists()
    assert access["Thịt trâu hun khói"] is ShopperAccess.NOT_FOUND

    # The demo shopper received an order and reviewed it; the coffee's producer replied.
    assert (first.reviews, second.reviews) == (2, 0)
    coffee = Product.objects.get(name="Cà phê bột nguyên chất")
    assert (coffee.rating_count, str(coffee.rating_average)) == (1, "5.0")
    assert coffee.reviews.get().reply_text.startswith("Cảm ơn chị")
    assert ProducerRating.objects.count() == 2

    # Sơn La coffee and tea lead the featured collection shown first on the home page.
    featured = [card["name"] for card in collection_cards(slug="featured-products")]
    assert featured[:3] == ["Cà phê bột nguyên chất", "Trà Xanh Mây", "Trà Xanh Thiện"]


def test_demo_accounts_sign_in(fast_hashing):
    call_command("load_demo")
    assert authenticate(email="staff@demo.ocop.vn", password=DEMO_PASSWORD).is_staff
    bichthao = authenticate(email="bichthao@demo.ocop.vn", password=DEMO_PASSWORD)
    assert ProducerMembership.objects.get(user=bichthao).producer.name == "HTX Cà phê Bích Thao"
    taybac = authenticate(email="taybac@demo.ocop.vn", password=DEMO_PASSWORD)
    assert ProducerMembership.objects.get(user=taybac).producer.name == "Công ty TNHH Trà và Đặc sản Tây Bắc"
    shopper = authenticate(email="khach@demo.ocop.vn", password=DEMO_PASSWORD)
    assert not shopper.is_staff and not shopper.producer_memberships.exists()
