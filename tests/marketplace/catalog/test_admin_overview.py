"""Staff moderation extras: the 30-day expiry queue and the overview with server-drawn SVG charts."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from marketplace.catalog import charts, selectors
from marketplace.certification.models import CertificationState
from marketplace.producers.policies import SYSTEM_TASK
from tests.factories import (
    CertificationFactory,
    DecisionFactory,
    ProducerFactory,
    ProductFactory,
    UserFactory,
)


def _certified(name, *, days_left, stars=4, province="son-la", state=CertificationState.ACTIVE):
    today = timezone.localdate()
    producer = ProducerFactory(province=province)
    product = ProductFactory(name=name, producer=producer)
    until = today + datetime.timedelta(days=days_left)
    decision = DecisionFactory(date=until - datetime.timedelta(days=1000))
    CertificationFactory(
        product=product,
        decision=decision,
        stars=stars,
        valid_from=decision.date,
        valid_until=until,
        state=state,
    )
    return product


@pytest.fixture
def catalogue(db):
    return {
        "soon": _certified("Chè Shan tuyết", days_left=5, stars=5, province="lao-cai"),
        "edge": _certified("Mật ong bạc hà", days_left=30, stars=3, province="tuyen-quang"),
        "later": _certified("Cà phê Arabica", days_left=31, stars=4),
        "lapsed": _certified("Mận hậu", days_left=-1, stars=4),  # active state but past valid_until
        "expired": _certified("Măng khô", days_left=10, state=CertificationState.EXPIRED),
    }


def test_expiring_queue_lists_products_ending_within_30_days_soonest_first(catalogue, staff_client):
    names = list(selectors.products_with_certificate_expiring(within_days=30).values_list("name", flat=True))
    assert names == ["Chè Shan tuyết", "Mật ong bạc hà"]
    page = staff_client.get("/admin/catalog/productexpiringsoon/")
    assert page.status_code == 200
    body = page.content.decode()
    assert body.index("Chè Shan tuyết") < body.index("Mật ong bạc hà")
    assert "Cà phê Arabica" not in body and "Mận hậu" not in body and "Măng khô" not in body
    assert "5 ★" in body
    assert f'href="/admin/catalog/product/{catalogue["soon"].pk}/change/"' in body


def test_overview_draws_the_three_charts_as_inline_svg(catalogue, staff_client):
    page = staff_client.get("/admin/catalog/product/overview/")
    assert page.status_code == 200
    body = page.content.decode()
    section = body.split('id="ocop-overview"')[1].split("</div>")[0]
    svgs = re.findall(r"<svg [^>]*class=\"chart\".*?</svg>", section, re.S)
    assert len(svgs) == 3
    assert "<script" not in section
    # Drawn on the server: nothing is fetched from elsewhere (only the SVG namespace names a URL).
    assert "http" not in "".join(svgs).replace("http://www.w3.org/2000/svg", "")
    assert 'data-total-certified="3"' in body  # soon, edge, later (lapsed and expired do not count)
    assert 'data-expiring-soon="2"' in body
    stars = dict(selectors.certified_products_by_stars())
    assert stars == {3: 1, 4: 1, 5: 1}
    assert '<g data-label="5 sao" data-value="1">' in body
    assert '<g data-label="Lào Cai" data-value="1">' in body
    month = (timezone.localdate() + datetime.timedelta(days=5)).replace(day=1)
    expiries = dict(selectors.certificate_expiries_by_month())
    assert sum(expiries.values()) == 3 and expiries[month] >= 1
    assert len(expiries) == 12


def test_product_changelist_links_the_moderation_pages(staff_client, db):
    body = staff_client.get("/admin/catalog/product/").content.decode()
    for url in (
        "/admin/catalog/product/overview/",
        "/admin/catalog/productexpiringsoon/",
        "/admin/catalog/productmoderation/",
        "/admin/catalog_import/reviewitem/",  # the import pipeline's review queue
    ):
        assert f'href="{url}"' in body
    overview = staff_client.get("/admin/catalog/product/overview/").content.decode()
    assert 'href="/admin/catalog_import/reviewitem/" data-import-review' in overview


@pytest.mark.parametrize("url", ["/admin/catalog/product/overview/", "/admin/catalog/productexpiringsoon/"])
def test_moderation_pages_are_staff_only(db, url):
    assert Client().get(url).status_code == 302
    shopper = Client()
    shopper.force_login(UserFactory())
    response = shopper.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_chart_labels_are_escaped():
    svg = charts.horizontal_bar_chart([("<script>x</script>", 3)], title="a & b")
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg and "a &amp; b" in svg


def test_producer_admin_lists_portal_photos_without_an_upload_slot(staff_client, settings, tmp_path):
    from marketplace.producers.services import producer_photo_add
    from tests.factories.portal import png_upload

    settings.MEDIA_ROOT = tmp_path
    producer = ProducerFactory()
    photo = producer_photo_add(producer=producer, uploaded_file=png_upload(), alt="Đồi chè", by=SYSTEM_TASK)
    body = staff_client.get(f"/admin/producers/producer/{producer.pk}/change/").content.decode()
    assert photo.image.name in body
    assert 'name="photos-__prefix__-image"' not in body  # no add row: uploads only through the portal
