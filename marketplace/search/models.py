from django.db import models


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
