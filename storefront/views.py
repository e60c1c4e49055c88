"""Shopper-facing pages. Every product shown starts from catalog.selectors.products_visible_to_shoppers
(lists go through the search selector, which loads its ids through it)."""

from urllib.parse import quote

from django.conf import settings
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from marketplace.catalog.models import Category, Product, units_available
from marketplace.catalog.selectors import (
    ShopperAccess,
    active_certifications,
    categories_with_parents,
    collection_cards,
    latest_certification,
    product_active_certification,
    product_cards,
    product_page_text,
    product_shopper_access,
    products_visible_to_shoppers,
    related_product_cards,
    visible_product_for_page,
)
from marketplace.certification.selectors import certification_timeline
from marketplace.core import provinces
from marketplace.producers.models import Producer
from marketplace.reviews import selectors as review_selectors
from marketplace.reviews.models import REVIEW_TEXT_MAX_CHARS
from marketplace.search.backends.base import SearchQuery
from marketplace.search.selectors import search_products
from storefront.listing import SORT_CHOICES, build_listing
from storefront.localize import shopper_language
from storefront.review_views import STAR_CHOICES
from storefront.shipping_views import product_shipping_context

HOME_FEATURED = 8
HOME_NEWEST = 12


def home(request):
    language = shopper_language()
    featured = collection_cards(slug="featured-products", limit=HOME_FEATURED, language_code=language)
    newest = product_cards(
        where=~Q(pk__in=[card["id"] for card in featured]),
        order_by=("-created_at", "-id"),
        limit=HOME_NEWEST,
        language_code=language,
    )
    # Counts for the group and province links (visible products only), from one search with no page.
    facets = search_products(SearchQuery(limit=0)).facets
    category_counts = facets.get("category", {})
    categories = categories_with_parents(language_code=language)
    groups = []
    for cat in categories:
        if cat.parent_id is None:
            ids = {cat.pk} | {c.pk for c in categories if c.parent_id == cat.pk}
            groups.append({"category": cat, "count": sum(category_counts.get(i, 0) for i in ids)})
    province_links = sorted(
        (
            {"province": provinces.BY_CODE[code], "count": count}
            for code, count in facets.get("province", {}).items()
            if code in provinces.BY_CODE
        ),
        key=lambda item: (-item["count"], item["province"].name),
    )
    context = {"featured": featured, "newest": newest, "groups": groups, "province_links": province_links}
    return render(request, "storefront/home.html", context)


def _render_listing(request, *, template: str, listing, **extra):
    context = {"listing": listing, "sort_choices": SORT_CHOICES, **extra}
    return render(request, template, context)


def product_list(request):
    listing = build_listing(request.GET)
    return _render_listing(request, template="storefront/product_list.html", listing=listing)


def search(request):
    text = request.GET.get("q", "").strip()
    if not text:
        # An empty search is a prompt, not an error: suggest groups and provinces.
        return home_like_prompt(request)
    listing = build_listing(request.GET, default_sort="relevance")
    return _render_listing(request, template="storefront/search.html", listing=listing, q=text)


def home_like_prompt(request):
    facets = search_products(SearchQuery(limit=0)).facets
    return render(
        request,
        "storefront/search.html",
        {
            "listing": None,
            "q": "",
            "groups": Category.objects.filter(parent__isnull=True),
            "province_links": [
                provinces.BY_CODE[code] for code in facets.get("province", {}) if code in provinces.BY_CODE
            ],
        },
    )


def category_detail(request, slug: str):
    categories = categories_with_parents(language_code=shopper_language())
    category = next((category for category in categories if category.slug == slug), None)
    if category is None:
        raise Http404("No such category")
    listing = build_listing(request.GET, scope_category=category, categories=categories)
    return _render_listing(
        request, template="storefront/category_detail.html", listing=listing, category=category
    )


