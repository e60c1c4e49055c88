"""In a real browser at 360 and 1280 pixels: a shopper who received an order reviews it with a photo, the
producer replies from its portal and the reply shows on the product page; a shopper who did not buy sees
no review form, and a forged POST from their session is refused."""

import re

import pytest

from marketplace.reviews.models import Review
from tests.factories import MembershipFactory, ProducerFactory, UserFactory
from tests.factories.orders import buyable_variant
from tests.factories.portal import image_bytes
from tests.factories.reviews import bought_line


def _sign_in(page, email: str, then: str) -> None:
    page.goto(f"{page.base_url}/account/login/?next={then}")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill("pass-word-123")  # tests.factories.UserFactory's password
    page.locator("form.auth-form button[type=submit]").click()
    page.wait_for_url(re.compile(re.escape(then) + "$"))


def _new_page(page, width: int):
    context = page.context.browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
    context.set_default_timeout(10_000)
    other = context.new_page()
    other.base_url = page.base_url
    return other


def _fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [360, 1280])
def test_a_buyer_reviews_the_producer_replies_and_a_stranger_cannot_review(page, screenshot, width):
    page.set_viewport_size({"width": width, "height": 900})
    producer = ProducerFactory(name="HTX Cà phê Bích Thao", slug="bich-thao")
    variant = buyable_variant(producer=producer, quantity=20, name="Cà phê Arabica Sơn La", slug="arabica")
    buyer = UserFactory(email="mai@example.vn", first_name="Mai", last_name="Lê")
    MembershipFactory(producer=producer, user=UserFactory(email="chu@bichthao.vn"))
    UserFactory(email="la@example.vn")
    line = bought_line(buyer=buyer, variant=variant)

    # The buyer: the form on the product page, four stars, a text and a photo.
    _sign_in(page, "mai@example.vn", "/products/arabica/")
    form = page.locator(f'[data-review-form="{line.pk}"]')
    form.locator("input[name=stars][value='4']").check()
    form.locator("textarea[name=text]").fill("Cà phê thơm, <b>rang vừa</b>. Sẽ mua lại!")
    form.locator("input[name=photos]").set_input_files(
        [{"name": "ly.png", "mimeType": "image/png", "buffer": image_bytes("PNG", (400, 300), (90, 50, 20))}]
    )
    _fits(page, width)
    screenshot(page, f"form-{width}")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/products/arabica/#reviews-title$"))
    rating = page.locator(".product-rating [data-rating-average]")
    assert (rating.get_attribute("data-rating-average"), rating.get_attribute("data-rating-count")) == (
        "4.0",
        "1",
    )
    review = Review.objects.get()
    shown = page.locator(f'[data-review-id="{review.pk}"]')
    assert "Cà phê thơm, <b>rang vừa</b>. Sẽ mua lại!" in shown.inner_text()  # text, not markup
    assert shown.locator(".review-photos img").count() == 1
    assert page.locator("[data-review-form]").count() == 0  # one review per line

    # The producer replies from its portal.
    seller = _new_page(page, width)
    _sign_in(seller, "chu@bichthao.vn", "/seller/bich-thao/reviews/")
    seller.locator(f'[data-review-id="{review.pk}"] textarea[name=reply_text]').fill("Cảm ơn chị Mai!")
    seller.locator(f'[data-review-id="{review.pk}"] button[type=submit]').click()
    seller.wait_for_url(re.compile(r"/seller/bich-thao/reviews/$"))
    _fits(seller, width)
    seller.context.close()

    page.reload()
    assert (
        page.locator(f'[data-review-id="{review.pk}"] [data-review-reply]')
        .inner_text()
        .endswith("Cảm ơn chị Mai!")
    )
    _fits(page, width)
    screenshot(page, f"replied-{width}")

    # A shopper who did not buy: no form, and a forged POST with a valid CSRF token is refused.
    stranger = _new_page(page, width)
    _sign_in(stranger, "la@example.vn", "/products/arabica/")
    assert stranger.locator("[data-review-form]").count() == 0
    token = stranger.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    forged = stranger.request.post(
        f"{page.base_url}/reviews/lines/{line.pk}/",
        form={"csrfmiddlewaretoken": token, "stars": "1", "text": "Tệ"},
        headers={"Referer": f"{page.base_url}/products/arabica/"},
        max_redirects=0,
    )
    assert forged.status == 403
    assert "Chỉ người mua đơn hàng này mới có thể đánh giá." in forged.text()
    stranger.context.close()
    assert Review.objects.count() == 1
