"""The portal's promo-code page (/seller/<slug>/vouchers/) and staff's voucher admin (issue 13)."""

import pytest
from django.utils import timezone

from marketplace.discounts.models import Voucher
from tests.factories import MembershipFactory, staff_with
from tests.factories.discounts import VoucherFactory

pytestmark = pytest.mark.django_db


def test_a_producer_lists_creates_and_stops_its_own_codes(client):
    member = MembershipFactory()
    other = VoucherFactory(code="CUA-NGUOI-KHAC", producer=MembershipFactory().producer)
    slug = member.producer.slug
    client.force_login(member.user)
    response = client.post(
        f"/seller/{slug}/vouchers/add/",
        {
            "code": "tet-2027",
            "name": "Tết 2027",
            "value_type": "percentage",
            "value": "15",
            "min_order_amount": "200000",
            "starts_on": "2027-01-20",
            "ends_on": "2027-02-10",
            "usage_limit": "100",
            "usage_limit_per_customer": "1",
        },
    )
    assert response.status_code == 302
    made = Voucher.objects.get(code="TET-2027")
    assert (made.producer_id, made.value, made.min_order_amount, made.usage_limit) == (
        member.producer.pk,
        15,
        200_000,
        100,
    )
    # The whole last day counts: it ends as 11 February begins.
    assert timezone.localtime(made.ends_at).isoformat().startswith("2027-02-11T00:00:00")
    html = client.get(f"/seller/{slug}/vouchers/").content.decode()
    assert 'data-voucher-code="TET-2027" data-voucher-active="1"' in html
    assert "CUA-NGUOI-KHAC" not in html
    assert "Mã giảm giá" in html

    refused = client.post(
        f"/seller/{slug}/vouchers/add/",
        {"code": "TET-2027", "value_type": "fixed", "value": "1000", "min_order_amount": "0"},
    )
    assert refused.status_code == 400
    assert "Mã này đã được dùng." in refused.content.decode()
    assert Voucher.objects.count() == 2

    assert client.post(f"/seller/{slug}/vouchers/{other.pk}/stop/").status_code == 404
    assert Voucher.objects.get(pk=other.pk).is_active is True
    assert client.post(f"/seller/{slug}/vouchers/{made.pk}/stop/").status_code == 302
    assert Voucher.objects.get(pk=made.pk).is_active is False


def test_staff_add_platform_vouchers_in_the_admin(client):
    staff = staff_with("discounts.add_voucher", "discounts.change_voucher", "discounts.view_voucher")
    client.force_login(staff)
    response = client.post(
        "/admin/discounts/voucher/add/",
        {
            "code": "SAN-TET",
            "name": "Chợ OCOP tặng",
            "value_type": "fixed",
            "value": "50000",
            "min_order_amount": "300000",
            "starts_at_0": "2027-01-01",
            "starts_at_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    made = Voucher.objects.get()
    assert (made.code, made.producer_id, made.created_by_id, made.value) == (
        "SAN-TET",
        None,
        staff.pk,
        50_000,
    )
    duplicate = client.post(
        "/admin/discounts/voucher/add/",
        {
            "code": "san-tet",
            "value_type": "fixed",
            "value": "1",
            "min_order_amount": "0",
            "starts_at_0": "2027-01-01",
            "starts_at_1": "00:00:00",
        },
    )
    assert duplicate.status_code == 200 and Voucher.objects.count() == 1
    client.post("/admin/discounts/voucher/", {"action": "deactivate", "_selected_action": [made.pk]})
    assert Voucher.objects.get().is_active is False
