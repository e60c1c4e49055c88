"""Keeping the search index in line: products changed by the catalogue and certification services are queued
(same transaction) and re-indexed after commit. A no-op with the PostgreSQL backend."""

import datetime

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from marketplace.catalog import services as catalog_services
from marketplace.certification import services as certification_services
from marketplace.certification.models import DecisionKind
from marketplace.producers import services as producer_services
from marketplace.producers.policies import SYSTEM_IMPORT, SYSTEM_TASK
from marketplace.search.models import DirtyProduct
from marketplace.search.services import (
    _clear_entries,
    search_index_dirty_batch,
    search_products_changed,
    search_uses_external_index,
)
from tests.factories import (
    CertificationFactory,
    DecisionFactory,
    ProducerFactory,
    ProductFactory,
    VariantFactory,
    category,
    moderator,
    visible_product,
)

pytestmark = pytest.mark.django_db
ES_BACKEND = "marketplace.search.backends.elasticsearch.ElasticsearchBackend"


@pytest.fixture
def elasticsearch_configured(settings):
    settings.SEARCH_BACKEND = ES_BACKEND
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # never contacted: callbacks are captured, not run


def queued() -> dict[int, int]:
    return dict(DirtyProduct.objects.values_list("product_id", "version"))


def test_postgres_backend_queues_nothing(django_capture_on_commit_callbacks):
    assert not search_uses_external_index()
    product = visible_product()
    with django_capture_on_commit_callbacks() as callbacks:
        assert search_products_changed(product_ids=[product.pk]) == 0
        catalog_services.product_update(product=product, name="Cà phê mới", by=SYSTEM_TASK)
    assert queued() == {}
    assert callbacks == []


def test_changes_are_queued_with_a_version_and_indexed_after_commit(
    elasticsearch_configured, django_capture_on_commit_callbacks
):
    assert search_uses_external_index()
    a, b = visible_product(), visible_product()
    with django_capture_on_commit_callbacks() as callbacks:
        assert search_products_changed(product_ids=[b.pk, a.pk, a.pk, None]) == 2
    assert queued() == {a.pk: 1, b.pk: 1}
    assert [callback.__name__ for callback in callbacks] == ["_enqueue_indexing"]
    search_products_changed(product_ids=[a.pk])
    assert queued() == {a.pk: 2, b.pk: 1}


def test_a_rolled_back_change_queues_nothing(elasticsearch_configured):
    product = visible_product()
    with pytest.raises(RuntimeError), transaction.atomic():
        catalog_services.product_update(product=product, name="Đổi tên", by=SYSTEM_TASK)
        raise RuntimeError("rollback")
    assert queued() == {}


def test_clearing_keeps_products_changed_again_meanwhile(elasticsearch_configured):
    a, b = visible_product(), visible_product()
    search_products_changed(product_ids=[a.pk, b.pk])
    read = sorted(DirtyProduct.objects.values_list("product_id", "version"))
    search_products_changed(product_ids=[a.pk])  # changed again while its batch was being indexed
    _clear_entries(read)
    assert queued() == {a.pk: 2}


def test_postgres_backend_drains_a_leftover_queue():
    DirtyProduct.objects.bulk_create(
        DirtyProduct(product_id=pk, marked_at=timezone.now()) for pk in (3, 1, 2)
    )
    assert search_index_dirty_batch(batch_size=2, by=SYSTEM_TASK) == 2
    assert search_index_dirty_batch(batch_size=2, by=SYSTEM_TASK) == 1
    assert search_index_dirty_batch(batch_size=2, by=SYSTEM_TASK) == 0
    assert queued() == {}


def _hide(product):
    catalog_services.product_hide(
        product=product,
        by=moderator(),
        reason="Kiểm tra lại",
    )


def _unhide(product):
    staff = moderator()
    catalog_services.product_hide(product=product, by=staff, reason="Kiểm tra lại")
    DirtyProduct.objects.all().delete()
    catalog_services.product_unhide(product=product, by=staff)


