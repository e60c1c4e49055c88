"""Every producer-scoped write service × every kind of caller: exactly who may act (the one policy in
marketplace.producers.policies), and a refused call changes nothing in the database."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import override_settings

from marketplace.catalog import services as catalog
from marketplace.catalog.models import Product, ProductImage, ProductModeration, ProductVariant, Stock
from marketplace.orders import services as orders
from marketplace.orders.models import Order, OrderPart
from marketplace.payments.models import Payment
from marketplace.producers import services as producers
from marketplace.producers.models import Producer, ProducerMembership, ProducerPhoto
from marketplace.producers.policies import SYSTEM_TASK
from marketplace.shipping import services as shipping
from marketplace.shipping.models import ProducerShipping
from tests.factories import (
    MembershipFactory,
    ModerationFactory,
    ProductFactory,
    StaffFactory,
    UserFactory,
    category,
    staff_with,
)
from tests.factories.orders import buyable_variant, place_order
from tests.factories.portal import png_upload

pytestmark = pytest.mark.django_db

STAFF_PERMISSIONS = (
    "catalog.add_product",
    "catalog.change_product",
    "catalog.delete_product",
    "catalog.add_productmoderation",
    "catalog.change_productmoderation",
    "producers.change_producer",
    "orders.change_order",
)
ACTORS = [
    "anonymous",
    "shopper",
    "member_of_other_producer",
    "inactive_member",
    "member",
    "staff_without_permission",
    "staff_with_permission",
]
PRODUCER_SCOPED = {"member", "staff_with_permission"}
STAFF_ONLY = {"staff_with_permission"}


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module in a transaction rolled back at the end; each call then runs in a
    savepoint rolled back after it."""
    media = tmp_path_factory.mktemp("media")
    fast_hash = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=fast_hash, MEDIA_ROOT=media),
        transaction.atomic(),
    ):
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def world(_module_world, db):
    return _module_world


def build_world() -> dict:
    own = MembershipFactory()
    other = MembershipFactory()
    inactive = MembershipFactory(producer=own.producer, user=UserFactory(is_active=False))
    a = own.producer
    sold = buyable_variant(producer=a, quantity=20).product
    draft = ProductFactory(producer=a, is_published=False)  # never certified: deletable
    hidden = ProductFactory(producer=a)
    ModerationFactory(product=hidden)
    image = catalog.product_image_add(product=sold, uploaded_file=png_upload(), by=SYSTEM_TASK)
    photo = producers.producer_photo_add(producer=a, uploaded_file=png_upload(), by=SYSTEM_TASK)
    theirs = buyable_variant(producer=other.producer)
    order = place_order((sold.variants.get(), 1), (theirs, 1), payment_method="bank_transfer")
    shipped = place_order((sold.variants.get(), 1)).parts.get()
    orders.order_part_mark_shipped(part=shipped, by=SYSTEM_TASK, tracking_code="VN1")
    return {
        "producer": a,
        "sold": sold,
        "variant": sold.variants.get(),
        "draft": draft,
        "hidden": hidden,
        "image": image,
        "photo": photo,
        "order": order,
        "part": order.parts.get(producer=a),
        "shipped": shipped,
        "actors": {
            "anonymous": AnonymousUser(),
            "shopper": UserFactory(),
            "member_of_other_producer": other.user,
            "inactive_member": inactive.user,
            "member": own.user,
            "staff_without_permission": StaffFactory(),
            "staff_with_permission": staff_with(*STAFF_PERMISSIONS),
        },
    }


