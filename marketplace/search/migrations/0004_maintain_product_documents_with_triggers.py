"""Triggers that keep `search_productdocument`, `search_producttext` and the facet deltas in line with the
catalogue, in the writer's own transaction (see the models' docstrings and docs/adr/0003-search-documents.md).

The listable part of the visibility rule (published, not hidden, an active-state certificate) is restated
here in SQL; tests/marketplace/search/test_documents.py checks it against
`catalog.selectors.products_visible_to_shoppers()` over every visibility case, so the two cannot drift.
Statement-level triggers with transition tables: a COPY or bulk update of 20,000 rows refreshes its
products in one set-based pass, not 20,000 calls.
"""

from django.db import migrations

REFRESH_FUNCTION = """
CREATE OR REPLACE FUNCTION search_refresh_documents(changed bigint[]) RETURNS void
LANGUAGE plpgsql
-- Planned for each call's id list: a plan cached for one product would be quadratic for a bulk statement.
SET plan_cache_mode = force_custom_plan
AS $$
BEGIN
    IF changed IS NULL OR cardinality(changed) = 0 THEN
        RETURN;
    END IF;
    WITH fresh AS MATERIALIZED (
        SELECT p.id AS product_id, p.producer_id, p.category_id, pr.province, pr.kind, c.stars,
               c.valid_until, agg.min_price, COALESCE(agg.in_stock, false) AS in_stock, p.created_at
        FROM (SELECT DISTINCT unnest(changed) AS id) ch
        JOIN catalog_product p ON p.id = ch.id
        JOIN producers_producer pr ON pr.id = p.producer_id
        JOIN certification_certification c ON c.product_id = p.id AND c.state = 'active'
        LEFT JOIN LATERAL (
            SELECT min(v.price_amount) AS min_price,
                   bool_or(COALESCE(s.quantity - s.quantity_allocated, 0) > 0) AS in_stock
            FROM catalog_productvariant v LEFT JOIN catalog_stock s ON s.variant_id = v.id
            WHERE v.product_id = p.id
        ) agg ON true
        WHERE p.is_published
          AND NOT EXISTS (
              SELECT 1 FROM catalog_productmoderation m WHERE m.product_id = p.id AND m.unhidden_at IS NULL
          )
    ),
    -- Joins with the id list, never `= ANY(changed)`: that compares each row with the whole array, which
    -- is quadratic for a bulk statement over tens of thousands of products.
    old AS (
        SELECT d.* FROM search_productdocument d JOIN (SELECT DISTINCT unnest(changed) AS id) ch ON ch.id = d.product_id
    ),
    gone AS (
        DELETE FROM search_productdocument d
        USING old
        WHERE d.product_id = old.product_id AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f.product_id = d.product_id)
    ),
    saved AS (
        INSERT INTO search_productdocument AS d (
            product_id, producer_id, category_id, province, kind, stars, valid_until, min_price, in_stock,
            created_at)
        SELECT * FROM fresh
        ORDER BY product_id
        ON CONFLICT (product_id) DO UPDATE SET
            producer_id = EXCLUDED.producer_id, category_id = EXCLUDED.category_id,
            province = EXCLUDED.province, kind = EXCLUDED.kind, stars = EXCLUDED.stars,
            valid_until = EXCLUDED.valid_until, min_price = EXCLUDED.min_price, in_stock = EXCLUDED.in_stock,
            created_at = EXCLUDED.created_at
        -- Most writes (a stock decrement, a timestamp) change nothing a shopper searches by: no new row version.
        WHERE (d.producer_id, d.category_id, d.province, d.kind, d.stars, d.valid_until, d.min_price,
               d.in_stock, d.created_at)
              IS DISTINCT FROM
              (EXCLUDED.producer_id, EXCLUDED.category_id, EXCLUDED.province, EXCLUDED.kind, EXCLUDED.stars,
               EXCLUDED.valid_until, EXCLUDED.min_price, EXCLUDED.in_stock, EXCLUDED.created_at)
    ),
    -- The copy searches read next to the words (NULL for products no longer listable); HOT updates.
    texts AS (
        UPDATE search_producttext t
        SET producer_id = x.producer_id, category_id = x.category_id, province = x.province, kind = x.kind,
            stars = x.stars, valid_until = x.valid_until, min_price = x.min_price, in_stock = x.in_stock,
            created_at = x.created_at
        FROM (
            SELECT ch.id, f.producer_id, f.category_id, f.province, f.kind, f.stars, f.valid_until, f.min_price,
                   f.in_stock, f.created_at
            FROM (SELECT DISTINCT unnest(changed) AS id) ch LEFT JOIN fresh f ON f.product_id = ch.id
        ) x
        WHERE t.product_id = x.id
          AND (t.producer_id, t.category_id, t.province, t.kind, t.stars, t.valid_until, t.min_price, t.in_stock,
               t.created_at)
              IS DISTINCT FROM
              (x.producer_id, x.category_id, x.province, x.kind, x.stars, x.valid_until, x.min_price, x.in_stock,
               x.created_at)
    )
    -- Facet counts change by (new rows - old rows) per combination, counting only documents valid on the
    -- day the counts are for; appended, never updated in place.
    INSERT INTO search_facetdelta (stars, province, category_id, kind, in_stock, products)
    SELECT stars, province, category_id, kind, in_stock, sum(n)
    FROM (
        SELECT stars, province, category_id, kind, in_stock, valid_until, -1 AS n FROM old
        UNION ALL
        SELECT stars, province, category_id, kind, in_stock, valid_until, 1 AS n FROM fresh
    ) moves
    WHERE valid_until >= COALESCE((SELECT counted_on FROM search_facetstate), '-infinity'::date)
    GROUP BY stars, province, category_id, kind, in_stock
    HAVING sum(n) <> 0;
END;
$$;
"""

