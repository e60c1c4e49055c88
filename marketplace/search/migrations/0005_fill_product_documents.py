"""Data: documents, texts and facet counts for the products that exist when the triggers arrive."""

from django.db import migrations

FORWARD = "SELECT search_rebuild_documents();"
BACKWARD = (
    "DELETE FROM search_facetdelta; DELETE FROM search_facetcount; DELETE FROM search_productdocument; "
    "DELETE FROM search_producttext;"
)


class Migration(migrations.Migration):
    dependencies = [("search", "0004_maintain_product_documents_with_triggers")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