def product_detail(request, slug: str):
    product = visible_product_for_page(slug=slug)
    if product is None:
        return _product_not_shown(request, slug)
    certification = product_active_certification(product)
    url = request.build_absolute_uri(reverse("storefront:product", args=[product.slug]))
    images = [request.build_absolute_uri(image.image.url) for image in product.images.all()]
    variants = list(product.variants.all())
    text = product_page_text(product=product, language_code=shopper_language())
    for variant in variants:
        variant.display_name = text["variants"].get(variant.pk, variant.name)
    context = {
        "product": product,
        "text": text,
        "certification": certification,
        "verify_url": request.build_absolute_uri(reverse("storefront:certificate", args=[certification.code]))
        if certification
        else "",
        "timeline": certification_timeline(product.certification_history),
        "variants": variants,
        "canonical_url": url,
        "og_image": images[0] if images else "",
        "json_ld": _product_json_ld(product, certification, variants, url, images),
        "related": related_product_cards(product=product, language_code=shopper_language()),
        "share_links": share_links(url=url, title=text["name"]),
        **_review_context(request, product),
        **product_shipping_context(request, product, variants),
    }
    return render(request, "storefront/product_detail.html", context)


def share_links(*, url: str, title: str) -> list[dict[str, str]]:
    """Plain share links (no third-party script on our pages): Zalo and Facebook open their own share page."""
    quoted = quote(url, safe="")
    return [
        {"network": "zalo", "label": "Zalo", "href": settings.SHARE_ZALO_URL.format(url=quoted)},
        {
            "network": "facebook",
            "label": "Facebook",
            "href": f"https://www.facebook.com/sharer/sharer.php?u={quoted}",
        },
    ]


def _review_context(request, product) -> dict:
    """Shown reviews (none queried when the product has none) and the signed-in buyer's review forms."""
    reviews = review_selectors.product_reviews(product_id=product.pk) if product.rating_count else []
    lines = []
    if request.user.is_authenticated:
        lines = list(review_selectors.reviewable_lines(by=request.user).filter(variant__product=product)[:5])
    return {
        "reviews": reviews,
        "reviewable_lines": lines,
        "star_choices": STAR_CHOICES,
        "review_text_max": REVIEW_TEXT_MAX_CHARS,
    }


def _product_not_shown(request, slug: str):
    """404, or 410 with the reason when the certificate lapsed or was revoked."""
    product = get_object_or_404(Product.objects.select_related("producer", "category"), slug=slug)
    access = product_shopper_access(product=product)
    if access not in (ShopperAccess.EXPIRED, ShopperAccess.REVOKED):
        # Not found, or visible only since the query above: a reload shows it.
        raise Http404("No such product")
    context = {
        "product": product,
        "access": access.value,
        "certification": latest_certification(product=product),
    }
    return render(request, "storefront/product_gone.html", context, status=410)


def _product_json_ld(product, certification, variants, url, images) -> dict:
    producer = product.producer
    offers = [
        {
            "@type": "Offer",
            "sku": variant.sku,
            "name": variant.name or product.name,
            "price": str(variant.price_amount),
            "priceCurrency": settings.DEFAULT_CURRENCY,
            "availability": "https://schema.org/InStock"
            if _available(variant) > 0
            else "https://schema.org/OutOfStock",
            "url": url,
            "seller": {"@type": "Organization", "name": producer.name},
        }
        for variant in variants
    ]
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "url": url,
        "sku": variants[0].sku if variants else product.slug,
        "category": product.category.name,
        "brand": {"@type": "Brand", "name": producer.name},
        "manufacturer": {
            "@type": "Organization",
            "name": producer.name,
            "address": producer.address or producer.province_name,
        },
        "offers": offers,
    }
    if product.seo_description:
        data["description"] = product.seo_description
    if images:
        data["image"] = images
    if product.rating_count:
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": f"{product.rating_average:.1f}",
            "reviewCount": product.rating_count,
            "bestRating": 5,
            "worstRating": 1,
        }
    if certification is not None:
        data["award"] = _("OCOP %(stars)s sao, quyết định %(number)s") % {
            "stars": certification.stars,
            "number": certification.decision.number,
        }
    return data


def _available(variant) -> int:
    return units_available(variant)


def producer_detail(request, slug: str):
    producer = get_object_or_404(Producer, slug=slug)
    products = product_cards(where=Q(producer=producer), order_by=("name",), language_code=shopper_language())
    certifications = (
        active_certifications()
        .filter(product__in=products_visible_to_shoppers().filter(producer=producer))
        .select_related("decision", "product")
        .order_by("-stars", "product__name")
    )
    context = {
        "producer": producer,
        "products": products,
        "certifications": certifications,
        "ratings": review_selectors.producer_ratings(producer_id=producer.pk),
    }
    return render(request, "storefront/producer_detail.html", context)
