"""copy_create: the COPY path that imports use instead of bulk_create writes the same rows."""

import pytest
from django.db import connection

from marketplace.catalog.models import Category, Product
from marketplace.certification.bulk import copy_create, reserve_ids
from marketplace.producers.models import Producer
from tests.factories import ProducerFactory

pytestmark = pytest.mark.django_db
# Set by the database, different by construction between the two rows compared.
APART = {"id", "slug", "created_at", "updated_at"}


def _stored(model, pk: int) -> dict:
    return {k: v for k, v in model.objects.filter(pk=pk).values()[0].items() if k not in APART}


def test_producers_by_copy_equal_producers_by_bulk_create():
    given = {
        "name": "HTX Mận hậu Mộc Châu",
        "kind": "cooperative",
        "province": "son-la",
        "address": "Mộc Châu",
    }
    [orm] = Producer.objects.bulk_create([Producer(slug="by-orm", **given)])
    [pk] = copy_create(Producer, [{"slug": "by-copy", **given}])

    copied = Producer.objects.get(pk=pk)
    assert _stored(Producer, pk) == _stored(Producer, orm.pk)
    assert (copied.slug, copied.logo.name, copied.email) == ("by-copy", "", "")
    assert copied.created_at == copied.updated_at is not None


def test_products_by_copy_equal_products_by_bulk_create():
    producer = ProducerFactory()
    category = Category.objects.get(slug="thuc-pham")
    given = {
        "producer_id": producer.pk,
        "category_id": category.pk,
        "name": "Xoài sấy dẻo",
        "is_published": False,
    }
    [orm] = Product.objects.bulk_create([Product(slug="xoai-orm", **given)])
    ids = copy_create(Product, [{"slug": "xoai-copy", **given}, {"slug": "xoai-2", **given}])

    assert len(ids) == 2 and orm.pk not in ids
    for pk in ids:
        assert _stored(Product, pk) == _stored(Product, orm.pk)
    assert list(Product.objects.filter(pk__in=ids).order_by("pk").values_list("slug", flat=True)) == [
        "xoai-copy",
        "xoai-2",
    ]
    # The sequence moved past the reserved ids: the ORM's next row does not collide.
    later = Product.objects.create(slug="later", **given)
    assert later.pk > max(ids)


def test_copy_create_refuses_a_field_the_model_does_not_have():
    with pytest.raises(ValueError, match="colour"):
        copy_create(
            Producer, [{"name": "x", "slug": "x", "kind": "company", "province": "son-la", "colour": 1}]
        )
    assert not Producer.objects.filter(slug="x").exists()


def test_reserve_ids_gives_fresh_distinct_ids():
    ids = reserve_ids(Producer, 3)
    assert len(set(ids)) == 3
    assert reserve_ids(Producer, 0) == []
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value FROM pg_sequences WHERE sequencename LIKE 'producers_producer%%'")
        assert cursor.fetchone()[0] >= max(ids)
