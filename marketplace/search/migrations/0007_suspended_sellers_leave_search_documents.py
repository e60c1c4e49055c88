"""A suspended seller's products are not listable (catalog.selectors.products_visible_to_shoppers): the SQL
restatement of the rule in `search_refresh_documents` learns the producer's `suspended_at`, and the producer
trigger refreshes its products' documents when that column changes, in the suspending transaction.

The functions are rebuilt from 0004's text with one condition more; going back restores 0004's text."""

import importlib

from django.db import migrations

_landed = importlib.import_module("marketplace.search.migrations.0004_maintain_product_documents_with_triggers")

_LISTABLE = "        WHERE p.is_published\n"
_LISTABLE_NOT_SUSPENDED = "        WHERE p.is_published AND pr.suspended_at IS NULL\n"
_PRODUCER_CHANGED = "WHERE (n.province, n.kind) IS DISTINCT FROM (o.province, o.kind)));"
_PRODUCER_CHANGED_OR_SUSPENDED = (
    "WHERE (n.province, n.kind, n.suspended_at IS NULL)\n"
    "                      IS DISTINCT FROM (o.province, o.kind, o.suspended_at IS NULL)));"
)

assert _landed.REFRESH_FUNCTION.count(_LISTABLE) == 1
assert _landed.TRIGGER_FUNCTIONS["search_touch_by_producer"].count(_PRODUCER_CHANGED) == 1

REFRESH_FUNCTION = _landed.REFRESH_FUNCTION.replace(_LISTABLE, _LISTABLE_NOT_SUSPENDED)
PRODUCER_TRIGGER_FUNCTION = _landed._function(
    "search_touch_by_producer",
    _landed.TRIGGER_FUNCTIONS["search_touch_by_producer"].replace(
        _PRODUCER_CHANGED, _PRODUCER_CHANGED_OR_SUSPENDED
    ),
)
OLD_PRODUCER_TRIGGER_FUNCTION = _landed._function(
    "search_touch_by_producer", _landed.TRIGGER_FUNCTIONS["search_touch_by_producer"]
)

# Producers suspended before this migration (none in practice) leave the documents now.
DROP_SUSPENDED = """
SELECT search_refresh_documents(ARRAY(
    SELECT p.id FROM catalog_product p JOIN producers_producer pr ON pr.id = p.producer_id
    WHERE pr.suspended_at IS NOT NULL));
"""
# Going back, they are listable again by 0004's rule.
READD_SUSPENDED = DROP_SUSPENDED


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0006_drop_unused_catalogue_text_indexes"),
        ("producers", "0003_producer_verification_and_suspension"),
    ]

    operations = [
        migrations.RunSQL(
            [REFRESH_FUNCTION, PRODUCER_TRIGGER_FUNCTION, DROP_SUSPENDED],
            [OLD_PRODUCER_TRIGGER_FUNCTION, _landed.REFRESH_FUNCTION, READD_SUSPENDED],
        )
    ]
