"""Data: documents, texts and facet counts for the products that exist when the triggers arrive."""

from django.db import migrations

# The server's date: the first compaction by beat re-counts for the site's own "today" anyway.
FORWARD = "SELECT search_rebuild_documents(current_date);"
BACKWARD = (
    "DELETE FROM search_facetdelta; DELETE FROM search_facetcount; DELETE FROM search_productdocument; "
    "DELETE FROM search_producttext; DELETE FROM search_facetstate;"
)


class Migration(migrations.Migration):
    dependencies = [("search", "0004_maintain_product_documents_with_triggers")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