SERVICES = {
    "product_create": (
        PRODUCER_SCOPED,
        lambda w, by: catalog.product_create(producer=w["producer"], category=category(), name="Mới", by=by),
    ),
    "product_update": (
        PRODUCER_SCOPED,
        lambda w, by: catalog.product_update(product=w["sold"], name="Tên mới", by=by),
    ),
    "product_delete": (PRODUCER_SCOPED, lambda w, by: catalog.product_delete(product=w["draft"], by=by)),
    "variant_create": (
        PRODUCER_SCOPED,
        lambda w, by: catalog.variant_create(product=w["sold"], sku="NEW-1", price_amount=1, by=by),
    ),
    "product_variant_add": (
        PRODUCER_SCOPED,
        lambda w, by: catalog.product_variant_add(product=w["draft"], price_amount=5, by=by),
    ),
    "variant_update": (
        PRODUCER_SCOPED,
        lambda w, by: catalog.variant_update(variant=w["variant"], price_amount=9, by=by),
    ),
    "variant_update_with_stock": (
        PRODUCER_SCOPED,
        lambda w, by: catalog.variant_update_with_stock(
            variant=w["variant"], name="Gói", sku="S-1", price_amount=9, weight_grams=None, quantity=1, by=by
        ),
    ),
    "stock_set": (PRODUCER_SCOPED, lambda w, by: catalog.stock_set(variant=w["variant"], quantity=3, by=by)),
    "product_set_published": (
        PRODUCER_SCOPED,
        lambda w, by: catalog.product_set_published(product=w["sold"], is_published=False, by=by),
    ),
    "product_image_add": (
        PRODUCER_SCOPED,
        lambda w, by: catalog.product_image_add(product=w["sold"], uploaded_file=png_upload(), by=by),
    ),
    "product_image_delete": (
        PRODUCER_SCOPED,
        lambda w, by: catalog.product_image_delete(image=w["image"], by=by),
    ),
    "product_hide": (
        STAFF_ONLY,
        lambda w, by: catalog.product_hide(product=w["sold"], reason="Nhãn sai", by=by),
    ),
    "product_unhide": (STAFF_ONLY, lambda w, by: catalog.product_unhide(product=w["hidden"], by=by)),
    "producer_profile_update": (
        PRODUCER_SCOPED,
        lambda w, by: producers.producer_profile_update(producer=w["producer"], description="Mới", by=by),
    ),
    "producer_free_shipping_set": (
        PRODUCER_SCOPED,
        lambda w, by: shipping.producer_free_shipping_set(
            producer=w["producer"], free_over_vnd=300_000, by=by
        ),
    ),
    "producer_logo_set": (
        PRODUCER_SCOPED,
        lambda w, by: producers.producer_logo_set(producer=w["producer"], uploaded_file=png_upload(), by=by),
    ),
    "producer_photo_add": (
        PRODUCER_SCOPED,
        lambda w, by: producers.producer_photo_add(producer=w["producer"], uploaded_file=png_upload(), by=by),
    ),
    "producer_photo_delete": (
        PRODUCER_SCOPED,
        lambda w, by: producers.producer_photo_delete(photo=w["photo"], by=by),
    ),
    "order_part_confirm": (PRODUCER_SCOPED, lambda w, by: orders.order_part_confirm(part=w["part"], by=by)),
    "order_part_mark_shipped": (
        PRODUCER_SCOPED,
        lambda w, by: orders.order_part_mark_shipped(part=w["part"], tracking_code="VN2", by=by),
    ),
    "order_part_mark_delivered": (
        PRODUCER_SCOPED,
        lambda w, by: orders.order_part_mark_delivered(part=w["shipped"], by=by),
    ),
    "order_part_cancel": (
        PRODUCER_SCOPED,
        lambda w, by: orders.order_part_cancel(part=w["part"], by=by, reason="Hết hàng"),
    ),
    # Money received confirms every producer's part: staff (or reconciliation) only, never a member.
    "order_mark_paid": (STAFF_ONLY, lambda w, by: orders.order_mark_paid(order=w["order"], by=by)),
}


def fresh(world: dict) -> dict:
    """The world's objects read again: an earlier (rolled back) call may have changed them in memory."""
    return {
        key: type(value).objects.get(pk=value.pk) if hasattr(value, "_meta") else value
        for key, value in world.items()
    }


def snapshot() -> dict:
    models = [
        Product,
        ProductVariant,
        Stock,
        ProductImage,
        ProductModeration,
        Producer,
        ProducerPhoto,
        ProducerMembership,
        Order,
        OrderPart,
        Payment,
        ProducerShipping,
    ]
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}


@pytest.mark.parametrize("name", list(SERVICES))
def test_policy_matrix(world, name):
    allowed, call = SERVICES[name]
    for actor in ACTORS:
        with transaction.atomic():
            w = fresh(world)
            before = snapshot()
            if actor in allowed:
                call(w, world["actors"][actor])
                assert snapshot() != before, (name, actor)
            else:
                with pytest.raises(PermissionDenied):
                    call(w, world["actors"][actor])
                assert snapshot() == before, (name, actor)
            transaction.set_rollback(True)


@pytest.mark.parametrize("name", list(SERVICES))
def test_none_is_refused_and_system_actors_pass(world, name):
    _, call = SERVICES[name]
    before = snapshot()
    with pytest.raises(PermissionDenied):
        call(world, None)
    assert snapshot() == before
    with transaction.atomic():
        call(fresh(world), SYSTEM_TASK)
        assert snapshot() != before
        transaction.set_rollback(True)
