"""Storefront pages: visibility on every list, count and sitemap; 404/410; constant SQL queries."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from marketplace.catalog.models import Category, Collection, CollectionProduct, ProductImage
from tests.factories import ProducerFactory, VariantFactory, visible_product
from tests.factories.storefront import invisible_products

pytestmark = pytest.mark.django_db

INVISIBLE_SLUGS = {"an-hidden", "an-unpublished", "an-expired", "an-lapsed", "an-revoked"}

# Queries per page, whatever the number of products shown (asserted at 1 and 50 below).
LISTING_QUERIES = 3  # categories, search (ids + facets in one statement), product cards
CATEGORY_QUERIES = LISTING_QUERIES  # the page's category comes from the categories the listing reads
PRODUCT_QUERIES = 5  # visible product with relations + 3 prefetches, related product cards (one query)
PRODUCER_QUERIES = 5  # producer, product cards, certifications, profile photos (portal), ratings
# The product page's shipping estimate: zones with brackets, the platform default, the producer's threshold
# (the shopper's province comes from the session, or one query for a signed-in shopper's address).
SHIPPING_ESTIMATE_QUERIES = 3


@pytest.fixture
def client():
    return Client()


@pytest.fixture
def son_la():
    return ProducerFactory(name="HTX Cà phê Bích Thao", slug="bich-thao", province="son-la")


@pytest.fixture
def shown(son_la):
    return visible_product(name="Cà phê Arabica Sơn La", slug="arabica", producer=son_la, stars=4)


def slugs_in(html: str) -> set[str]:
    return set(re.findall(r'data-product-slug="([^"]+)"', html))


def test_lists_search_counts_and_sitemap_show_only_visible_products(client, shown, son_la):
    invisible_products(producer=son_la)
    pages = [
        "/",
        "/products/",
        "/products/?stars=4",
        "/products/?province=son-la",
        "/search/?q=ca+phe+son+la",
        "/search/?q=cà+phê",
        "/categories/do-uong/",
        "/producers/bich-thao/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert slugs_in(html) == {"arabica"}, url
        for slug in INVISIBLE_SLUGS:
            assert slug not in html, (url, slug)
    # Facet counts count the one visible product only.
    html = client.get("/products/").content.decode()
    assert 'data-facet-count="stars-4">(1)' in html
    assert 'data-facet-count="province-son-la">(1)' in html
    assert 'data-facet-count="in-stock">(1)' in html
    assert 'data-result-total="1"' in html
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "/products/arabica/" in sitemap
    assert "/producers/bich-thao/" in sitemap
    assert "/categories/do-uong/" in sitemap
    for slug in INVISIBLE_SLUGS:
        assert f"/products/{slug}/" not in sitemap


def test_sitemap_leaves_out_producers_without_visible_products(client, son_la):
    invisible_products(producer=son_la)
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "/producers/bich-thao/" not in sitemap


def test_invisible_product_pages_answer_404_or_410_with_an_explanation(client, son_la):
    products = invisible_products(producer=son_la)
    assert client.get(f"/products/{products['hidden'].slug}/").status_code == 404
    assert client.get(f"/products/{products['unpublished'].slug}/").status_code == 404
    assert client.get("/products/no-such-thing/").status_code == 404
    for case in ("expired", "lapsed"):
        response = client.get(f"/products/{products[case].slug}/")
        assert response.status_code == 410
        assert "hết hiệu lực" in response.content.decode()
    response = client.get(f"/products/{products['revoked'].slug}/")
    assert response.status_code == 410
    assert "thu hồi" in response.content.decode()
    assert "99/QĐ-UBND-TH" in response.content.decode()


def test_product_page_shows_badge_price_seller_and_structured_data(client, shown):
    sold_out = VariantFactory(product=shown, name="Hộp 1kg", price_amount=350_000, stock__quantity=0)
    ProductImage.objects.create(product=shown, image="products/arabica.jpg", alt="Gói cà phê Arabica")
    response = client.get("/products/arabica/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-product-slug="arabica"' in html
    assert 'data-ocop-stars="4"' in html and "OCOP 4 sao" in html
    cert = shown.certifications.get()
    assert cert.decision.number in html and cert.decision.issuer in html
    assert cert.valid_until.strftime("%d/%m/%Y") in html
    assert '<span data-price-vnd="185000">185.000 ₫</span>' in html
    assert '<span data-price-vnd="350000">350.000 ₫</span>' in html
    assert "Hết hàng" in html and "Còn hàng" in html
    producer = shown.producer
    assert f'data-producer-slug="{producer.slug}"' in html
    assert producer.registration_code in html and producer.address in html
    # The add-to-cart form posts to the cart and offers the sold-out size disabled.
    assert (
        f'<form class="add-to-cart" method="post" action="{reverse("shop:cart_add")}" id="buy-form"' in html
    )
    assert f'<option value="{sold_out.pk}" disabled>' in html
    assert '<meta property="og:title" content="Cà phê Arabica Sơn La">' in html
    assert 'alt="Gói cà phê Arabica"' in html
    data = json.loads(
        re.search(r'<script type="application/ld\+json" nonce="[^"]+">(.*?)</script>', html, re.S).group(1)
    )
    assert data["@type"] == "Product" and data["name"] == "Cà phê Arabica Sơn La"
    assert {offer["price"] for offer in data["offers"]} == {"185000", "350000"}
    assert data["offers"][0]["priceCurrency"] == "VND"
    assert 'aria-current="page">Cà phê Arabica Sơn La' in html  # breadcrumbs


def test_producer_page_shows_story_kind_location_certifications_and_products(client, shown, son_la):
    son_la.description = "Từ năm 2008, gia đình chị Thảo trồng cà phê trên đồi Chiềng Mung."
    son_la.save()
    html = client.get("/producers/bich-thao/").content.decode()
    assert "Từ năm 2008" in html
    assert "Hợp tác xã" in html and "Sơn La" in html
    assert shown.certifications.get().decision.number in html
    assert slugs_in(html) == {"arabica"}


def test_home_lists_featured_first_and_links_groups_and_provinces(client, shown):
    newer = visible_product(name="Mật ong bạc hà", slug="mat-ong", stars=3)
    featured = Collection.objects.get(slug="featured-products")
    CollectionProduct.objects.create(collection=featured, product=shown, sort_order=1)
    html = client.get("/").content.decode()
    assert html.index('data-product-slug="arabica"') < html.index(f'data-product-slug="{newer.slug}"')
    assert 'href="/categories/do-uong/"' in html
    assert 'href="/products/?province=son-la"' in html


def test_empty_and_absurd_searches_give_a_helpful_page(client, shown):
    empty = client.get("/search/?q=")
    assert empty.status_code == 200
    assert "ca phe son la" in empty.content.decode()
    absurd = client.get("/search/?q=" + "%27%3B+DROP+TABLE+x%3B--" + "z" * 300)
    assert absurd.status_code == 200
    assert "Không tìm thấy sản phẩm phù hợp" in absurd.content.decode()
    symbols = client.get("/search/?q=%21%21%21")
    assert symbols.status_code == 200
    garbage = client.get("/products/?stars=x&price_min=abc&page=-3&per_page=0&sort=evil&province=mars")
    assert garbage.status_code == 200


def test_pagination_keeps_filters_in_links(client, son_la):
    for n in range(5):
        visible_product(name=f"Cà phê {n}", slug=f"ca-phe-{n}", producer=son_la, stars=4)
    html = client.get("/products/?stars=4&province=son-la&per_page=2&sort=price").content.decode()
    assert 'href="?stars=4&amp;province=son-la&amp;sort=price&amp;per_page=2&amp;page=2"' in html
    page3 = client.get("/products/?stars=4&province=son-la&per_page=2&sort=price&page=3").content.decode()
    assert len(slugs_in(page3)) == 1


def test_language_switch_to_english(client, shown):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/products/"})
    assert response.status_code == 302
    html = client.get("/products/").content.decode()
    assert '<html lang="en">' in html
    assert "All OCOP products" in html


def _catalogue(size: int, producer):
    for n in range(size):
        product = visible_product(name=f"Cà phê mẫu {n}", slug=f"mau-{n}", producer=producer, stars=3 + n % 3)
        VariantFactory(product=product, price_amount=100_000 + n)
        ProductImage.objects.create(product=product, image=f"products/{n}.jpg", alt=f"Ảnh {n}")


@pytest.mark.parametrize("size", [1, 50])
def test_listing_search_and_category_pages_run_constant_queries(
    client, son_la, size, django_assert_num_queries
):
    _catalogue(size, son_la)
    for url, queries in [
        (f"/products/?per_page={size}", LISTING_QUERIES),
        (f"/products/?per_page={size}&stars=3&stars=4&stars=5&province=son-la&in_stock=1", LISTING_QUERIES),
        (f"/search/?q=ca+phe&per_page={size}", LISTING_QUERIES),
        (f"/categories/do-uong/?per_page={size}", CATEGORY_QUERIES),
    ]:
        with django_assert_num_queries(queries):
            response = client.get(url)
        assert len(slugs_in(response.content.decode())) == size, url


@pytest.mark.parametrize("variants", [1, 50])
def test_product_and_producer_pages_run_constant_queries(client, son_la, variants, django_assert_num_queries):
    product = visible_product(name="Cà phê", slug="ca-phe", producer=son_la)
    for n in range(variants - 1):
        VariantFactory(product=product, name=f"Gói {n}")
        ProductImage.objects.create(product=product, image=f"products/{n}.jpg")
    _catalogue(variants, son_la)
    with django_assert_num_queries(PRODUCT_QUERIES + SHIPPING_ESTIMATE_QUERIES):
        assert client.get("/products/ca-phe/").status_code == 200
    with django_assert_num_queries(PRODUCER_QUERIES):
        assert client.get("/producers/bich-thao/").status_code == 200


def test_listing_card_shows_image_badge_producer_price_and_stock(client, son_la):
    product = visible_product(name="Cà phê <Arabica>", slug="arabica", producer=son_la, stars=5, quantity=0)
    VariantFactory(product=product, price_amount=99_000, stock__quantity=0)
    ProductImage.objects.create(product=product, image="products/arabica.jpg", alt="")
    html = client.get("/products/").content.decode()
    card = html[html.index('<article class="card"') : html.index("</article>")]
    assert 'src="/media/products/arabica.jpg" alt="Cà phê &lt;Arabica&gt;"' in card
    assert '<a href="/products/arabica/">Cà phê &lt;Arabica&gt;</a>' in card
    assert (
        '<span class="ocop-badge stars-5" data-ocop-stars="5" role="img" aria-label="OCOP 5 sao">'
        'OCOP 5 sao <span aria-hidden="true">★★★★★</span></span>'
    ) in card
    assert '<a data-producer-slug="bich-thao" href="/producers/bich-thao/">HTX Cà phê Bích Thao</a>' in card
    assert '<span class="province">Sơn La</span>' in card
    assert '<span data-price-vnd="99000">99.000 ₫</span>' in card
    assert "Hết hàng" in card


def test_category_page_of_a_subcategory_has_its_parent_in_the_breadcrumbs(client, son_la):
    drinks = Category.objects.get(slug="do-uong")
    coffee = Category.objects.create(name="Cà phê", slug="ca-phe", parent=drinks)
    visible_product(name="Cà phê Arabica Sơn La", slug="arabica", producer=son_la, category=coffee)
    html = client.get("/categories/ca-phe/").content.decode()
    assert '› <a href="/categories/do-uong/">Đồ uống</a> › <span aria-current="page">Cà phê</span>' in html
    assert slugs_in(html) == {"arabica"}
    assert client.get("/categories/no-such-group/").status_code == 404