def _issue(product):
    decision = DecisionFactory(date=timezone.localdate() - datetime.timedelta(days=10))
    certification_services.certification_issue(product=product, decision=decision, stars=5, by=SYSTEM_IMPORT)


def _revoke(product):
    revocation = DecisionFactory(kind=DecisionKind.REVOCATION)
    certification_services.certification_revoke(
        certification=product.certifications.get(), decision=revocation, by=SYSTEM_IMPORT
    )


def _expire(product):
    old = DecisionFactory(date=timezone.localdate() - datetime.timedelta(days=4 * 365))
    product.certifications.update(state="superseded")
    CertificationFactory(product=product, decision=old)
    certification_services.certifications_expire(by=SYSTEM_TASK)


def _issue_bulk(product):
    decision = DecisionFactory(date=timezone.localdate() - datetime.timedelta(days=10))
    certification_services.certifications_issue_bulk(
        decision=decision, ratings=[(product.pk, 4, 80)], by=SYSTEM_IMPORT
    )


def _revoke_bulk(product):
    revocation = DecisionFactory(kind=DecisionKind.REVOCATION)
    certification_services.certifications_revoke_bulk(
        decision=revocation, certification_ids=[product.certifications.get().pk], by=SYSTEM_IMPORT
    )


CHANGES = {
    "product_update": lambda p: catalog_services.product_update(
        product=p, description="<p>Mới</p>", by=SYSTEM_TASK
    ),
    "variant_create": lambda p: catalog_services.variant_create(
        product=p, sku=f"NEW-{p.pk}", price_amount=1, by=SYSTEM_TASK
    ),
    "stock_set": lambda p: catalog_services.stock_set(variant=p.variants.first(), quantity=0, by=SYSTEM_TASK),
    "product_hide": _hide,
    "product_unhide": _unhide,
    "certification_issue": _issue,
    "certification_revoke": _revoke,
    "certifications_expire": _expire,
    "certifications_issue_bulk": _issue_bulk,
    "certifications_revoke_bulk": _revoke_bulk,
    "product_set_published": lambda p: catalog_services.product_set_published(
        product=p, is_published=False, by=SYSTEM_TASK
    ),
    "variant_update": lambda p: catalog_services.variant_update(
        variant=p.variants.first(), price_amount=9, by=SYSTEM_TASK
    ),
    "producer_profile_update": lambda p: producer_services.producer_profile_update(
        producer=p.producer, province="dien-bien", by=SYSTEM_TASK
    ),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_every_catalogue_and_certification_change_queues_the_product(elasticsearch_configured, change):
    product = visible_product()
    other = visible_product()
    DirtyProduct.objects.all().delete()
    CHANGES[change](product)
    assert queued() == {product.pk: 1}
    assert other.pk not in queued()


def test_a_deleted_product_is_queued_for_removal(elasticsearch_configured):
    product = ProductFactory()
    product_id = product.pk
    catalog_services.product_delete(product=product, by=SYSTEM_TASK)
    assert queued() == {product_id: 1}


def test_product_create_queues_the_new_product(elasticsearch_configured):
    product = catalog_services.product_create(
        producer=ProducerFactory(), category=category(), name="Trà Shan", by=SYSTEM_TASK
    )
    assert queued() == {product.pk: 1}


def test_search_index_command_with_postgres(capsys):
    visible_product()
    VariantFactory()  # an uncertified product: not visible, not counted
    DirtyProduct.objects.create(product_id=42, marked_at=timezone.now())
    call_command("search_index")
    assert capsys.readouterr().out == (
        "PostgresBackend: re-indexed 1 queued product(s); 0 left in the queue.\n"
        "PostgreSQL facet counts: re-counted for today, 3 change(s) folded in.\n"
    )
    call_command("search_index", "--rebuild")
    assert capsys.readouterr().out == "PostgresBackend: rebuilt the index with 1 product(s).\n"
