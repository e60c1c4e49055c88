from collections import defaultdict

from marketplace.catalog.selectors import active_certifications
from marketplace.certification.selectors import certification_timeline, timeline_certifications
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


class CertificationTimelineByProductIdLoader(DataLoader):
    """A product's certification timeline (every certificate's events, newest first)."""

    context_key = "certification_timeline_by_product_id"

    def batch_load(self, keys):
        grouped = defaultdict(list)
        for row in timeline_certifications().filter(product_id__in=keys):
            grouped[row.product_id].append(row)
        return [certification_timeline(grouped[key]) for key in keys]
