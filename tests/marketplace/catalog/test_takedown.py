"""Takedown on request (issue 16): recorded with who asked and why, handled once; a removal is a staff
hiding, so the one visibility rule takes the product off every page, search and the API at once."""

import pytest
from django.core.exceptions import ValidationError

from marketplace.catalog.models import ProductModeration, TakedownStatus
from marketplace.catalog.selectors import products_visible_to_shoppers
from marketplace.catalog.services import takedown_handle, takedown_record
from marketplace.search.models import ProductDocument
from tests.factories import StaffFactory, visible_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return StaffFactory(is_superuser=True)


def record(product, staff):
    return takedown_record(
        product=product,
        by=staff,
        requester="Sở Công Thương Sơn La",
        requester_contact="soct@sonla.gov.vn",
        reference="Công văn 345/SCT-QLTM",
        reason="Sản phẩm ghi sai số công bố",
    )


def test_a_removal_hides_the_product_everywhere_at_once_with_an_audit_trail(staff, client):
    product = visible_product(slug="mat-ong")
    takedown = record(product, staff)
    assert takedown.status == TakedownStatus.OPEN
    assert product in products_visible_to_shoppers()  # recording alone removes nothing

    takedown = takedown_handle(takedown=takedown, by=staff, remove=True, note="Đã đối chiếu hồ sơ")
    assert (takedown.status, takedown.handled_by_id) == (TakedownStatus.REMOVED, staff.pk)
    hiding = ProductModeration.objects.get(product=product)
    assert takedown.moderation == hiding
    assert hiding.reason == (
        "Gỡ theo yêu cầu Công văn 345/SCT-QLTM (Sở Công Thương Sơn La): Đã đối chiếu hồ sơ"
    )
    assert product not in products_visible_to_shoppers()
    assert not ProductDocument.objects.filter(product_id=product.pk).exists()
    assert client.get("/products/mat-ong/").status_code == 404

    with pytest.raises(ValidationError):
        takedown_handle(takedown=takedown, by=staff, remove=False, note="Đổi ý")


def test_a_removal_of_an_already_hidden_product_cites_the_open_hiding(staff):
    product = visible_product()
    from marketplace.catalog.services import product_hide

    hiding = product_hide(product=product, by=staff, reason="Kiểm tra chất lượng")
    takedown = takedown_handle(takedown=record(product, staff), by=staff, remove=True, note="Đã ẩn trước đó")
    assert takedown.moderation == hiding
    assert ProductModeration.objects.count() == 1


def test_a_rejected_request_leaves_the_product_listed(staff):
    product = visible_product()
    takedown = takedown_handle(
        takedown=record(product, staff), by=staff, remove=False, note="Không đủ căn cứ"
    )
    assert (takedown.status, takedown.moderation) == (TakedownStatus.REJECTED, None)
    assert product in products_visible_to_shoppers()


@pytest.mark.parametrize("field", ["requester", "reference", "reason"])
def test_a_request_needs_who_asked_a_reference_and_a_reason(staff, field):
    product = visible_product()
    values = {"requester": "Người tiêu dùng", "reference": "E-mail 4/12", "reason": "Sai nhãn", field: " "}
    with pytest.raises(ValidationError):
        takedown_record(product=product, by=staff, **values)
    assert not product.takedown_requests.exists()
