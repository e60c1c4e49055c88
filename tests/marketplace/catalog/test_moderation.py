"""Staff hide a product: gone from the storefront at once, the producer is e-mailed the reason after commit,
and the admin audit list shows who, when and why."""

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from marketplace.catalog.models import ProductModeration
from marketplace.catalog.services import product_hide, product_unhide
from tests.factories import ProducerFactory, visible_product
from tests.factories.portal import member_of


@pytest.fixture
def product(db):
    producer = ProducerFactory(name="HTX Cà phê Bích Thao", slug="bich-thao", email="htx@bichthao.vn")
    member_of(producer, email="owner@bichthao.vn")
    member_of(producer, email="Staff@BichThao.vn", role="staff")
    return visible_product(name="Cà phê Robusta rang xay", slug="robusta", producer=producer)


def _hide_through_admin(staff_client, product, reason):
    return staff_client.post(
        "/admin/catalog/product/",
        {"action": "hide_products", "_selected_action": [product.pk], "apply": "1", "reason": reason},
    )


def test_hidden_product_vanishes_from_storefront_at_once(product, staff, staff_client, client):
    assert client.get("/").content.decode().count('data-product-slug="robusta"') == 1
    assert client.get("/products/robusta/").status_code == 200
    response = _hide_through_admin(staff_client, product, "Nhãn ghi sai hạng sao")
    assert response.status_code == 302
    assert 'data-product-slug="robusta"' not in client.get("/").content.decode()
    assert client.get("/products/robusta/").status_code == 404
    assert 'data-product-slug="robusta"' not in client.get("/producers/bich-thao/").content.decode()
    # The producer still sees it in the portal, flagged.
    owner = Client()
    owner.force_login(product.producer.memberships.get(user__email="owner@bichthao.vn").user)
    portal = owner.get("/seller/bich-thao/products/").content.decode()
    assert 'data-shopper-status="hidden"' in portal


PRODUCTS_QUERY = """
query { products(first: 20, channel: "default-channel") { totalCount edges { node { slug } } } }
"""


def _everywhere(client) -> dict[str, bool]:
    """Where a shopper (or an API client) finds the product, list by list."""
    import json

    api = client.post(
        "/graphql/", data=json.dumps({"query": PRODUCTS_QUERY}), content_type="application/json"
    ).json()
    return {
        "home": 'data-product-slug="robusta"' in client.get("/").content.decode(),
        "listing": 'data-product-slug="robusta"' in client.get("/products/").content.decode(),
        "search": 'data-product-slug="robusta"' in client.get("/search/?q=robusta").content.decode(),
        "category": 'data-product-slug="robusta"' in client.get("/categories/do-uong/").content.decode(),
        "producer": 'data-product-slug="robusta"' in client.get("/producers/bich-thao/").content.decode(),
        "sitemap": "/products/robusta/" in client.get("/sitemap.xml").content.decode(),
        "api": [edge["node"]["slug"] for edge in api["data"]["products"]["edges"]] == ["robusta"],
        "page": client.get("/products/robusta/").status_code == 200,
    }


def test_hidden_product_vanishes_from_lists_search_sitemap_and_api(product, staff_client, client):
    assert set(_everywhere(client).values()) == {True}
    _hide_through_admin(staff_client, product, "Nhãn ghi sai hạng sao")
    assert _everywhere(client) == dict.fromkeys(_everywhere(client), False)
    assert client.get("/products/robusta/").status_code == 404
    staff_client.post(
        "/admin/catalog/product/", {"action": "unhide_products", "_selected_action": [product.pk]}
    )
    assert set(_everywhere(client).values()) == {True}


def test_audit_list_shows_who_when_why(product, staff, staff_client):
    before = timezone.now()
    _hide_through_admin(staff_client, product, "Nhãn ghi sai hạng sao")
    moderation = ProductModeration.objects.get()
    assert (moderation.product_id, moderation.hidden_by_id, moderation.reason) == (
        product.pk,
        staff.pk,
        "Nhãn ghi sai hạng sao",
    )
    assert before <= moderation.hidden_at <= timezone.now()
    page = staff_client.get("/admin/catalog/productmoderation/").content.decode()
    assert "Nhãn ghi sai hạng sao" in page
    assert "staff@example.vn" in page
    assert "Cà phê Robusta rang xay" in page
    assert timezone.localtime(moderation.hidden_at).strftime("%Y") in page


def test_hide_without_reason_is_refused_and_changes_nothing(product, staff_client, client):
    response = _hide_through_admin(staff_client, product, "   ")
    assert response.status_code == 200  # the reason form again
    assert ProductModeration.objects.count() == 0
    assert client.get("/products/robusta/").status_code == 200


def test_producer_is_emailed_the_reason_after_commit(product, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        product_hide(product=product, by=staff, reason="Thiếu giấy chứng nhận ATTP")
    assert mail.outbox == []  # nothing is sent before the hiding is committed
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["htx@bichthao.vn", "owner@bichthao.vn", "staff@bichthao.vn"]
    assert message.subject == (
        "[Chợ OCOP] Sản phẩm “Cà phê Robusta rang xay” đã bị ẩn / Product hidden by staff"
    )
    assert "Lý do: Thiếu giấy chứng nhận ATTP" in message.body
    assert "Reason: Thiếu giấy chứng nhận ATTP" in message.body


def test_no_email_when_the_hiding_was_undone_before_the_task_ran(
    product, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        product_hide(product=product, by=staff, reason="Nhầm lẫn")
        product_unhide(product=product, by=staff)
    callbacks[0]()  # the task runs late, after staff undid the hiding
    assert mail.outbox == []


def test_unhide_brings_it_back_and_keeps_the_audit(product, staff, staff_client, client):
    _hide_through_admin(staff_client, product, "Kiểm tra")
    staff_client.post(
        "/admin/catalog/product/", {"action": "unhide_products", "_selected_action": [product.pk]}
    )
    assert client.get("/products/robusta/").status_code == 200
    moderation = ProductModeration.objects.get()
    assert moderation.unhidden_by_id == staff.pk and moderation.unhidden_at is not None