# Folding costs tens of microseconds a row (search_fold), which is why texts live in their own table and are
# only recomputed when words may have changed.
REFRESH_TEXTS_FUNCTION = """
CREATE OR REPLACE FUNCTION search_refresh_texts(changed bigint[]) RETURNS void
LANGUAGE plpgsql
-- Planned for each call's id list: a plan cached for one product would be quadratic for a bulk statement.
SET plan_cache_mode = force_custom_plan
AS $$
BEGIN
    IF changed IS NULL OR cardinality(changed) = 0 THEN
        RETURN;
    END IF;
    DELETE FROM search_producttext t
    USING (SELECT DISTINCT unnest(changed) AS id) ch
    WHERE t.product_id = ch.id AND NOT EXISTS (SELECT 1 FROM catalog_product p WHERE p.id = ch.id);
    -- Producer and category words are folded once each, not once per product (folding is per character,
    -- so folding the parts equals folding their concatenation).
    WITH products AS MATERIALIZED (
        SELECT p.id, search_fold(p.name) AS name, search_fold(p.description) AS description, p.producer_id,
               p.category_id
        FROM (SELECT DISTINCT unnest(changed) AS id) ch JOIN catalog_product p ON p.id = ch.id
    ),
    producers AS MATERIALIZED (
        SELECT pr.id, search_fold(pr.name || ' ' || replace(pr.province, '-', ' ')) AS words
        FROM producers_producer pr WHERE pr.id IN (SELECT producer_id FROM products)
    ),
    categories AS MATERIALIZED (
        SELECT cat.id, search_fold(cat.name) AS words
        FROM catalog_category cat WHERE cat.id IN (SELECT category_id FROM products)
    )
    INSERT INTO search_producttext AS t (
        product_id, name_folded, document, name_vector, producer_vector, producer_id, category_id, province,
        kind, stars, valid_until, min_price, in_stock, created_at)
    -- strip(): no word positions (nothing ranks by proximity), so rows are smaller and searches read fewer pages.
    SELECT p.id, p.name,
           strip(to_tsvector('simple'::regconfig, p.name || ' ' || p.description || ' ' || pr.words || ' ' || cat.words)),
           strip(to_tsvector('simple'::regconfig, p.name)),
           strip(to_tsvector('simple'::regconfig, pr.words)),
           d.producer_id, d.category_id, d.province, d.kind, d.stars, d.valid_until, d.min_price, d.in_stock,
           d.created_at
    FROM products p
    JOIN producers pr ON pr.id = p.producer_id
    JOIN categories cat ON cat.id = p.category_id
    LEFT JOIN search_productdocument d ON d.product_id = p.id
    ORDER BY p.id
    ON CONFLICT (product_id) DO UPDATE SET
        name_folded = EXCLUDED.name_folded, document = EXCLUDED.document,
        name_vector = EXCLUDED.name_vector, producer_vector = EXCLUDED.producer_vector
    WHERE (t.name_folded, t.document, t.name_vector, t.producer_vector)
          IS DISTINCT FROM
          (EXCLUDED.name_folded, EXCLUDED.document, EXCLUDED.name_vector, EXCLUDED.producer_vector);
END;
$$;
"""

