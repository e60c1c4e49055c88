"""Reviews from real buyers: what a review may hold, one per delivered line, the product's rating summary,
replies, reports, staff hiding with its audit trail, and the per-user rate limits."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from marketplace.catalog.models import Product
from marketplace.orders.models import OrderStatus
from marketplace.reviews import services
from marketplace.reviews.error_codes import ReviewErrorCode
from marketplace.reviews.models import Review, ReviewEvent, ReviewEventKind, ReviewPhoto, ReviewReport
from tests.factories import MembershipFactory, StaffFactory, UserFactory
from tests.factories.orders import buyable_variant
from tests.factories.portal import SVG_WITH_SCRIPT, image_bytes, upload
from tests.factories.reviews import bought_line, reviewed

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator():
    return StaffFactory(is_superuser=True)


def summary(product) -> tuple[int, Decimal | None]:
    product = Product.objects.get(pk=product.pk)
    return product.rating_count, product.rating_average


def test_a_buyer_reviews_a_delivered_line_once_and_the_product_summary_follows():
    variant = buyable_variant(quantity=20)
    first = reviewed(buyer=UserFactory(first_name="Lan", last_name="Nguyễn"), stars=5, variant=variant)
    assert first.author_name == "Lan N."
    assert summary(variant.product) == (1, Decimal("5.0"))
    reviewed(buyer=UserFactory(), stars=4, variant=variant)
    reviewed(buyer=UserFactory(), stars=4, variant=variant)
    assert summary(variant.product) == (3, Decimal("4.3"))  # 13 / 3 = 4.33…, one decimal

    buyer = UserFactory()
    line = bought_line(buyer=buyer, variant=variant)
    services.review_create(line=line, by=buyer, stars=3)
    with pytest.raises(ValidationError) as again:
        services.review_create(line=line, by=buyer, stars=1)
    assert again.value.code == ReviewErrorCode.ALREADY_REVIEWED.value
    assert Review.objects.filter(line=line).get().stars == 3


@pytest.mark.parametrize("stars", [0, 6, "", None, "năm"])
def test_stars_are_one_to_five(stars):
    buyer = UserFactory()
    line = bought_line(buyer=buyer)
    with pytest.raises(ValidationError):
        services.review_create(line=line, by=buyer, stars=stars)
    assert not Review.objects.exists()


def test_text_is_plain_bounded_and_stripped_of_invisible_characters():
    buyer = UserFactory()
    line = bought_line(buyer=buyer)
    with pytest.raises(ValidationError):
        services.review_create(line=line, by=buyer, stars=5, text="a" * 2001)
    review = services.review_create(
        line=line, by=buyer, stars=5, text="  <b>Ngon</b>\u200b\u202e quá\r\n\r\n\r\n\r\nSẽ mua lại\x00 "
    )
    # Markup stays as the characters typed (pages escape it); zero-width, bidi and NUL characters go.
    assert review.text == "<b>Ngon</b> quá\n\nSẽ mua lại"


def test_a_member_of_the_producer_cannot_review_its_own_product_even_after_buying_it():
    variant = buyable_variant()
    member = MembershipFactory(producer=variant.product.producer).user
    line = bought_line(buyer=member, variant=variant)
    with pytest.raises(PermissionDenied) as refused:
        services.review_create(line=line, by=member, stars=5, text="Tuyệt vời")
    assert refused.value.args[1] == ReviewErrorCode.OWN_PRODUCT.value
    with pytest.raises(PermissionDenied):
        services.producer_rating_create(part=line.part, by=member, stars=5)
    assert summary(variant.product) == (0, None)


@pytest.mark.parametrize("status", [OrderStatus.UNCONFIRMED, OrderStatus.CONFIRMED, OrderStatus.SHIPPED])
def test_no_review_before_delivery(status):
    buyer = UserFactory()
    line = bought_line(buyer=buyer, status=status)
    with pytest.raises(PermissionDenied) as refused:
        services.review_create(line=line, by=buyer, stars=5)
    assert refused.value.args[1] == ReviewErrorCode.NOT_DELIVERED.value
    assert not Review.objects.exists()


def test_up_to_five_validated_photos_are_stored_re_encoded():
    buyer = UserFactory()
    photos = [upload(image_bytes("PNG"), f"anh{n}.png", "image/png") for n in range(5)]
    review = services.review_create(line=bought_line(buyer=buyer), by=buyer, stars=5, photos=photos)
    stored = list(review.photos.all())
    assert len(stored) == 5
    assert all(photo.thumbnail.name.endswith(".webp") for photo in stored)


def test_six_photos_or_one_bad_photo_store_nothing():
    buyer = UserFactory()
    line = bought_line(buyer=buyer)
    six = [upload(image_bytes("PNG"), f"anh{n}.png", "image/png") for n in range(6)]
    with pytest.raises(ValidationError) as too_many:
        services.review_create(line=line, by=buyer, stars=5, photos=six)
    assert too_many.value.code == ReviewErrorCode.TOO_MANY_PHOTOS.value
    bad = [
        upload(image_bytes("PNG"), "a.png", "image/png"),
        upload(SVG_WITH_SCRIPT, "b.svg", "image/svg+xml"),
    ]
    with pytest.raises(ValidationError):
        services.review_create(line=line, by=buyer, stars=5, photos=bad)
    assert (Review.objects.count(), ReviewPhoto.objects.count()) == (0, 0)


def test_hiding_takes_a_review_out_of_the_summary_and_is_audited(moderator):
    variant = buyable_variant(quantity=20)
    kept = reviewed(buyer=UserFactory(), stars=5, variant=variant)
    spam = reviewed(buyer=UserFactory(), stars=1, variant=variant)
    services.review_report(review=spam, by=UserFactory(), reason="Quảng cáo")
    assert summary(variant.product) == (2, Decimal("3.0"))

    with pytest.raises(ValidationError):
        services.review_hide(review=spam, by=moderator, reason="   ")
    services.review_hide(review=spam, by=moderator, reason="Quảng cáo trá hình")
    assert summary(variant.product) == (1, Decimal("5.0"))
    assert ReviewReport.objects.get().resolved_at is not None
    with pytest.raises(ValidationError):
        services.review_report(review=spam, by=UserFactory(), reason="Lại nữa")

    services.review_restore(review=spam, by=moderator, reason="Người mua thật, khiếu nại đúng")
    assert summary(variant.product) == (2, Decimal("3.0"))
    trail = list(
        ReviewEvent.objects.filter(review=spam).order_by("id").values_list("kind", "actor", "reason")
    )
    assert trail == [
        (ReviewEventKind.HIDDEN, moderator.pk, "Quảng cáo trá hình"),
        (ReviewEventKind.RESTORED, moderator.pk, "Người mua thật, khiếu nại đúng"),
    ]
    assert kept.hidden_at is None


def test_a_producer_replies_publicly_and_may_edit_its_reply():
    variant = buyable_variant()
    member = MembershipFactory(producer=variant.product.producer).user
    review = reviewed(buyer=UserFactory(), variant=variant)
    with pytest.raises(ValidationError):
        services.review_reply(review=review, by=member, text=" ")
    services.review_reply(review=review, by=member, text="Cảm ơn chị")
    services.review_reply(review=review, by=member, text="Cảm ơn chị đã mua hàng")
    review.refresh_from_db()
    assert (review.reply_text, review.reply_by_id) == ("Cảm ơn chị đã mua hàng", member.pk)


def test_a_shopper_reports_a_review_once():
    review = reviewed(buyer=UserFactory())
    reporter = UserFactory()
    services.review_report(review=review, by=reporter, reason="Sai sự thật")
    with pytest.raises(ValidationError) as again:
        services.review_report(review=review, by=reporter, reason="Sai sự thật")
    assert again.value.code == ReviewErrorCode.ALREADY_REPORTED.value
    assert ReviewReport.objects.count() == 1


def test_reviews_and_reports_are_rate_limited_per_user(settings):
    settings.REVIEWS_PER_HOUR = 2
    settings.REVIEW_REPORTS_PER_HOUR = 1
    buyer = UserFactory()
    lines = [bought_line(buyer=buyer) for _ in range(3)]
    for line in lines[:2]:
        services.review_create(line=line, by=buyer, stars=5)
    with pytest.raises(ValidationError) as limited:
        services.review_create(line=lines[2], by=buyer, stars=5)
    assert limited.value.code == ReviewErrorCode.RATE_LIMITED.value
    assert Review.objects.count() == 2
    # Another buyer is not held back by this one.
    reviewed(buyer=UserFactory())

    reporter = UserFactory()
    first, second = Review.objects.all()[:2]
    services.review_report(review=first, by=reporter, reason="Spam")
    with pytest.raises(ValidationError):
        services.review_report(review=second, by=reporter, reason="Spam")
    assert ReviewReport.objects.count() == 1


def test_the_seller_rating_is_one_per_delivered_part():
    buyer = UserFactory()
    line = bought_line(buyer=buyer)
    services.producer_rating_create(part=line.part, by=buyer, stars=4)
    with pytest.raises(ValidationError):
        services.producer_rating_create(part=line.part, by=buyer, stars=5)
    assert line.part.producer.ratings.get().stars == 4
