from marketplace.catalog.selectors import active_certifications
from marketplace.graphql.core.dataloaders import DataLoader


class ActiveCertificationByProductIdLoader(DataLoader):
    """The certificate that backs a product's star today (with its decision), or None."""

    context_key = "active_certification_by_product_id"

    def batch_load(self, keys):
        rows = active_certifications().filter(product_id__in=keys).select_related("decision")
        found = {}
        for row in rows:
            found[row.product_id] = row
        return [found.get(key) for key in keys]