# Fold the deltas into the counts by recounting from the documents. The EXCLUSIVE lock waits for writers
# that have appended deltas to commit and holds new ones back until this commits, so counts + deltas stay
# exact; readers are never blocked.
COMPACT_FUNCTION = """
CREATE OR REPLACE FUNCTION search_facets_compact(today date) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    folded integer;
BEGIN
    -- New words wait in the GIN pending lists (cheap bulk writes); searches scan those lists until merged.
    PERFORM gin_clean_pending_list('search_text_document_gin'::regclass);
    PERFORM gin_clean_pending_list('search_text_name_trgm'::regclass);
    -- Most minutes there is nothing else to do: no lock, no recount (an uncommitted delta waits a minute).
    IF NOT EXISTS (SELECT 1 FROM search_facetdelta)
       AND (SELECT counted_on FROM search_facetstate) IS NOT DISTINCT FROM today THEN
        RETURN 0;
    END IF;
    LOCK TABLE search_facetdelta IN EXCLUSIVE MODE;
    SELECT count(*) INTO folded FROM search_facetdelta;
    DELETE FROM search_facetstate;
    INSERT INTO search_facetstate (counted_on) VALUES (today);
    DELETE FROM search_facetcount;
    INSERT INTO search_facetcount (stars, province, category_id, kind, in_stock, products)
    SELECT stars, province, category_id, kind, in_stock, count(*)
    FROM search_productdocument
    WHERE valid_until >= today
    GROUP BY stars, province, category_id, kind, in_stock;
    DELETE FROM search_facetdelta;
    RETURN folded;
END;
$$;
"""

REBUILD_FUNCTION = """
CREATE OR REPLACE FUNCTION search_rebuild_documents(today date) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
BEGIN
    ids := ARRAY(SELECT id FROM catalog_product ORDER BY id);
    DELETE FROM search_productdocument d WHERE NOT EXISTS (SELECT 1 FROM catalog_product p WHERE p.id = d.product_id);
    DELETE FROM search_producttext t WHERE NOT EXISTS (SELECT 1 FROM catalog_product p WHERE p.id = t.product_id);
    PERFORM search_refresh_texts(ids);
    PERFORM search_refresh_documents(ids);
    PERFORM search_facets_compact(today);
    RETURN (SELECT count(*) FROM search_productdocument);
END;
$$;
"""

# Trigger functions: which products a statement touched. `retext` only where searched words may change.
TRIGGER_FUNCTIONS = {
    # Variants, certificates and staff hidings carry a product_id.
    "search_touch_by_product_id": """
        IF TG_OP = 'INSERT' THEN
            ids := ARRAY(SELECT DISTINCT product_id FROM new_rows);
        ELSIF TG_OP = 'UPDATE' THEN
            ids := ARRAY(SELECT product_id FROM new_rows UNION SELECT product_id FROM old_rows);
        ELSE
            ids := ARRAY(SELECT DISTINCT product_id FROM old_rows);
        END IF;
        PERFORM search_refresh_documents(ids);
    """,
    "search_touch_by_stock": """
        IF TG_OP = 'INSERT' THEN
            ids := ARRAY(SELECT DISTINCT v.product_id FROM new_rows s JOIN catalog_productvariant v ON v.id = s.variant_id);
        ELSIF TG_OP = 'UPDATE' THEN
            -- Documents only know whether some unit is available: a sale that leaves units (most of them)
            -- cannot change one, so checkouts skip the refresh.
            ids := ARRAY(
                SELECT DISTINCT v.product_id
                FROM new_rows n JOIN old_rows o ON o.id = n.id
                JOIN catalog_productvariant v ON v.id IN (n.variant_id, o.variant_id)
                WHERE n.variant_id IS DISTINCT FROM o.variant_id
                   OR (n.quantity - n.quantity_allocated > 0) IS DISTINCT FROM (o.quantity - o.quantity_allocated > 0));
        ELSE
            -- A variant deleted in the same cascade refreshes its product through its own trigger.
            ids := ARRAY(SELECT DISTINCT v.product_id FROM old_rows s JOIN catalog_productvariant v ON v.id = s.variant_id);
        END IF;
        PERFORM search_refresh_documents(ids);
    """,
    "search_touch_by_product": """
        IF TG_OP = 'INSERT' THEN
            ids := ARRAY(SELECT id FROM new_rows);
            retext := ids;
        ELSIF TG_OP = 'UPDATE' THEN
            ids := ARRAY(SELECT id FROM new_rows UNION SELECT id FROM old_rows);
            retext := ARRAY(
                SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
                WHERE (n.name, n.description, n.category_id, n.producer_id)
                      IS DISTINCT FROM (o.name, o.description, o.category_id, o.producer_id));
        ELSE
            ids := ARRAY(SELECT id FROM old_rows);
            retext := ids;
        END IF;
        PERFORM search_refresh_texts(retext);
        PERFORM search_refresh_documents(ids);
    """,
    "search_touch_by_producer": """
        ids := ARRAY(
            SELECT p.id FROM catalog_product p
            WHERE p.producer_id IN (
                SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
                WHERE (n.province, n.kind) IS DISTINCT FROM (o.province, o.kind)));
        retext := ARRAY(
            SELECT p.id FROM catalog_product p
            WHERE p.producer_id IN (
                SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
                WHERE (n.name, n.province) IS DISTINCT FROM (o.name, o.province)));
        PERFORM search_refresh_texts(retext);
        PERFORM search_refresh_documents(ids);
    """,
    "search_touch_by_category": """
        retext := ARRAY(
            SELECT p.id FROM catalog_product p
            WHERE p.category_id IN (
                SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE n.name IS DISTINCT FROM o.name));
        PERFORM search_refresh_texts(retext);
    """,
}

