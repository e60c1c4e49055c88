from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F


class DirtyProduct(models.Model):
    """A product whose search document is out of date (Elasticsearch backend only). Written after a product,
    its variants, stock, producer or certification change; drained in batches by the indexing task.

    No foreign key on purpose: a deleted product must still be removed from the index. `version` grows on
    every marking, so the task only clears the rows it has actually indexed (a product changed again while
    its batch was being indexed stays queued)."""

    product_id = models.BigIntegerField(primary_key=True)
    version = models.PositiveIntegerField(default=1)
    marked_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["marked_at"]

    def __str__(self) -> str:
        return f"{self.product_id} (v{self.version})"


class ProductDocument(models.Model):
    """What PostgreSQL search filters, sorts and counts by: one narrow row per *listable* product (published,
    not hidden by staff, holding an active-state certificate), with the certificate's `valid_until` so the
    date part of the visibility rule is applied at query time (a certificate lapsing at midnight drops out
    at once).

    Kept by database triggers on the catalogue, certification and producer tables (search/migrations/0004),
    in the writer's own transaction: whatever writes (a service, an import's COPY, the admin, a test factory,
    raw SQL) the documents are never stale, and a rollback takes them back too. Ids only, no foreign keys:
    the triggers delete a document when its product goes."""

    product_id = models.BigIntegerField(primary_key=True)
    producer_id = models.BigIntegerField(db_index=True)
    category_id = models.BigIntegerField()
    province = models.CharField(max_length=40)
    kind = models.CharField(max_length=20)
    stars = models.SmallIntegerField()
    valid_until = models.DateField(db_index=True)
    min_price = models.BigIntegerField(null=True)
    in_stock = models.BooleanField()
    created_at = models.DateTimeField()

    class Meta:
        indexes = [
            # One index per sort, so a page is read in order instead of sorting every visible product.
            models.Index(F("created_at").desc(), F("product_id").desc(), name="search_doc_newest"),
            models.Index(
                F("stars").desc(), F("created_at").desc(), F("product_id").desc(), name="search_doc_stars"
            ),
            models.Index(F("min_price").asc(nulls_last=True), "product_id", name="search_doc_price"),
            models.Index(F("min_price").desc(nulls_last=True), "product_id", name="search_doc_price_desc"),
        ]

    def __str__(self) -> str:
        return f"document of product {self.product_id}"


class ProductText(models.Model):
    """The folded words of every product (listable or not), apart from `ProductDocument` so that the
    frequent writes (stock, prices, certificates) never rewrite texts or their GIN indexes; only a change of
    a product's, its producer's or its category's words does (triggers, search/migrations/0004).

    `document` (product name + description, producer name + province, category name) answers "every word
    occurs somewhere"; `name_vector` and `producer_vector` rank name matches above producer matches;
    `name_folded` serves the trigram typo pass. A search reads only this table: it also carries a copy of
    the product's `ProductDocument` columns (NULL while not listable), written by the same trigger. None of
    them is indexed, so those updates are HOT (in-page, no index writes; the table keeps free space)."""

    product_id = models.BigIntegerField(primary_key=True)
    name_folded = models.TextField()
    document = SearchVectorField()
    name_vector = SearchVectorField()
    producer_vector = SearchVectorField()
    producer_id = models.BigIntegerField(null=True)
    category_id = models.BigIntegerField(null=True)
    province = models.CharField(max_length=40, null=True)
    kind = models.CharField(max_length=20, null=True)
    stars = models.SmallIntegerField(null=True)
    valid_until = models.DateField(null=True)
    min_price = models.BigIntegerField(null=True)
    in_stock = models.BooleanField(null=True)
    created_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [
            GinIndex(fields=["document"], name="search_text_document_gin"),
            GinIndex(OpClass("name_folded", name="gin_trgm_ops"), name="search_text_name_trgm"),
        ]

    def __str__(self) -> str:
        return f"words of product {self.product_id}"


class FacetKey(models.Model):
    """One combination of facet values, with a number of products."""

    stars = models.SmallIntegerField()
    province = models.CharField(max_length=40)
    category_id = models.BigIntegerField()
    kind = models.CharField(max_length=20)
    in_stock = models.BooleanField()
    products = models.IntegerField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.stars}/{self.province}/{self.category_id}/{self.kind}/{self.in_stock}: {self.products}"


class FacetCount(FacetKey):
    """Listable products per facet combination whose certificate is valid on `FacetState.counted_on`: the
    unfiltered and facet-filtered listings count from these few hundred rows instead of every product.

    Exact at all times as `FacetCount + FacetDelta - the documents that lapsed since counted_on` (an indexed
    range of `ProductDocument.valid_until`, empty when compaction ran today): triggers only ever append
    deltas (no hot counter rows for concurrent checkouts to queue on), and `search_facets_compact()` folds
    them in by recounting from the documents, moving `counted_on` to today."""

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["stars", "province", "category_id", "kind", "in_stock"],
                name="search_facetcount_unique_key",
            )
        ]


class FacetDelta(FacetKey):
    """A change to `FacetCount` (+n / -n products for one combination) not folded in yet."""


class FacetState(models.Model):
    """The one row saying which day `FacetCount` counted for (no row: counts and deltas cover every
    document, whatever its date)."""

    counted_on = models.DateField()

    def __str__(self) -> str:
        return f"facets counted on {self.counted_on}"
