"""Reviews, ratings and seller information on the storefront (issue 16): the stable hooks
(`data-rating-average`, `data-rating-count`, `data-seller-verified`), JSON-LD, the review form only for the
signed-in buyer of a delivered line, forged posts refused, the rating sort, the producer's reply page, and
constant SQL query counts whatever the number of reviews."""

import json
import re

import pytest
from django.test import Client

from marketplace.orders.models import OrderStatus
from marketplace.reviews.models import Review
from marketplace.reviews.services import producer_rating_create, review_hide, review_reply
from tests.factories import MembershipFactory, ProducerFactory, StaffFactory, UserFactory
from tests.factories.orders import buyable_variant
from tests.factories.portal import image_bytes, upload
from tests.factories.reviews import bought_line, reviewed

pytestmark = pytest.mark.django_db

PRODUCT_PAGE_QUERIES = 5  # test_pages.py: product with relations + 3 prefetches, related cards
SHIPPING_ESTIMATE_QUERIES = 3  # tests/storefront/test_pages.py too
REVIEWS_QUERIES = 2  # the page of reviews + their photos, only when the product has reviews


@pytest.fixture
def producer():
    return ProducerFactory(name="HTX Cà phê Bích Thao", slug="bich-thao")


@pytest.fixture
def variant(producer):
    return buyable_variant(producer=producer, quantity=200, name="Cà phê Arabica", slug="arabica")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def json_ld(html: str) -> dict:
    return json.loads(
        re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S).group(1)
    )


def test_product_page_shows_the_rating_reviews_reply_and_json_ld(client, variant):
    member = MembershipFactory(producer=variant.product.producer).user
    first = reviewed(
        buyer=UserFactory(first_name="Lan"), stars=5, text="<script>alert(1)</script> Ngon", variant=variant
    )
    reviewed(buyer=UserFactory(), stars=4, variant=variant)
    hidden = reviewed(buyer=UserFactory(), stars=1, text="Spam spam", variant=variant)
    review_hide(review=hidden, by=StaffFactory(is_superuser=True), reason="Spam")
    review_reply(review=first, by=member, text="Cảm ơn chị Lan!")

    html = client.get("/products/arabica/").content.decode()
    assert 'data-rating-average="4.5" data-rating-count="2"' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Ngon" in html and "<script>alert(1)" not in html
    assert "Cảm ơn chị Lan!" in html
    assert "Spam spam" not in html
    assert json_ld(html)["aggregateRating"] == {
        "@type": "AggregateRating",
        "ratingValue": "4.5",
        "reviewCount": 2,
        "bestRating": 5,
        "worstRating": 1,
    }
    cards = client.get("/products/").content.decode()
    assert 'data-rating-average="4.5" data-rating-count="2"' in cards


def test_without_reviews_there_is_no_rating_anywhere(client, variant):
    for url in ("/products/arabica/", "/products/", "/producers/bich-thao/"):
        html = client.get(url).content.decode()
        assert "data-rating-average" not in html and "data-rating-count" not in html, url
    assert "aggregateRating" not in json_ld(client.get("/products/arabica/").content.decode())


def test_seller_block_says_whether_the_seller_is_verified_with_decree_85_information(client, variant):
    html = client.get("/products/arabica/").content.decode()
    assert 'data-seller-verified="true"' in html
    producer = variant.product.producer
    assert f"<dd data-seller-registration-code>{producer.verified_code} (Mã số thuế)</dd>" in html
    assert 'data-seller-verified="true"' in client.get("/producers/bich-thao/").content.decode()

    unverified = ProducerFactory(
        slug="chua-xac-minh", verified_at=None, verified_document="", verified_code=""
    )
    assert 'data-seller-verified="false"' in client.get("/producers/chua-xac-minh/").content.decode()
    assert unverified.products.count() == 0


def test_producer_page_shows_its_products_reviews_and_the_buyers_rating_of_the_seller(client, variant):
    for stars in (5, 4, 4):
        buyer = UserFactory()
        line = bought_line(buyer=buyer, variant=variant)
        producer_rating_create(part=line.part, by=buyer, stars=stars)
    html = client.get("/producers/bich-thao/").content.decode()
    assert 'data-seller-rating-average="4.3" data-seller-rating-count="3"' in html
    assert "data-rating-average" not in html  # no product reviews yet
    reviewed(buyer=UserFactory(), stars=4, variant=variant)
    reviewed(buyer=UserFactory(), stars=5, variant=variant)
    html = client.get("/producers/bich-thao/").content.decode()
    assert 'data-rating-average="4.5" data-rating-count="2"' in html


@pytest.mark.parametrize("reviews", [1, 12])
def test_product_page_queries_do_not_grow_with_reviews(client, variant, reviews, django_assert_num_queries):
    for n in range(reviews):
        buyer = UserFactory()
        photos = [upload(image_bytes("PNG"), "a.png", "image/png")] if n % 2 == 0 else []
        from marketplace.reviews.services import review_create

        review_create(
            line=bought_line(buyer=buyer, variant=variant), by=buyer, stars=5, text="Ngon", photos=photos
        )
    with django_assert_num_queries(PRODUCT_PAGE_QUERIES + SHIPPING_ESTIMATE_QUERIES + REVIEWS_QUERIES):
        assert client.get("/products/arabica/").status_code == 200


@pytest.mark.parametrize("rated", [1, 15])
def test_the_rating_sort_runs_constant_queries(client, producer, rated, django_assert_num_queries):
    for n in range(rated):
        reviewed(buyer=UserFactory(), stars=1 + n % 5, variant=buyable_variant(producer=producer))
    with django_assert_num_queries(3):  # categories, search (ids + facets), cards: as every listing
        assert client.get("/products/?sort=rating").status_code == 200