# (table, trigger function, events). Producers and categories are PROTECTed by their products, so only their
# updates matter; a new one has no products yet.
TRIGGERS = [
    ("catalog_product", "search_touch_by_product", ("INSERT", "UPDATE", "DELETE")),
    ("catalog_productvariant", "search_touch_by_product_id", ("INSERT", "UPDATE", "DELETE")),
    ("catalog_stock", "search_touch_by_stock", ("INSERT", "UPDATE", "DELETE")),
    ("catalog_productmoderation", "search_touch_by_product_id", ("INSERT", "UPDATE", "DELETE")),
    ("certification_certification", "search_touch_by_product_id", ("INSERT", "UPDATE", "DELETE")),
    ("producers_producer", "search_touch_by_producer", ("UPDATE",)),
    ("catalog_category", "search_touch_by_category", ("UPDATE",)),
]

REFERENCING = {
    "INSERT": "REFERENCING NEW TABLE AS new_rows",
    "UPDATE": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "DELETE": "REFERENCING OLD TABLE AS old_rows",
}


def _function(name: str, body: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
    retext bigint[] := ARRAY[]::bigint[];
BEGIN
{body}
    RETURN NULL;
END;
$$;
"""


def _trigger_name(table: str, event: str) -> str:
    return f"search_doc_{table}_{event.lower()}"


FORWARD = [
    # Room in each page for the HOT updates of the listing columns copied into the texts.
    "ALTER TABLE search_producttext SET (fillfactor = 80);",
    REFRESH_FUNCTION,
    REFRESH_TEXTS_FUNCTION,
    COMPACT_FUNCTION,
    REBUILD_FUNCTION,
    *(_function(name, body) for name, body in TRIGGER_FUNCTIONS.items()),
    *(
        f"CREATE TRIGGER {_trigger_name(table, event)} AFTER {event} ON {table} {REFERENCING[event]} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}();"
        for table, function, events in TRIGGERS
        for event in events
    ),
]

BACKWARD = [
    "ALTER TABLE search_producttext RESET (fillfactor);",
    *(
        f"DROP TRIGGER IF EXISTS {_trigger_name(table, event)} ON {table};"
        for table, _, events in TRIGGERS
        for event in events
    ),
    *(f"DROP FUNCTION IF EXISTS {name}();" for name in TRIGGER_FUNCTIONS),
    "DROP FUNCTION IF EXISTS search_rebuild_documents(date);",
    "DROP FUNCTION IF EXISTS search_facets_compact(date);",
    "DROP FUNCTION IF EXISTS search_refresh_texts(bigint[]);",
    "DROP FUNCTION IF EXISTS search_refresh_documents(bigint[]);",
]


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_add_product_documents_and_facet_counts"),
        ("catalog", "0003_portal_image_thumbnails_expiring_queue"),
        ("certification", "0002_add_expiry_reminder"),
        ("producers", "0002_portal_producer_photos"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
