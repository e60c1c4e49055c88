import datetime

from django.db.models import QuerySet
from django.utils import timezone

from marketplace.certification.models import Certification, CertificationState


def certifications_expiring(
    *, within_days: int, today: datetime.date | None = None
) -> QuerySet[Certification]:
    today = today or timezone.localdate()
    return (
        Certification.objects.filter(
            state=CertificationState.ACTIVE,
            valid_until__gte=today,
            valid_until__lte=today + datetime.timedelta(days=within_days),
        )
        .select_related("product__producer", "decision")
        .order_by("valid_until", "id")
    )


def certifications_of_producer(*, producer_id: int) -> QuerySet[Certification]:
    return (
        Certification.objects.filter(product__producer_id=producer_id)
        .select_related("product", "decision")
        .order_by("-valid_from", "id")
    )
