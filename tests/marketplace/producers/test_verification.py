"""Verified sellers (issue 16): publishing needs a seller verified by staff; a suspension hides every
product of the seller at once, in pages, search documents and the API, and both are audited."""

import pytest
from django.core.exceptions import ValidationError

from marketplace.catalog import services as catalog_services
from marketplace.catalog.selectors import ShopperAccess, product_shopper_access, products_visible_to_shoppers
from marketplace.producers import services
from marketplace.producers.error_codes import ProducerErrorCode
from marketplace.producers.models import ProducerKind, SellerEvent, SellerEventKind
from marketplace.producers.policies import SYSTEM_DEMO
from marketplace.search.backends.base import SearchQuery
from marketplace.search.backends.postgres import PostgresBackend
from marketplace.search.models import ProductDocument
from tests.factories import (
    ProducerFactory,
    ProductFactory,
    StaffFactory,
    VariantFactory,
    category,
    visible_product,
)

pytestmark = pytest.mark.django_db


def unverified(**fields):
    return ProducerFactory(verified_at=None, verified_document="", verified_code="", **fields)


@pytest.fixture
def staff():
    return StaffFactory(is_superuser=True, email="kiemduyet@example.vn")


def test_an_unverified_seller_cannot_publish_by_any_path(staff):
    producer = unverified()
    draft = ProductFactory(producer=producer, is_published=False)
    VariantFactory(product=draft)
    for publish in (
        lambda: catalog_services.product_set_published(product=draft, is_published=True, by=staff),
        lambda: catalog_services.product_update(product=draft, is_published=True, by=staff),
        lambda: catalog_services.product_create(
            producer=producer, category=category(), name="Mới", is_published=True, by=staff
        ),
    ):
        with pytest.raises(ValidationError) as refused:
            publish()
        assert refused.value.code == ProducerErrorCode.NOT_VERIFIED.value
    draft.refresh_from_db()
    assert not draft.is_published
    assert producer.products.count() == 1

    services.producer_verify(producer=producer, by=staff, document="tax_code", code=" 0101 234 567 ")
    assert catalog_services.product_set_published(product=draft, is_published=True, by=staff).is_published
    producer.refresh_from_db()
    assert (producer.verified_document, producer.verified_code) == ("tax_code", "0101234567")
    event = SellerEvent.objects.get(producer=producer)
    assert (event.kind, event.actor_id, event.actor_label, event.code) == (
        SellerEventKind.VERIFIED,
        staff.pk,
        "kiemduyet@example.vn",
        "0101234567",
    )


@pytest.mark.parametrize(
    ("kind", "document", "code"),
    [
        (ProducerKind.COOPERATIVE, "tax_code", "12345"),  # too short
        (ProducerKind.COOPERATIVE, "business_registration", "01012345AB"),
        (ProducerKind.COOPERATIVE, "citizen_id", "001234567890"),  # citizen ID only for a household
        (ProducerKind.HOUSEHOLD, "citizen_id", "0012345678"),  # 12 digits
        (ProducerKind.HOUSEHOLD, "passport", "001234567890"),
    ],
)
def test_a_malformed_verification_is_refused(staff, kind, document, code):
    producer = unverified(kind=kind)
    with pytest.raises(ValidationError):
        services.producer_verify(producer=producer, by=staff, document=document, code=code)
    producer.refresh_from_db()
    assert producer.verified_at is None
    assert not SellerEvent.objects.exists()


def test_a_household_is_verified_by_its_owner_citizen_id_and_the_demo_loader_may_verify():
    producer = unverified(kind=ProducerKind.HOUSEHOLD)
    services.producer_verify(producer=producer, by=SYSTEM_DEMO, document="citizen_id", code="001234567890")
    event = SellerEvent.objects.get()
    assert (event.actor_id, event.actor_label) == (None, "system:demo")


def test_suspending_a_seller_hides_all_its_products_at_once_and_reinstating_brings_them_back(staff):
    producer = ProducerFactory(name="HTX Bị đình chỉ")
    products = [visible_product(producer=producer, name=f"Mật ong {n}") for n in range(3)]
    other = visible_product(name="Mật ong khác")
    ids = sorted(p.pk for p in products)

    def searched() -> list[int]:
        return sorted(PostgresBackend().search(SearchQuery(text="mat ong", limit=10)).product_ids)

    assert searched() == sorted([*ids, other.pk])

    services.producer_suspend(producer=producer, by=staff, reason="Bán hàng giả")
    assert list(products_visible_to_shoppers().values_list("pk", flat=True)) == [other.pk]
    assert not ProductDocument.objects.filter(product_id__in=ids).exists()
    assert searched() == [other.pk]
    assert product_shopper_access(product=products[0]) is ShopperAccess.NOT_FOUND
    with pytest.raises(ValidationError):
        services.producer_suspend(producer=producer, by=staff, reason="Lần nữa")

    services.producer_reinstate(producer=producer, by=staff, reason="Đã khắc phục")
    assert searched() == sorted([*ids, other.pk])
    trail = list(SellerEvent.objects.filter(producer=producer).order_by("id").values_list("kind", "reason"))
    assert trail == [
        (SellerEventKind.SUSPENDED, "Bán hàng giả"),
        (SellerEventKind.REINSTATED, "Đã khắc phục"),
    ]


def test_a_suspension_needs_a_reason(staff):
    producer = ProducerFactory()
    with pytest.raises(ValidationError):
        services.producer_suspend(producer=producer, by=staff, reason="  ")
    producer.refresh_from_db()
    assert producer.suspended_at is None
