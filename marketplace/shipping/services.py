"""Writes of the shipping app: a producer's own free-shipping threshold (the rates themselves are staff
configuration, edited in the admin)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from marketplace.producers.models import Producer
from marketplace.producers.policies import Actor, ProducerAction, require_producer_action
from marketplace.shipping.error_codes import ShippingErrorCode
from marketplace.shipping.models import ProducerShipping

FREE_OVER_MAX_VND = 100_000_000


@transaction.atomic
def producer_free_shipping_set(*, producer: Producer, free_over_vnd: int | None, by: Actor) -> int | None:
    """Set the producer's free-shipping threshold (whole dong; 0 ships every part free), or go back to the
    platform's default with None. Returns the value saved."""
    require_producer_action(actor=by, action=ProducerAction.MANAGE_PROFILE, producer_id=producer.pk)
    if free_over_vnd is None:
        ProducerShipping.objects.filter(producer=producer).delete()
        return None
    if (
        isinstance(free_over_vnd, bool)
        or not isinstance(free_over_vnd, int)
        or not (0 <= free_over_vnd <= FREE_OVER_MAX_VND)
    ):
        raise ValidationError(
            {
                "free_over_vnd": ValidationError(
                    _("Ngưỡng miễn phí giao hàng phải từ 0 đến %(max)s đồng.")
                    % {"max": f"{FREE_OVER_MAX_VND:,}".replace(",", ".")},
                    code=ShippingErrorCode.INVALID.value,
                )
            }
        )
    ProducerShipping.objects.update_or_create(producer=producer, defaults={"free_over_vnd": free_over_vnd})
    return free_over_vnd
