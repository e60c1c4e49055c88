"""Reviews in the API (issue 16): Product.rating (buyers' average, one decimal), Product.reviews, the RATING
sort, and Producer.isVerified; the pages and the API agree."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace.reviews.services import review_create, review_hide, review_reply
from tests.factories import MembershipFactory, StaffFactory, UserFactory
from tests.factories.orders import buyable_variant
from tests.factories.portal import image_bytes, upload
from tests.factories.reviews import bought_line, reviewed

pytestmark = pytest.mark.django_db

PRODUCT = """query($slug: String!) {
  product(slug: $slug, channel: "default-channel") {
    rating
    producer { isVerified verifiedRegistrationCode }
    reviews(first: 10) {
      totalCount
      edges { node { rating text authorName photos { url } reply { text } } }
    }
  }
}"""


def test_product_rating_and_reviews(api):
    variant = buyable_variant(quantity=50, slug="mat-ong")
    member = MembershipFactory(producer=variant.product.producer).user
    buyer = UserFactory(first_name="Hà", last_name="Trần")
    photo = upload(image_bytes("PNG"), "a.png", "image/png")
    first = review_create(
        line=bought_line(buyer=buyer, variant=variant), by=buyer, stars=5, text="Ngọt", photos=[photo]
    )
    review_reply(review=first, by=member, text="Cảm ơn anh")
    reviewed(buyer=UserFactory(), stars=4, text="Ổn", variant=variant)
    hidden = reviewed(buyer=UserFactory(), stars=1, variant=variant)
    review_hide(review=hidden, by=StaffFactory(is_superuser=True), reason="Spam")

    product = api.data(PRODUCT, {"slug": "mat-ong"})["product"]
    assert product["rating"] == 4.5
    assert product["producer"] == {
        "isVerified": True,
        "verifiedRegistrationCode": variant.product.producer.verified_code,
    }
    assert product["reviews"]["totalCount"] == 2
    nodes = [edge["node"] for edge in product["reviews"]["edges"]]
    assert [(n["rating"], n["text"], n["authorName"]) for n in nodes] == [
        (4, "Ổn", "Khách hàng"),
        (5, "Ngọt", "Hà T."),
    ]
    assert nodes[1]["reply"] == {"text": "Cảm ơn anh"} and nodes[0]["reply"] is None
    assert len(nodes[1]["photos"]) == 1 and nodes[1]["photos"][0]["url"].startswith(
        "http://testserver/media/reviews/"
    )


def test_without_reviews_rating_is_null(api):
    buyable_variant(slug="moi")
    product = api.data(PRODUCT, {"slug": "moi"})["product"]
    assert (product["rating"], product["reviews"]["totalCount"]) == (None, 0)


@pytest.mark.parametrize("reviews", [1, 8])
def test_review_queries_do_not_grow_with_reviews(api, reviews):
    variant = buyable_variant(quantity=50, slug="mat-ong")
    for _ in range(reviews):
        reviewed(buyer=UserFactory(), variant=variant)
    with CaptureQueriesContext(connection) as queries:
        api.data(PRODUCT, {"slug": "mat-ong"})
    # product, producer, count, the page of reviews, their photos
    assert len(queries) == 5


def test_rating_sort_puts_the_best_rated_first_and_unrated_last(api):
    low, high, unrated = (buyable_variant(slug=slug) for slug in ("thap", "cao", "chua"))
    reviewed(buyer=UserFactory(), stars=3, variant=low)
    reviewed(buyer=UserFactory(), stars=5, variant=high)
    reviewed(buyer=UserFactory(), stars=5, variant=high)
    query = """query($direction: OrderDirection!) {
      products(first: 10, sortBy: {field: RATING, direction: $direction}) {
        edges { node { slug rating } } } }"""

    def run(direction):
        return [
            (e["node"]["slug"], e["node"]["rating"])
            for e in api.data(query, {"direction": direction})["products"]["edges"]
        ]

    assert run("DESC") == [("cao", 5.0), ("thap", 3.0), ("chua", None)]
    assert run("ASC") == [("thap", 3.0), ("cao", 5.0), ("chua", None)]
    assert unrated.product.rating_count == 0
