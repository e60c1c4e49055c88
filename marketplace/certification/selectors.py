import datetime

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from marketplace.certification.models import Certification, CertificationState


def certifications_of_producer(*, producer_id: int) -> QuerySet[Certification]:
    return (
        Certification.objects.filter(product__producer_id=producer_id)
        .select_related("product", "decision")
        .order_by("-valid_from", "id")
    )


def products_certified_unlisted(*, producer_id: int, today: datetime.date | None = None):
    """A producer's products that an imported decision certified but nobody has listed yet: the portal
    offers them as "claim and list" (publishing makes them visible, the certificate already backs them)."""
    from marketplace.catalog.models import Product

    today = today or timezone.localdate()
    active = Certification.objects.filter(
        product=models.OuterRef("pk"), state=CertificationState.ACTIVE, valid_until__gte=today
    )
    return (
        Product.objects.filter(producer_id=producer_id, is_published=False)
        .filter(models.Exists(active))
        .select_related("category")
        .order_by("name", "id")
    )
