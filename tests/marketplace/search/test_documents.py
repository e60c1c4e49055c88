"""The search documents and facet counts kept by the catalogue triggers (search/migrations/0004)."""

import datetime
import io
import itertools

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from marketplace.catalog.models import Category, ProductVariant, Stock
from marketplace.catalog.selectors import products_visible_to_shoppers
from marketplace.certification.models import Certification, CertificationState
from marketplace.producers.policies import SYSTEM_TASK
from marketplace.search.backends.base import SearchFilters, SearchQuery
from marketplace.search.backends.postgres import PostgresBackend
from marketplace.search.models import FacetCount, FacetDelta, FacetState, ProductDocument, ProductText
from marketplace.search.services import search_facets_compact
from tests.factories import (
    CertificationFactory,
    DecisionFactory,
    ModerationFactory,
    ProducerFactory,
    ProductFactory,
    visible_product,
)
from tests.marketplace.catalog.test_visibility import CERT_CASES, TODAY, build_certificate, suspend_producer

pytestmark = pytest.mark.django_db
KEY = ("stars", "province", "category_id", "kind", "in_stock")


def visible_by_documents(today: datetime.date) -> list[int]:
    return sorted(ProductDocument.objects.filter(valid_until__gte=today).values_list("product_id", flat=True))


def counts_from_documents() -> dict:
    """What counts + deltas must add up to: documents valid on the counted day, grouped by the facet key."""
    state = FacetState.objects.first()
    documents = ProductDocument.objects.all()
    if state is not None:
        documents = documents.filter(valid_until__gte=state.counted_on)
    counts: dict = {}
    for row in documents.values(*KEY):
        key = tuple(row[name] for name in KEY)
        counts[key] = counts.get(key, 0) + 1
    return counts


LISTING = ("producer_id", "category_id", "province", "kind", "stars", "valid_until", "min_price", "in_stock")


def assert_texts_mirror_documents() -> None:
    """Searches read the listing columns from the texts table: the same values, NULL when not listable."""
    documents = {row["product_id"]: row for row in ProductDocument.objects.values("product_id", *LISTING)}
    for row in ProductText.objects.values("product_id", *LISTING):
        expected = documents.get(row["product_id"], dict.fromkeys(LISTING))
        assert {name: row[name] for name in LISTING} == {name: expected[name] for name in LISTING}
    assert set(documents) <= set(ProductText.objects.values_list("product_id", flat=True))


def counts_from_facet_tables() -> dict:
    counts: dict = {}
    for model in (FacetCount, FacetDelta):
        for row in model.objects.values(*KEY, "products"):
            key = tuple(row[name] for name in KEY)
            counts[key] = counts.get(key, 0) + row["products"]
    return {key: n for key, n in counts.items() if n}


@pytest.mark.parametrize(
    ("published", "hidden", "unhidden_before", "suspended", "cert_case"),
    list(itertools.product([True, False], [True, False], [True, False], [False, True], list(CERT_CASES))),
)
def test_documents_agree_with_the_visibility_rule(published, hidden, unhidden_before, suspended, cert_case):
    """The SQL restatement of the rule in the triggers gives exactly the selector's answer, every case."""
    product = ProductFactory(is_published=published)
    if unhidden_before:
        ModerationFactory(product=product, unhidden_at=timezone.now())
    if hidden:
        ModerationFactory(product=product)
    build_certificate(product, cert_case)
    if suspended:  # after the certificate: the suspension itself must drop the document
        suspend_producer(product)
    ProductFactory()

    expected = sorted(products_visible_to_shoppers(today=TODAY).values_list("pk", flat=True))
    assert visible_by_documents(TODAY) == expected
    assert_texts_mirror_documents()
    # The day after, the same agreement (certificates ending today drop out of both).
    tomorrow = TODAY + datetime.timedelta(days=1)
    assert visible_by_documents(tomorrow) == sorted(
        products_visible_to_shoppers(today=tomorrow).values_list("pk", flat=True)
    )


