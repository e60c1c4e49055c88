from typing import Any

from marketplace.graphql.core.dataloaders import DataLoader, by_key
from marketplace.producers.models import Producer


class ProducerByIdLoader(DataLoader):
    context_key = "producer_by_id"

    def batch_load(self, keys):
        return by_key(Producer.objects.filter(pk__in=keys), keys)


class CertificationsByProducerIdLoader(DataLoader):
    """Active certificates of a producer's products that shoppers can see."""

    context_key = "certifications_by_producer_id"

    def batch_load(self, keys):
        from marketplace.catalog.selectors import active_certifications, products_visible_to_shoppers

        rows = (
            active_certifications()
            .filter(product__in=products_visible_to_shoppers(), product__producer_id__in=keys)
            .select_related("decision", "product")
            .order_by("product__name", "id")
        )
        grouped: dict[int, list[Any]] = {key: [] for key in keys}
        for row in rows:
            grouped[row.product.producer_id].append(row)
        return [grouped[key] for key in keys]