def test_the_review_form_is_only_for_the_signed_in_buyer_of_a_delivered_line(client, variant):
    buyer, waiting, stranger = UserFactory(), UserFactory(), UserFactory()
    member = MembershipFactory(producer=variant.product.producer).user
    line = bought_line(buyer=buyer, variant=variant)
    bought_line(buyer=waiting, variant=variant, status=OrderStatus.SHIPPED)
    bought_line(buyer=member, variant=variant)  # the seller's own member bought it
    assert f'data-review-form="{line.pk}"' in signed_in(buyer).get("/products/arabica/").content.decode()
    for who in (client, signed_in(waiting), signed_in(stranger), signed_in(member)):
        assert "data-review-form" not in who.get("/products/arabica/").content.decode()


def test_a_forged_post_is_refused_and_changes_nothing(client, variant):
    line = bought_line(buyer=UserFactory(), variant=variant)
    url = f"/reviews/lines/{line.pk}/"
    anonymous = client.post(url, {"stars": 5, "text": "Giả"})
    assert anonymous.status_code == 302 and "/account/login/" in anonymous["Location"]
    stranger = signed_in(UserFactory()).post(url, {"stars": 5, "text": "Giả"})
    assert stranger.status_code == 403
    assert "data-review-refused" in stranger.content.decode()
    member = signed_in(MembershipFactory(producer=variant.product.producer).user).post(url, {"stars": 5})
    assert member.status_code == 403
    assert signed_in(UserFactory()).post("/reviews/lines/999999/", {"stars": 5}).status_code == 404
    assert not Review.objects.exists()


def test_the_buyer_posts_a_review_with_a_photo(variant):
    buyer = UserFactory()
    line = bought_line(buyer=buyer, variant=variant)
    photo = upload(image_bytes("JPEG"), "anh.jpg", "image/jpeg")
    response = signed_in(buyer).post(
        f"/reviews/lines/{line.pk}/", {"stars": 4, "text": "Thơm", "photos": [photo]}
    )
    assert response.status_code == 302 and response["Location"] == "/products/arabica/#reviews-title"
    review = Review.objects.get()
    assert (review.stars, review.text, review.photos.count()) == (4, "Thơm", 1)
    again = signed_in(buyer).post(f"/reviews/lines/{line.pk}/", {"stars": 1}, follow=True)
    assert "Bạn đã đánh giá sản phẩm này." in again.content.decode()
    assert Review.objects.get().stars == 4


def test_shoppers_report_a_review(variant):
    review = reviewed(buyer=UserFactory(), variant=variant)
    reporter = signed_in(UserFactory())
    assert reporter.post(f"/reviews/{review.pk}/report/", {"reason": "Quảng cáo"}).status_code == 302
    assert review.reports.count() == 1
    assert Client().post(f"/reviews/{review.pk}/report/", {"reason": "x"}).status_code == 302  # to sign in
    assert review.reports.count() == 1


def test_listing_sorts_by_rating(client, producer):
    low = buyable_variant(producer=producer, name="Thấp", slug="thap")
    high = buyable_variant(producer=producer, name="Cao", slug="cao")
    buyable_variant(producer=producer, name="Chưa đánh giá", slug="chua")
    reviewed(buyer=UserFactory(), stars=3, variant=low)
    reviewed(buyer=UserFactory(), stars=5, variant=high)
    html = client.get("/products/?sort=rating").content.decode()
    assert re.findall(r'<article class="card" data-product-slug="([^"]+)"', html) == ["cao", "thap", "chua"]
    html = client.get("/search/?q=bich+thao&sort=rating").content.decode()
    assert re.findall(r'<article class="card" data-product-slug="([^"]+)"', html) == ["cao", "thap", "chua"]


def test_the_producer_replies_from_its_portal_and_others_cannot(variant):
    review = reviewed(buyer=UserFactory(), variant=variant, text="Giao hơi chậm")
    member = MembershipFactory(producer=variant.product.producer).user
    portal = signed_in(member)
    page = portal.get("/seller/bich-thao/reviews/").content.decode()
    assert "Giao hơi chậm" in page
    response = portal.post(f"/seller/bich-thao/reviews/{review.pk}/reply/", {"reply_text": "Xin lỗi anh"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.reply_text == "Xin lỗi anh"

    outsider = MembershipFactory()
    other = signed_in(outsider.user)
    url = f"/seller/{outsider.producer.slug}/reviews/{review.pk}/reply/"
    assert other.post(url, {"reply_text": "Chen ngang"}).status_code == 404
    assert other.post(f"/seller/bich-thao/reviews/{review.pk}/reply/", {"reply_text": "x"}).status_code == 404
    review.refresh_from_db()
    assert review.reply_text == "Xin lỗi anh"


def test_the_account_lists_what_the_buyer_may_still_review_and_rate(variant):
    buyer = UserFactory()
    line = bought_line(buyer=buyer, variant=variant)
    html = signed_in(buyer).get("/account/reviews/").content.decode()
    assert f'data-reviewable-line="{line.pk}"' in html and f'data-ratable-part="{line.part.pk}"' in html
    response = signed_in(buyer).post(f"/reviews/parts/{line.part.pk}/rate/", {"stars": 5})
    assert response.status_code == 302
    assert variant.product.producer.ratings.get().stars == 5
    assert (
        f'data-ratable-part="{line.part.pk}"'
        not in signed_in(buyer).get("/account/reviews/").content.decode()
    )
