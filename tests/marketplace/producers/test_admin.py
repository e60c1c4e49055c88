"""The staff admin writes producers, their members and content pages through the services, as staff."""

import pytest
from django.test import Client

from marketplace.content.models import Page
from marketplace.producers.models import MembershipRole, Producer, ProducerMembership
from tests.factories import MembershipFactory, ProducerFactory, UserFactory, staff_with

pytestmark = pytest.mark.django_db


def _inline_management(prefix: str, total: int = 0, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def _producer_form(producer=None, **overrides) -> dict:
    data = {
        "name": "HTX Chè Tà Xùa",
        "slug": "htx-che-ta-xua",
        "kind": "cooperative",
        "registration_code": "5500123456",
        "address": "xã Tà Xùa, Sơn La",
        "commune": "Tà Xùa",
        "province": "son-la",
        "province_as_written": "",
        "description": "Chè Shan tuyết",
        "contact_name": "",
        "phone": "",
        "email": "taxua@example.vn",
        "website": "",
        **_inline_management("memberships"),
        **_inline_management("photos"),
    }
    return data | overrides


MEMBERS = (
    "producers.add_producermembership",
    "producers.change_producermembership",
    "producers.delete_producermembership",
    "producers.view_producermembership",
)


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_staff_creates_a_producer_and_adds_a_member_through_the_services():
    staff = staff_with(
        "producers.add_producer", "producers.change_producer", "producers.view_producer", *MEMBERS
    )
    member = UserFactory(email="owner@taxua.vn")
    data = _producer_form(
        **_inline_management("memberships", total=1),
        **{"memberships-0-user": member.pk, "memberships-0-role": MembershipRole.OWNER},
    )
    response = _login(staff).post("/admin/producers/producer/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    producer = Producer.objects.get(slug="htx-che-ta-xua")
    assert (producer.registration_code, producer.email, producer.province) == (
        "5500123456",
        "taxua@example.vn",
        "son-la",
    )
    assert list(ProducerMembership.objects.values_list("producer_id", "user_id", "role")) == [
        (producer.pk, member.pk, MembershipRole.OWNER)
    ]


def test_staff_removes_a_member_through_the_services():
    staff = staff_with("producers.change_producer", "producers.view_producer", *MEMBERS)
    membership = MembershipFactory(producer=ProducerFactory(slug="htx-che-ta-xua", name="HTX Chè Tà Xùa"))
    producer = membership.producer
    data = _producer_form(
        **_inline_management("memberships", total=1, initial=1),
        **{
            "memberships-0-id": membership.pk,
            "memberships-0-producer": producer.pk,
            "memberships-0-user": membership.user_id,
            "memberships-0-role": membership.role,
            "memberships-0-DELETE": "on",
        },
    )
    response = _login(staff).post(f"/admin/producers/producer/{producer.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not ProducerMembership.objects.exists()
    assert Producer.objects.get(pk=producer.pk).registration_code == "5500123456"


def test_a_producer_member_who_is_staff_without_the_permission_changes_nothing():
    membership = MembershipFactory(user=staff_with("producers.view_producer"))
    producer = membership.producer
    before = list(Producer.objects.filter(pk=producer.pk).values())
    response = _login(membership.user).post(
        f"/admin/producers/producer/{producer.pk}/change/", _producer_form(name="Đổi tên")
    )
    assert response.status_code == 403
    assert list(Producer.objects.filter(pk=producer.pk).values()) == before


def test_staff_page_content_is_sanitised_through_the_service():
    staff = staff_with("content.add_page", "content.change_page", "content.view_page")
    data = {
        "title": "Giới thiệu",
        "slug": "gioi-thieu",
        "content": '<p>Chợ OCOP<script>alert(1)</script><img src=x onerror="alert(2)"></p>',
        "seo_title": "",
        "seo_description": "",
        "is_published": "on",
    }
    client = _login(staff)
    assert client.post("/admin/content/page/add/", data).status_code == 302
    page = Page.objects.get(slug="gioi-thieu")
    assert page.content == "<p>Chợ OCOP</p>"
    data["content"] = "<p>Mới<script>x</script></p>"
    assert client.post(f"/admin/content/page/{page.pk}/change/", data).status_code == 302
    assert Page.objects.get(pk=page.pk).content == "<p>Mới</p>"
