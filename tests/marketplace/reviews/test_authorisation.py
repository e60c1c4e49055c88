"""Authorisation matrix for every write of issue 16: reviews, seller ratings, replies, reports, moderation,
seller verification and suspension, takedowns. Each (action, actor) is allowed or refused; a refusal
changes nothing at all."""

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from marketplace.catalog import services as catalog_services
from marketplace.catalog.models import ProductModeration, TakedownRequest
from marketplace.orders.models import OrderStatus
from marketplace.producers import services as producer_services
from marketplace.producers.models import Producer, SellerEvent
from marketplace.reviews import services
from marketplace.reviews.models import ProducerRating, Review, ReviewEvent, ReviewReport
from tests.factories import MembershipFactory, ProducerFactory, StaffFactory, UserFactory
from tests.factories.orders import buyable_variant
from tests.factories.reviews import bought_line, reviewed, staff_with

pytestmark = pytest.mark.django_db

ACTORS = [
    "anonymous",
    "stranger",  # signed in, never bought the product
    "undelivered_buyer",  # bought it, not delivered yet
    "buyer",  # bought it and received it
    "member",  # acts for the product's producer (and bought and received it too)
    "other_member",  # acts for another producer
    "staff_with",  # staff holding the action's permission
    "staff_without",  # staff without it
]


@dataclass
class World:
    producer: Producer
    unverified: Producer
    lines: dict[str, Any]  # actor -> the order line it would review
    review: Review  # someone else's review of the producer's product
    hidden_review: Review
    takedown: TakedownRequest
    actors: dict[str, Any]


def build_world(permission: str) -> World:
    producer = ProducerFactory()
    variant = buyable_variant(producer=producer, quantity=50)
    buyer, stranger, undelivered = UserFactory(), UserFactory(), UserFactory()
    member = MembershipFactory(producer=producer).user
    delivered = bought_line(buyer=buyer, variant=variant)
    lines = {
        "undelivered_buyer": bought_line(buyer=undelivered, status=OrderStatus.SHIPPED, variant=variant),
        "member": bought_line(buyer=member, variant=variant),  # a member who bought its own product
    }
    review = reviewed(buyer=UserFactory(), variant=variant)
    hidden_review = reviewed(buyer=UserFactory(), variant=variant)
    services.review_hide(review=hidden_review, by=StaffFactory(is_superuser=True), reason="Spam")
    takedown = catalog_services.takedown_record(
        product=variant.product,
        by=StaffFactory(is_superuser=True),
        requester="Cục Quản lý thị trường",
        reference="CV 12/QLTT",
        reason="Nghi hàng giả",
    )
    actors = {
        "anonymous": AnonymousUser(),
        "stranger": stranger,
        "undelivered_buyer": undelivered,
        "buyer": buyer,
        "member": member,
        "other_member": MembershipFactory().user,
        "staff_with": staff_with(permission),
        "staff_without": StaffFactory(),
    }
    return World(
        producer=producer,
        unverified=ProducerFactory(verified_at=None, verified_document="", verified_code=""),
        lines={actor: lines.get(actor, delivered) for actor in ACTORS},
        review=review,
        hidden_review=hidden_review,
        takedown=takedown,
        actors=actors,
    )


def snapshot(world: World) -> dict:
    """Everything any of the writes could change."""
    return {
        "reviews": list(Review.objects.order_by("pk").values("pk", "stars", "reply_text", "hidden_at")),
        "ratings": ProducerRating.objects.count(),
        "reports": ReviewReport.objects.count(),
        "review_events": ReviewEvent.objects.count(),
        "seller_events": SellerEvent.objects.count(),
        "producers": list(Producer.objects.order_by("pk").values("pk", "verified_at", "suspended_at")),
        "takedowns": list(TakedownRequest.objects.values("pk", "status", "handled_at")),
        "hidings": ProductModeration.objects.count(),
    }


# action -> (the staff permission that allows it, the call, the actors allowed)
ACTIONS = {
    "review_create": (
        "reviews.moderate_review",
        lambda w, by: services.review_create(line=w.lines[w.actor], by=by, stars=4, text="Tốt"),
        {"buyer"},
    ),
    "producer_rating_create": (
        "reviews.moderate_review",
        lambda w, by: services.producer_rating_create(part=w.lines[w.actor].part, by=by, stars=4),
        {"buyer"},
    ),
    "review_reply": (
        "producers.change_producer",
        lambda w, by: services.review_reply(review=w.review, by=by, text="Cảm ơn bạn"),
        {"member", "staff_with"},
    ),
    "review_report": (
        "reviews.moderate_review",
        lambda w, by: services.review_report(review=w.review, by=by, reason="Nội dung quảng cáo"),
        {"stranger", "undelivered_buyer", "buyer", "member", "other_member", "staff_with", "staff_without"},
    ),
    "review_hide": (
        "reviews.moderate_review",
        lambda w, by: services.review_hide(review=w.review, by=by, reason="Xúc phạm"),
        {"staff_with"},
    ),
    "review_restore": (
        "reviews.moderate_review",
        lambda w, by: services.review_restore(review=w.hidden_review, by=by, reason="Khiếu nại đúng"),
        {"staff_with"},
    ),
    "producer_verify": (
        "producers.verify_producer",
        lambda w, by: producer_services.producer_verify(
            producer=w.unverified, by=by, document="tax_code", code="0101234567"
        ),
        {"staff_with"},
    ),
    "producer_suspend": (
        "producers.suspend_producer",
        lambda w, by: producer_services.producer_suspend(producer=w.producer, by=by, reason="Hàng giả"),
        {"staff_with"},
    ),
    "takedown_record": (
        "catalog.add_takedownrequest",
        lambda w, by: catalog_services.takedown_record(
            product=w.review.product,
            by=by,
            requester="Người tiêu dùng",
            reference="E-mail 1",
            reason="Sai nhãn",
        ),
        {"staff_with"},
    ),
    "takedown_handle": (
        "catalog.change_takedownrequest",
        lambda w, by: catalog_services.takedown_handle(
            takedown=w.takedown, by=by, remove=True, note="Đã xác minh"
        ),
        {"staff_with"},
    ),
}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_authorisation_matrix(action, actor):
    permission, call, allowed = ACTIONS[action]
    world = build_world(permission)
    world.actor = actor
    before = snapshot(world)
    if actor in allowed:
        call(world, world.actors[actor])
        assert snapshot(world) != before
    else:
        with pytest.raises(PermissionDenied):
            call(world, world.actors[actor])
        assert snapshot(world) == before


def test_suspension_is_reinstated_only_by_staff_with_the_permission():
    producer = ProducerFactory()
    staff = staff_with("producers.suspend_producer")
    producer_services.producer_suspend(producer=producer, by=staff, reason="Hàng giả")
    for actor in (AnonymousUser(), UserFactory(), MembershipFactory(producer=producer).user, StaffFactory()):
        with pytest.raises(PermissionDenied):
            producer_services.producer_reinstate(producer=producer, by=actor, reason="Đã khắc phục")
    assert Producer.objects.get(pk=producer.pk).suspended_at is not None
    producer_services.producer_reinstate(producer=producer, by=staff, reason="Đã khắc phục")
    assert Producer.objects.get(pk=producer.pk).suspended_at is None