def test_every_kind_of_write_keeps_documents_and_counts_exact():
    producer = ProducerFactory(province="son-la", kind="cooperative")
    coffee = visible_product(name="Cà phê Arabica", producer=producer, stars=4, price=185_000, quantity=3)
    tea = visible_product(name="Chè Shan tuyết", producer=producer, stars=3, price=95_000, quantity=0)
    honey = visible_product(name="Mật ong bạc hà", stars=5, price=250_000)
    doc = ProductDocument.objects.get(product_id=coffee.pk)
    assert (doc.stars, doc.province, doc.kind, doc.min_price, doc.in_stock) == (
        4,
        "son-la",
        "cooperative",
        185_000,
        True,
    )
    assert ProductDocument.objects.get(product_id=tea.pk).in_stock is False
    assert counts_from_facet_tables() == counts_from_documents()

    # Stock runs out, a cheaper variant appears, the producer moves, staff hide one, one is revoked.
    Stock.objects.filter(variant__product=coffee).update(quantity=0)
    variant = ProductVariant.objects.create(
        product=coffee, sku="CF-100", name="Gói 100g", price_amount=60_000
    )
    Stock.objects.create(variant=variant, quantity=2)
    producer.province = "lai-chau"
    producer.save()
    ModerationFactory(product=tea)
    Certification.objects.filter(product=honey).update(
        state=CertificationState.REVOKED, revoked_by=DecisionFactory(kind="revocation")
    )

    doc = ProductDocument.objects.get(product_id=coffee.pk)
    assert (doc.province, doc.min_price, doc.in_stock) == ("lai-chau", 60_000, True)
    assert_texts_mirror_documents()
    assert visible_by_documents(timezone.localdate()) == [coffee.pk]
    assert counts_from_facet_tables() == counts_from_documents()

    folded = search_facets_compact(by=SYSTEM_TASK)
    assert folded > 0
    assert FacetDelta.objects.count() == 0
    assert counts_from_facet_tables() == counts_from_documents()
    assert PostgresBackend().search(SearchQuery()).facets["province"] == {"lai-chau": 1}


def test_facet_counts_from_the_count_tables_equal_a_scan_of_the_documents():
    """The two query paths (counts for plain listings, a scan for price filters) count alike."""
    for index in range(12):
        visible_product(
            name=f"Sản phẩm {index}",
            producer=ProducerFactory(province=("son-la", "ha-noi", "lai-chau")[index % 3]),
            stars=3 + index % 3,
            price=100_000 + index * 1_000,
            quantity=index % 4,
        )
    search_facets_compact(by=SYSTEM_TASK)
    visible_product(name="Thêm sau", stars=5, price=1_000)  # a delta, not compacted
    backend = PostgresBackend()
    for filters in (
        SearchFilters(),
        SearchFilters(stars=(4,)),
        SearchFilters(provinces=("son-la",), in_stock=True),
        SearchFilters(stars=(3, 5), provinces=("ha-noi", "lai-chau")),
    ):
        counted = backend.search(SearchQuery(filters=filters, limit=50))
        # A price range wide enough to keep everything forces the scanning path over the same products.
        scanned = backend.search(
            SearchQuery(
                filters=SearchFilters(**{**filters.__dict__, "price_min": 0, "price_max": 10**9}), limit=50
            )
        )
        assert counted.total == scanned.total
        assert counted.facets == scanned.facets
        assert counted.product_ids == scanned.product_ids


def test_renaming_a_product_producer_or_category_is_searchable_at_once():
    producer = ProducerFactory(name="HTX Bích Thao", province="son-la")
    product = visible_product(name="Cà phê Arabica", producer=producer)
    backend = PostgresBackend()

    def found(text: str) -> list[int]:
        return backend.search(SearchQuery(text=text)).product_ids

    assert found("arabica") == [product.pk]
    product.name = "Cà phê Moka"
    product.save()
    assert found("moka") == [product.pk]
    assert found("arabica") == []

    producer.name = "HTX Chiềng Ban"
    producer.save()
    assert found("chieng ban") == [product.pk]

    category = Category.objects.get(pk=product.category_id)
    category.name = "Đồ uống đặc sản vùng cao"
    category.save()
    assert found("vung cao") == [product.pk]


def test_a_rolled_back_write_leaves_documents_and_counts_as_they_were():
    product = visible_product(name="Rượu ngô", stars=3)
    before = (list(ProductDocument.objects.values()), counts_from_facet_tables())
    with pytest.raises(RuntimeError), transaction.atomic():
        Certification.objects.filter(product=product).update(stars=5)
        ModerationFactory(product=product)
        raise RuntimeError("failure half-way")
    assert (list(ProductDocument.objects.values()), counts_from_facet_tables()) == before


