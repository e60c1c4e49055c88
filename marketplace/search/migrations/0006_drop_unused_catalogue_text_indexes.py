"""Searches read search_producttext now: the expression indexes on the catalogue tables only slowed every
product write (and every import) down. The producer trigram index stays: the typo pass still uses it."""

from django.db import migrations

DROPPED = {
    "search_product_name_fts": "catalog_product USING gin (to_tsvector('simple'::regconfig, search_fold(name)))",
    "search_product_doc_fts": (
        "catalog_product USING gin (to_tsvector('simple'::regconfig, search_fold(name || ' ' || description)))"
    ),
    "search_product_name_trgm": "catalog_product USING gin (search_fold(name) gin_trgm_ops)",
    "search_producer_doc_fts": (
        "producers_producer USING gin "
        "(to_tsvector('simple'::regconfig, search_fold(name || ' ' || replace(province, '-', ' '))))"
    ),
}


class Migration(migrations.Migration):
    dependencies = [("search", "0005_fill_product_documents")]

    operations = [
        migrations.RunSQL(f"DROP INDEX IF EXISTS {name};", f"CREATE INDEX IF NOT EXISTS {name} ON {definition};")
        for name, definition in DROPPED.items()
    ]
