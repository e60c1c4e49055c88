import pytest

from marketplace.catalog.models import ProductModeration
from marketplace.catalog.selectors import products_visible_to_shoppers
from tests.factories import ModerationFactory, visible_product

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/catalog/product/"


def test_staff_hides_a_product_with_a_reason(staff_client, staff):
    product = visible_product()
    response = staff_client.post(
        CHANGELIST,
        {
            "action": "hide_products",
            "_selected_action": [product.pk],
            "apply": "1",
            "reason": "Hết hạn chứng nhận",
        },
    )
    assert response.status_code == 302
    moderation = ProductModeration.objects.get(product=product)
    assert (moderation.reason, moderation.hidden_by, moderation.unhidden_at) == (
        "Hết hạn chứng nhận",
        staff,
        None,
    )
    assert not products_visible_to_shoppers().filter(pk=product.pk).exists()


def test_hiding_without_a_reason_asks_for_one_and_changes_nothing(staff_client):
    product = visible_product()
    response = staff_client.post(
        CHANGELIST, {"action": "hide_products", "_selected_action": [product.pk], "apply": "1", "reason": ""}
    )
    assert response.status_code == 200
    assert "This field is required" in response.text or "bắt buộc" in response.text
    assert not ProductModeration.objects.exists()


def test_staff_unhides_and_the_audit_keeps_both(staff_client, staff):
    product = visible_product()
    ModerationFactory(product=product)
    response = staff_client.post(CHANGELIST, {"action": "unhide_products", "_selected_action": [product.pk]})
    assert response.status_code == 302
    moderation = ProductModeration.objects.get(product=product)
    assert moderation.unhidden_by == staff and moderation.unhidden_at is not None
    assert products_visible_to_shoppers().filter(pk=product.pk).exists()


def test_non_staff_cannot_hide(shopper_client):
    product = visible_product()
    response = shopper_client.post(
        CHANGELIST, {"action": "hide_products", "_selected_action": [product.pk], "apply": "1", "reason": "x"}
    )
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not ProductModeration.objects.exists()
