"""Search objects for the PostgreSQL backend: extensions, an IMMUTABLE folding function and expression indexes
on the live catalogue tables (no copied search columns, so search is never stale)."""

from django.db import migrations

# unaccent() is only STABLE (it reads a dictionary chosen through search_path); pinning the schema-qualified
# dictionary and the search_path makes the wrapper safe to mark IMMUTABLE and so usable in index expressions.
# The SET clause also keeps the planner from inlining it, so the declared COST holds: folding a row's text really
# costs tens of microseconds, and without it the planner prefers re-folding every row over the GIN indexes.
FOLD_FUNCTION = """
CREATE OR REPLACE FUNCTION search_fold(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT COST 5000
SET search_path = pg_catalog, public
AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, value)) $$;
"""

INDEXES = [
    # Product name alone (rank: name matches first) and name + description (matching).
    (
        "search_product_name_fts",
        "catalog_product USING gin (to_tsvector('simple'::regconfig, search_fold(name)))",
    ),
    (
        "search_product_doc_fts",
        "catalog_product USING gin "
        "(to_tsvector('simple'::regconfig, search_fold(name || ' ' || description)))",
    ),
    ("search_product_name_trgm", "catalog_product USING gin (search_fold(name) gin_trgm_ops)"),
    # Producer name + province words ("son-la" -> "son la").
    (
        "search_producer_doc_fts",
        "producers_producer USING gin "
        "(to_tsvector('simple'::regconfig, search_fold(name || ' ' || replace(province, '-', ' '))))",
    ),
    (
        "search_producer_doc_trgm",
        "producers_producer USING gin "
        "(search_fold(name || ' ' || replace(province, '-', ' ')) gin_trgm_ops)",
    ),
]


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("catalog", "0001_initial"),
        ("producers", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public; "
            "CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;",
            # Other apps or the server may rely on the extensions: leave them in place.
            migrations.RunSQL.noop,
        ),
        migrations.RunSQL(FOLD_FUNCTION, "DROP FUNCTION IF EXISTS search_fold(text);"),
        *[
            migrations.RunSQL(f"CREATE INDEX IF NOT EXISTS {name} ON {definition};", f"DROP INDEX IF EXISTS {name};")
            for name, definition in INDEXES
        ],
    ]
