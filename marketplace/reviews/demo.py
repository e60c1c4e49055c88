"""Demo reviews: the demo shopper received an order from two demo producers and reviewed it; one producer
replied. Everything goes through the real services, so the demo shows what a buyer's review looks like."""

from collections.abc import Mapping

from marketplace.accounts.models import User
from marketplace.catalog.models import Product
from marketplace.checkout.services import (
    CheckoutDetails,
    checkout_create,
    checkout_lines_add,
    checkout_submit,
)
from marketplace.orders.services import order_part_confirm, order_part_mark_delivered, order_part_mark_shipped
from marketplace.reviews.models import Review
from marketplace.reviews.services import producer_rating_create, review_create, review_reply

# (product slug, stars, text, reply by the producer or "")
DEMO_REVIEWS = [
    (
        "ca-phe-bot-nguyen-chat",
        5,
        "Cà phê thơm, vị đậm mà không đắng gắt. Đóng gói cẩn thận, giao nhanh.",
        "Cảm ơn chị đã tin dùng cà phê Bích Thao! Hẹn gặp lại chị ở vụ thu hoạch mới.",
    ),
    ("tra-xanh-may", 4, "Trà xanh dịu, hậu ngọt. Hộp hơi móp khi nhận nhưng trà vẫn ổn.", ""),
]


def demo_reviews_load(*, shopper: User, members_by_producer: Mapping[int, User]) -> int:
    """Place, deliver and review one demo order (once). `members_by_producer`: a member user per producer id
    (they confirm, ship, deliver and reply). Returns the number of reviews written."""
    if Review.objects.filter(author=shopper).exists():
        return 0
    products = {p.slug: p for p in Product.objects.filter(slug__in=[row[0] for row in DEMO_REVIEWS])}
    rows = [
        row
        for row in DEMO_REVIEWS
        if row[0] in products and products[row[0]].producer_id in members_by_producer
    ]
    if not rows:
        return 0
    checkout = checkout_create(by=shopper, email=shopper.email)
    for slug, *_ in rows:
        variant = products[slug].variants.order_by("pk").first()
        if variant is None:
            raise ValueError(f"demo product {slug} has no variant")  # the demo catalogue gives each one
        checkout_lines_add(checkout=checkout, variant_id=variant.pk, by=shopper)
    details = CheckoutDetails(
        email=shopper.email,
        phone="0912 345 678",
        full_name="Nguyễn Thị Lan",
        province="son-la",
        commune="Phường Tô Hiệu",
        street="12 đường Chu Văn Thịnh",
    )
    order = checkout_submit(token=checkout.token, by=shopper, details=details)
    for part in order.parts.all():
        member = members_by_producer[part.producer_id]
        order_part_confirm(part=part, by=member)
        order_part_mark_shipped(part=part, by=member, tracking_code=f"DEMO{part.pk:06d}")
        order_part_mark_delivered(part=part, by=member)
        producer_rating_create(part=part, by=shopper, stars=5)
    written = 0
    lines = {
        line.variant.product.slug: line
        for part in order.parts.all()
        for line in part.lines.select_related("variant__product")
        if line.variant is not None  # just ordered: every line still has its variant
    }
    for slug, stars, text, reply in rows:
        review = review_create(line=lines[slug], by=shopper, stars=stars, text=text)
        written += 1
        if reply:
            review_reply(review=review, by=members_by_producer[review.producer_id], text=reply)
    return written