def test_one_statement_over_many_products_refreshes_them_all_at_once():
    decision = DecisionFactory(date=timezone.localdate() - datetime.timedelta(days=10))
    products = ProductFactory.create_batch(30)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO certification_certification (product_id, decision_id, stars, valid_from, valid_until,
                state, created_at)
            SELECT unnest(%s::bigint[]), %s, 4, %s, %s, 'active', now()
            """,
            [
                [p.pk for p in products],
                decision.pk,
                decision.date,
                decision.date + datetime.timedelta(days=1000),
            ],
        )
    assert visible_by_documents(timezone.localdate()) == sorted(p.pk for p in products)
    assert counts_from_facet_tables() == counts_from_documents()
    assert_texts_mirror_documents()


def test_rebuild_repairs_documents_written_around_the_triggers():
    product = visible_product(name="Miến dong")
    CertificationFactory(product=ProductFactory())  # listable too
    ProductDocument.objects.all().delete()
    ProductText.objects.all().delete()
    FacetState.objects.all().delete()
    FacetCount.objects.all().delete()
    FacetDelta.objects.all().delete()
    assert PostgresBackend().search(SearchQuery()).total == 0

    assert PostgresBackend().rebuild() == 2
    assert product.pk in visible_by_documents(timezone.localdate())
    assert FacetDelta.objects.count() == 0
    assert counts_from_facet_tables() == counts_from_documents()
    assert PostgresBackend().search(SearchQuery()).total == 2
    assert PostgresBackend().search(SearchQuery(text="mien dong")).product_ids == [product.pk]
    assert ProductText.objects.count() == 2
    assert_texts_mirror_documents()


def test_every_product_has_its_words_and_a_deleted_product_leaves_none():
    draft = ProductFactory(name="Trà hoa vàng", is_published=False)
    assert ProductText.objects.get(product_id=draft.pk).name_folded == "tra hoa vang"
    assert not ProductDocument.objects.filter(product_id=draft.pk).exists()
    draft.delete()
    assert not ProductText.objects.filter(product_id=draft.pk).exists()


@pytest.mark.parametrize("counted_days_ago", [40, 0, -40])
def test_counts_made_on_another_day_still_count_for_today(counted_days_ago):
    """Counts compacted on day D answer for today: certificates that lapsed since D are taken off, and
    (D in the future) those valid today but not on D are added."""
    today = timezone.localdate()
    for days_left in (-50, -20, -1, 0, 1, 20, 50, 400):
        decision = DecisionFactory(date=today - datetime.timedelta(days=100))
        product = ProductFactory()
        CertificationFactory(
            product=product, decision=decision, valid_until=today + datetime.timedelta(days=days_left)
        )
        ProductVariant.objects.create(product=product, sku=f"SKU{days_left}", name="Gói", price_amount=1_000)
    search_facets_compact(today=today - datetime.timedelta(days=counted_days_ago), by=SYSTEM_TASK)
    visible_product(name="Added after the compaction", stars=5)

    backend = PostgresBackend()
    counted = backend.search(SearchQuery(limit=50))
    scanned = backend.search(SearchQuery(filters=SearchFilters(price_min=0), limit=50))
    visible = products_visible_to_shoppers(today=today).count()
    assert counted.total == scanned.total == visible == 6  # days_left 0, 1, 20, 50, 400 and the new one
    assert counted.facets == scanned.facets
    assert counted.product_ids == scanned.product_ids


def test_compaction_is_a_no_op_when_counts_are_current_and_the_command_runs_it():
    visible_product(name="Chè Shan tuyết")
    assert search_facets_compact(by=SYSTEM_TASK) > 0
    state = FacetState.objects.get()
    assert state.counted_on == timezone.localdate()
    assert search_facets_compact(by=SYSTEM_TASK) == 0
    assert FacetState.objects.get().pk == state.pk  # not even re-written

    visible_product(name="Mật ong")
    out = io.StringIO()
    call_command("search_index", stdout=out)
    # Certified (+1 out of stock), then stocked (-1 out of stock, +1 in stock): three deltas.
    assert "re-counted for today, 3 change(s) folded in" in out.getvalue()
    assert FacetDelta.objects.count() == 0
    assert counts_from_facet_tables() == counts_from_documents()


def test_a_sale_that_leaves_units_changes_no_document_and_the_last_unit_does():
    product = visible_product(name="Miến dong", quantity=2)
    search_facets_compact(by=SYSTEM_TASK)
    stock = Stock.objects.filter(variant__product=product)
    stock.update(quantity_allocated=1)
    assert ProductDocument.objects.get(product_id=product.pk).in_stock is True
    assert FacetDelta.objects.count() == 0
    stock.update(quantity_allocated=2)
    assert ProductDocument.objects.get(product_id=product.pk).in_stock is False
    assert ProductText.objects.get(product_id=product.pk).in_stock is False
    assert counts_from_facet_tables() == counts_from_documents()
