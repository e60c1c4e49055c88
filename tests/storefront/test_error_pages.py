"""404, 410 and 500 in the site's layout and language, with DEBUG off (the production answer)."""

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, RequestFactory

from storefront.error_views import server_error
from tests.factories import ModerationFactory, ProductFactory, visible_product
from tests.factories.trust import certificate

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_debug_off")]


@pytest.fixture
def _debug_off(settings):
    settings.DEBUG = False


def assert_designed(response, status: int) -> str:
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert f'data-error-page="{status}"' in html
    assert 'class="site-header"' in html and "data-site-footer" in html  # the site's layout
    assert 'action="/search/"' in html and 'name="q"' in html and 'href="/" data-error-home' in html
    assert "Traceback" not in html and "Not Found" not in html
    return html


def test_unknown_and_hidden_products_end_on_the_designed_404(client):
    hidden = visible_product(slug="ruou-ngo", name="Rượu ngô")
    ModerationFactory(product=hidden)
    paths = ("/products/khong-co/", f"/products/{hidden.slug}/", "/khong-co-trang-nay/", "/pages/khong-co/")
    for path in paths:
        html = assert_designed(client.get(path), 404)
        assert "Không tìm thấy trang bạn cần" in html
        assert "Rượu ngô" not in html  # a hidden product is not named


def test_unpublished_product_is_a_404_too(client):
    product = ProductFactory(is_published=False, slug="chua-ban")
    assert_designed(client.get(f"/products/{product.slug}/"), 404)


@pytest.mark.parametrize("status", ["expired", "revoked"])
def test_lapsed_certificate_ends_on_the_designed_410(client, status):
    cert = certificate(status, name="Trà Shan tuyết", slug="tra-shan")
    html = assert_designed(client.get("/products/tra-shan/"), 410)
    assert "Trà Shan tuyết không còn được bán" in html
    assert f'href="/v/{cert.code}/"' in html
    assert f'href="/producers/{cert.product.producer.slug}/"' in html


def test_404_speaks_english_when_english_is_chosen(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = assert_designed(client.get("/products/khong-co/"), 404)
    assert '<html lang="en">' in html
    assert "We could not find that page" in html


def test_api_paths_get_json_not_a_page(client):
    response = client.get("/payments/khong-co/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


@pytest.mark.urls("tests.storefront.error_urls")
def test_a_failing_view_ends_on_the_designed_500_without_internals():
    client = Client(raise_request_exception=False)
    html = assert_designed(client.get("/boom/"), 500)
    assert "secret-internal-detail" not in html and "RuntimeError" not in html
    assert "Xin lỗi, hệ thống đang gặp sự cố" in html


def test_500_page_renders_with_the_database_unreachable():
    def refuse(execute, sql, params, many, context):
        raise AssertionError(f"the 500 page queried the database: {sql}")

    request = RequestFactory().get("/gio-hang/")
    with connection.execute_wrapper(refuse):
        response = server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert 'data-error-page="500"' in html and "data-business-registration" in html


def test_500_falls_back_to_plain_text_when_the_page_cannot_render(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("template failed")

    monkeypatch.setattr("storefront.error_views.render_to_string", broken)
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "template failed" not in response.content.decode()
