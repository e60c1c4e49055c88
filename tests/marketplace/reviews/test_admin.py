"""Staff work through the admin (issue 16): verify and suspend sellers, hide reviews, record and handle
takedowns. Each action asks for its input on a page, calls the service, and leaves an audit trail; a staff
user without the permission gets a refusal per object and nothing changes."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from marketplace.catalog.models import TakedownRequest, TakedownStatus
from marketplace.catalog.selectors import products_visible_to_shoppers
from marketplace.producers.models import Producer, SellerEvent
from marketplace.reviews.models import Review, ReviewEvent
from tests.factories import ProducerFactory, StaffFactory, UserFactory, visible_product
from tests.factories.reviews import reviewed

pytestmark = pytest.mark.django_db


def admin_client(*permissions: str) -> Client:
    """A staff user who may use the admin for producers, reviews and takedowns, plus `permissions`."""
    user = StaffFactory()
    wanted = {"view_producer", "change_producer", "view_review", "change_review", *permissions}
    user.user_permissions.set(Permission.objects.filter(codename__in=wanted))
    client = Client()
    client.force_login(user)
    return client


def act(client: Client, changelist: str, action: str, objects, **fields):
    data = {"action": action, "_selected_action": [obj.pk for obj in objects], "apply": "1", **fields}
    return client.post(changelist, data)


def test_staff_verify_a_seller_and_it_is_audited():
    producer = ProducerFactory(verified_at=None, verified_document="", verified_code="")
    page = admin_client("verify_producer").post(
        "/admin/producers/producer/", {"action": "verify_sellers", "_selected_action": [producer.pk]}
    )
    assert page.status_code == 200 and 'name="code"' in page.text  # asks for the document first
    response = act(
        admin_client("verify_producer"),
        "/admin/producers/producer/",
        "verify_sellers",
        [producer],
        document="tax_code",
        code="0101234567",
    )
    assert response.status_code == 302
    assert Producer.objects.get(pk=producer.pk).verified_code == "0101234567"
    assert SellerEvent.objects.get(producer=producer).kind == "verified"


def test_staff_without_the_permission_verify_nothing():
    producer = ProducerFactory(verified_at=None, verified_document="", verified_code="")
    response = act(
        admin_client(),
        "/admin/producers/producer/",
        "verify_sellers",
        [producer],
        document="tax_code",
        code="0101234567",
    )
    assert response.status_code == 302
    assert Producer.objects.get(pk=producer.pk).verified_at is None
    assert not SellerEvent.objects.exists()


def test_staff_suspend_a_seller_and_its_products_leave_the_shop():
    product = visible_product()
    response = act(
        admin_client("suspend_producer"),
        "/admin/producers/producer/",
        "suspend_sellers",
        [product.producer],
        reason="Hàng giả",
    )
    assert response.status_code == 302
    assert not products_visible_to_shoppers().filter(pk=product.pk).exists()
    assert Producer.objects.get(pk=product.producer_id).suspension_reason == "Hàng giả"


def test_staff_hide_a_review_with_a_reason():
    review = reviewed(buyer=UserFactory(), stars=1, text="Spam")
    assert (
        act(
            admin_client("moderate_review"), "/admin/reviews/review/", "hide_reviews", [review], reason="Spam"
        ).status_code
        == 302
    )
    assert Review.objects.get(pk=review.pk).hidden_reason == "Spam"
    assert ReviewEvent.objects.get(review=review).reason == "Spam"
    # Without the permission: refused, nothing changes.
    other = reviewed(buyer=UserFactory())
    act(admin_client(), "/admin/reviews/review/", "hide_reviews", [other], reason="Spam")
    assert Review.objects.get(pk=other.pk).hidden_at is None
    # Reviews are not added or deleted by staff.
    staff = admin_client("moderate_review", "add_review", "delete_review")
    assert staff.get("/admin/reviews/review/add/").status_code == 403
    assert staff.get(f"/admin/reviews/review/{review.pk}/change/").status_code == 200


def test_staff_record_and_handle_a_takedown_in_the_admin():
    product = visible_product(name="Mật ong rừng")
    staff = admin_client(
        "add_takedownrequest", "change_takedownrequest", "view_takedownrequest", "view_product"
    )
    response = staff.post(
        "/admin/catalog/takedownrequest/add/",
        {
            "product": product.pk,
            "requester": "Cục Quản lý thị trường",
            "requester_contact": "",
            "reference": "CV 88/QLTT",
            "reason": "Nghi giả mạo nhãn hiệu",
        },
    )
    assert response.status_code == 302, response.text
    takedown = TakedownRequest.objects.get()
    assert (takedown.status, takedown.recorded_by.is_staff) == (TakedownStatus.OPEN, True)
    act(staff, "/admin/catalog/takedownrequest/", "remove_products", [takedown], note="Đã xác minh")
    takedown.refresh_from_db()
    assert takedown.status == TakedownStatus.REMOVED and takedown.moderation is not None
    assert not products_visible_to_shoppers().filter(pk=product.pk).exists()
    assert staff.get(f"/admin/catalog/takedownrequest/{takedown.pk}/change/").status_code == 200


def test_staff_cannot_type_a_rating_into_a_product(staff_client):
    product = visible_product()
    page = staff_client.get(f"/admin/catalog/product/{product.pk}/change/").text
    assert 'name="rating_count"' not in page and 'name="rating_average"' not in page
