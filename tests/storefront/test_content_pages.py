"""The pages a shop needs (content.Page seeded by migration 0003), the footer linking them, and the
operator's business registration from settings (Decree 52/2013)."""

import re

import pytest
from django.conf import settings

from marketplace.content.models import Page
from marketplace.core.html import sanitize_description
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

SHOP_PAGES = {
    "ocop-la-gi": "OCOP là gì?",
    "lien-he": "Liên hệ",
    "quy-che-hoat-dong": "Quy chế hoạt động",
    "chinh-sach-bao-mat": "Chính sách bảo mật thông tin",
    "chinh-sach-doi-tra": "Chính sách đổi trả và hoàn tiền",
    "chinh-sach-van-chuyen": "Chính sách vận chuyển",
}


def test_every_footer_link_opens_a_real_page(client):
    html = client.get("/").content.decode()
    footer = html[html.index("data-site-footer") :]
    links = re.findall(r'href="(/pages/[^"]+)"', footer)
    assert {f"/pages/{slug}/" for slug in SHOP_PAGES} <= set(links)
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, link
        assert 'data-content-page="' in response.content.decode()


@pytest.mark.parametrize(("slug", "title"), SHOP_PAGES.items())
def test_seeded_pages_have_their_title_and_clean_content(client, slug, title):
    page = Page.objects.get(slug=slug)
    assert page.title == title and page.is_published
    assert page.content == sanitize_description(page.content)  # what staff edits would store too
    assert len(page.content) > 600
    html = client.get(f"/pages/{slug}/").content.decode()
    assert f"<h1>{title}</h1>" in html


def test_returns_policy_quotes_the_return_window_the_money_code_enforces(client, settings):
    settings.MONEY_RETURN_WINDOW_DAYS = 10
    html = client.get("/pages/chinh-sach-doi-tra/").content.decode()
    assert "<strong>10 ngày</strong>" in html
    assert "[[" not in html
    assert "Nghị định 55/2024/NĐ-CP" in html


def test_shipping_policy_quotes_the_configured_fees(client):
    from marketplace.shipping.models import ShippingRate, ShippingSettings

    ShippingRate.objects.filter(fee_vnd=ShippingRate.objects.order_by("fee_vnd").first().fee_vnd).update(
        fee_vnd=12_000
    )
    ShippingSettings.objects.update_or_create(pk=1, defaults={"free_over_vnd": 400_000})
    html = client.get("/pages/chinh-sach-van-chuyen/").content.decode()
    assert "từ 12.000 ₫" in html and "400.000 ₫" in html


def test_unpublished_page_is_a_404(client):
    Page.objects.filter(slug="lien-he").update(is_published=False)
    response = client.get("/pages/lien-he/")
    assert response.status_code == 404
    assert 'data-error-page="404"' in response.content.decode()


def test_page_costs_one_query(client, django_assert_num_queries):
    client.get("/pages/lien-he/")
    with django_assert_num_queries(1):
        assert client.get("/pages/lien-he/").status_code == 200


def test_shipping_policy_reads_the_rate_table_once(client, django_assert_num_queries):
    with django_assert_num_queries(3):  # the page, the zones with their brackets, the default threshold
        assert client.get("/pages/chinh-sach-van-chuyen/").status_code == 200


def test_footer_shows_the_operator_registration_marked_as_demo_by_default(client):
    html = client.get("/products/").content.decode()
    operator = settings.PLATFORM_OPERATOR
    block = html[html.index("data-business-registration") :]
    keys = ("name", "registration_number", "registration_issuer", "registration_date", "address", "email")
    for key in keys:
        assert operator[key] in block, key
    assert 'data-demo="true"' in html and "dữ liệu mẫu" in block


def test_operators_set_their_own_registration(client, settings):
    settings.PLATFORM_OPERATOR = {
        "name": "Công ty Cổ phần Nông sản Việt",
        "registration_number": "0312345678",
        "registration_issuer": "Sở Kế hoạch và Đầu tư TP. Hồ Chí Minh",
        "registration_date": "15/03/2024",
        "address": "12 Lê Lợi, Quận 1, TP. Hồ Chí Minh",
        "phone": "028 3822 0000",
        "email": "hotro@nongsanviet.vn",
        "is_demo": False,
    }
    html = client.get("/").content.decode()
    assert "đăng ký doanh nghiệp số 0312345678 do Sở Kế hoạch và Đầu tư TP. Hồ Chí Minh cấp" in html
    assert 'href="tel:02838220000"' in html and 'href="mailto:hotro@nongsanviet.vn"' in html
    assert 'data-demo="true"' not in html and "dữ liệu mẫu" not in html


def test_staff_edit_a_page_in_the_admin_and_the_html_is_sanitised(client):
    staff = StaffFactory(is_superuser=True)
    client.force_login(staff)
    page = Page.objects.get(slug="lien-he")
    response = client.post(
        f"/admin/content/page/{page.pk}/change/",
        {
            "title": "Liên hệ",
            "slug": "lien-he",
            "content": '<p onclick="x()">Gọi <strong>0212</strong></p><script>alert(1)</script>',
            "is_published": "on",
            "seo_title": "",
            "seo_description": "",
            # the English translations inline, left empty
            "translations-TOTAL_FORMS": "0",
            "translations-INITIAL_FORMS": "0",
            "translations-MIN_NUM_FORMS": "0",
            "translations-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.content == "<p>Gọi <strong>0212</strong></p>"


def test_staff_edit_pages_with_the_description_editor(client):
    client.force_login(StaffFactory(is_superuser=True))
    page = Page.objects.get(slug="chinh-sach-doi-tra")
    html = client.get(f"/admin/content/page/{page.pk}/change/").content.decode()
    assert "data-richtext" in html
    assert '<script src="/static/storefront/richtext.js" defer></script>' in html
