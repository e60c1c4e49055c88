"""The staff product list: what shoppers really see (the one visibility rule), stars and certificate as
columns and filters, in a constant number of queries, in Vietnamese (English when chosen)."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ModerationFactory, ProductFactory, visible_product

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/catalog/product/"


def rows(html: str) -> dict[str, str]:
    """Product name -> its row's HTML."""
    found = {}
    for row in re.findall(r"<tr>(.*?)</tr>", html, flags=re.S):
        name = re.search(r'<th class="field-name"><a [^>]*>([^<]+)</a>', row)
        if name:
            found[name.group(1)] = row
    return found


def visible_tick(row: str) -> bool | None:
    cell = re.search(r'<td class="field-shopper_visible_column">(.*?)</td>', row, flags=re.S).group(1)
    if "icon-yes" in cell:
        return True
    return False if "icon-no" in cell else None


@pytest.fixture
def catalogue():
    on_sale = visible_product(name="Cà phê đang bán", stars=4)
    hidden = visible_product(name="Rượu bị ẩn", stars=5)
    ModerationFactory(product=hidden)
    unpublished = visible_product(name="Chè chưa đăng", stars=3, is_published=False)
    uncertified = ProductFactory(name="Mật ong chưa chứng nhận", is_published=True)
    return on_sale, hidden, unpublished, uncertified


def test_a_hidden_product_shows_no_green_tick(staff_client, catalogue):
    html = staff_client.get(CHANGELIST).content.decode()
    found = rows(html)
    assert visible_tick(found["Cà phê đang bán"]) is True
    for name in ("Rượu bị ẩn", "Chè chưa đăng", "Mật ong chưa chứng nhận"):
        assert visible_tick(found[name]) is False, name
    assert "Bị quản trị viên ẩn" in found["Rượu bị ẩn"]
    assert "Người bán chưa đăng bán" in found["Chè chưa đăng"]
    assert "Không có chứng nhận còn hiệu lực" in found["Mật ong chưa chứng nhận"]
    assert "5 ★" in found["Rượu bị ẩn"] and "4 ★" in found["Cà phê đang bán"]
    assert "field-is_published" not in html  # the producer's flag is a filter, not a misleading tick


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("visible=yes", {"Cà phê đang bán"}),
        ("visible=no", {"Rượu bị ẩn", "Chè chưa đăng", "Mật ong chưa chứng nhận"}),
        ("stars=5", {"Rượu bị ẩn"}),
        ("stars=none", {"Mật ong chưa chứng nhận"}),
        ("hidden=yes", {"Rượu bị ẩn"}),
        ("certificate=none", {"Mật ong chưa chứng nhận"}),
        ("certificate=active", {"Cà phê đang bán", "Rượu bị ẩn", "Chè chưa đăng"}),
    ],
)
def test_filters(staff_client, catalogue, query, expected):
    response = staff_client.get(f"{CHANGELIST}?{query}")
    assert response.status_code == 200
    assert set(rows(response.content.decode())) == expected


def test_the_list_costs_the_same_queries_for_few_or_many(staff_client, catalogue):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(CHANGELIST).status_code == 200
        return len(queries)

    few = count()
    for index in range(5):
        product = visible_product(name=f"Thêm {index}")
        if index % 2:
            ModerationFactory(product=product)
    assert count() == few


def test_the_admin_speaks_vietnamese_and_english_on_request(staff_client, catalogue):
    html = staff_client.get(CHANGELIST).content.decode()
    assert "Khách thấy" in html and "hạng sao ocop" in html.lower()
    assert "Sản phẩm" in html  # the model's name
    staff_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = staff_client.get(CHANGELIST).content.decode()
    assert "Visible to shoppers" in english and "Hidden by staff" in english
    assert "Khách thấy" not in english
