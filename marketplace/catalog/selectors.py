"""Reads of the catalogue. `products_visible_to_shoppers` is THE rule for what a shopper may see; pages,
search, the API, the sitemap and the cart all start from it."""

import datetime
import enum
from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, TypedDict

from django.contrib.postgres.aggregates import BoolOr
from django.db import models
from django.db.models import Case, Exists, F, Min, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.db.models.expressions import OrderBy
from django.db.models.functions import Coalesce, JSONObject
from django.utils import timezone

from marketplace.catalog.models import (
    Category,
    CategoryTranslation,
    Product,
    ProductImage,
    ProductModeration,
    ProductTranslation,
    ProductVariant,
    ProductVariantTranslation,
    Stock,
    responsive_image,
    stock_available,
)
from marketplace.certification.models import Certification, CertificationState
from marketplace.certification.selectors import timeline_certifications
from marketplace.core import provinces


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def active_certifications(*, today: datetime.date | None = None) -> QuerySet[Certification]:
    """Certificates that back a star today: active state and not past valid_until (even before the daily
    expiry task has run)."""
    return Certification.objects.filter(state=CertificationState.ACTIVE, valid_until__gte=_today(today))


def products_visible_to_shoppers(*, today: datetime.date | None = None) -> QuerySet[Product]:
    """Published by its producer, not hidden by staff (a takedown is a hiding too), its seller not
    suspended, holding an active certification."""
    open_moderation = ProductModeration.objects.open().filter(product=OuterRef("pk"))
    backing = active_certifications(today=today).filter(product=OuterRef("pk"))
    return Product.objects.filter(is_published=True, producer__suspended_at__isnull=True).filter(
        ~Exists(open_moderation), Exists(backing)
    )


def _active_certificates_prefetch(today: datetime.date | None) -> Prefetch:
    return Prefetch(
        "certifications",
        queryset=active_certifications(today=today).select_related("decision"),
        to_attr="active_certification_list",
    )


def with_shopper_relations(
    queryset: QuerySet[Product], *, today: datetime.date | None = None, history: bool = False
) -> QuerySet[Product]:
    """What a card or a product page shows, in a constant number of queries: producer, category, the active
    certificate with its decision (as `product.active_certification_list`), variants with stock, images.
    With `history`, every certificate instead (`product.certification_history`, for the timeline): the
    caller derives the active one with `with_active_from_history`, so the page costs no extra query."""
    certificates: Prefetch  # plain: Product declares the lists these prefetches fill
    if history:
        certificates = Prefetch(
            "certifications", queryset=timeline_certifications(), to_attr="certification_history"
        )
    else:
        certificates = _active_certificates_prefetch(today)
    return queryset.select_related("producer", "category").prefetch_related(
        certificates,
        Prefetch(
            "variants", queryset=ProductVariant.objects.select_related("stock").order_by("sort_order", "id")
        ),
        "images",
    )


class _CardRow(TypedDict):
    """A card's columns as the query returns them."""

    id: int
    slug: str
    name: str
    producer_slug: str
    producer_name: str
    producer_province: str
    stars: int | None  # of the active certificate
    min_price: int | None  # cheapest variant; None without variants
    in_stock: bool  # some variant has units available
    picture: dict | None  # the first image's renditions and size (one JSON column)
    group_slug: str  # the product group (root category) for the placeholder picture
    rating_average: Decimal | None  # of the shown buyer reviews, one decimal; None without reviews
    rating_count: int


class ProductCard(_CardRow):
    """What a product card shows (listings, home, producer page): plain values, no model instances. A dict,
    since templates look names up by subscript first and a card is read a dozen times per page."""

    province_name: str
    image: str | None  # storage name of the first image
    image_alt: str | None
    image_url: str  # "" without an image
    image_srcset: str  # WebP renditions by width ("" without an image or renditions)
    image_width: int
    image_height: int


def product_cards(
    *,
    where: Q | None = None,
    order_by: tuple[str | OrderBy, ...] = (),
    limit: int | None = None,
    today: datetime.date | None = None,
    language_code: str | None = None,
) -> list[ProductCard]:
    """Cards of the visible products matching `where`, in that order, from ONE query: a listing page shows
    dozens, and model instances with four prefetches cost more than the SQL itself. With `language_code`
    (e.g. `en`), names are those of the products' translations where one exists (one more query)."""
    rows = _visible_card_rows(_today(today)).all()  # a clone: the cached queryset never holds results
    if where is not None:
        rows = rows.filter(where)
    if order_by:
        rows = rows.order_by(*order_by)
    if limit is not None:
        rows = rows[:limit]
    cards = [_card(row) for row in rows]
    if language_code is not None and cards:
        names = translated_names(ProductTranslation, [card["id"] for card in cards], language_code)
        for card in cards:
            card["name"] = names.get(card["id"], card["name"])
    return cards


def _card(row: _CardRow) -> ProductCard:
    picture = row["picture"]
    responsive = (
        responsive_image(
            image=picture["image"],
            thumbnail=picture["thumbnail"],
            medium=picture["medium"],
            width=picture["width"],
            height=picture["height"],
        )
        if picture
        else None
    )
    return ProductCard(
        **row,
        province_name=provinces.name_of(row["producer_province"]),
        image=picture["image"] if picture else None,
        image_alt=picture["alt"] if picture else None,
        image_url=responsive["src"] if responsive else "",
        image_srcset=responsive["srcset"] if responsive else "",
        image_width=responsive["width"] if responsive else 400,
        image_height=responsive["height"] if responsive else 300,
    )


def translated_names(model: type[models.Model], ids: Iterable[int], language_code: str) -> dict[int, str]:
    """Owner id -> translated name (or a page's title) in `language_code`, for the rows that have one: one
    query, whatever the number of ids (cards, category menus, a product page's variants)."""
    owner = {
        ProductTranslation: "product_id",
        ProductVariantTranslation: "product_variant_id",
        CategoryTranslation: "category_id",
    }[model]
    rows = model._default_manager.filter(**{f"{owner}__in": list(ids), "language_code": language_code})
    return dict(rows.exclude(name="").values_list(owner, "name"))


@lru_cache(maxsize=4)
def _visible_card_rows(today: datetime.date) -> QuerySet[Product, _CardRow]:
    """The card columns of every visible product, as an unevaluated queryset built once a day: building its
    five subqueries cost more than running them, and callers only clone it to filter."""
    product = OuterRef("pk")
    first_image = ProductImage.objects.filter(product=product).order_by("sort_order", "id")
    cheapest = (
        ProductVariant.objects.filter(product=product)
        .order_by()
        .values("product")
        .annotate(low=Min("price_amount"))
    )
    some_stock = (
        Stock.objects.filter(variant__product=product)
        .order_by()
        .values("variant__product")
        .annotate(any=BoolOr(stock_available()))
    )
    return products_visible_to_shoppers(today=today).values(
        "id",
        "slug",
        "name",
        "rating_average",
        "rating_count",
        producer_slug=F("producer__slug"),
        producer_name=F("producer__name"),
        producer_province=F("producer__province"),
        stars=Subquery(
            active_certifications(today=today).filter(product=product).order_by().values("stars")[:1]
        ),
        min_price=Subquery(cheapest.values("low")),
        # Stock.quantity_available > 0 for some variant. A scalar subquery, not EXISTS: PostgreSQL may hash
        # an EXISTS over every stock row when it misjudges how many rows survive a LIMIT (home: 100 ms).
        in_stock=Coalesce(Subquery(some_stock.values("any")), Value(False)),
        picture=Subquery(
            first_image.values(
                json=JSONObject(
                    image="image",
                    alt="alt",
                    thumbnail="thumbnail",
                    medium="medium",
                    width="width",
                    height="height",
                )
            )[:1]
        ),
        group_slug=Coalesce(F("category__parent__slug"), F("category__slug")),
    )


def product_active_certification(product: Product) -> Certification | None:
    """The active certificate of a product loaded through with_shopper_relations (no query)."""
    certs = getattr(product, "active_certification_list", None)
    if certs is None:
        certs = list(active_certifications().filter(product=product).select_related("decision"))
    return certs[0] if certs else None


def with_active_from_history(product: Product, *, today: datetime.date | None = None) -> Product:
    """Set `active_certification_list` from a `certification_history` prefetch (Certification.is_valid_on
    is active_certifications' rule for loaded rows)."""
    today = _today(today)
    product.active_certification_list = [c for c in product.certification_history if c.is_valid_on(today)]
    return product


def visible_product_for_page(*, slug: str, today: datetime.date | None = None) -> Product | None:
    """The product page's product when a shopper may see it, with its shopper relations, its certification
    history and the category's parent (None: ask product_shopper_access why not)."""
    product = _visible_products_for_page(_today(today)).filter(slug=slug).first()
    return with_active_from_history(product, today=today) if product is not None else None


@lru_cache(maxsize=4)
def _visible_products_for_page(today: datetime.date) -> QuerySet[Product]:
    # Built once a day and only ever cloned (like _visible_card_rows): a fifth of the page's time otherwise.
    visible = products_visible_to_shoppers(today=today).select_related("category__parent")
    return with_shopper_relations(visible, today=today, history=True)


class ShopperAccess(enum.Enum):
    VISIBLE = "visible"
    NOT_FOUND = "not_found"  # hidden by staff, unpublished, or never certified: 404
    EXPIRED = "expired"  # certificate lapsed: 410 with an explanation
    REVOKED = "revoked"  # certificate revoked by a decision: 410 with an explanation


def products_for_staff_list(
    queryset: QuerySet[Product], *, today: datetime.date | None = None
) -> QuerySet[Product]:
    """The staff product list in one query: `shopper_visible` from the one visibility rule
    (products_visible_to_shoppers), `is_hidden` (an open staff hiding), and the active certificate's
    `cert_stars` and `cert_valid_until` (None without one)."""
    open_moderation = ProductModeration.objects.open().filter(product=OuterRef("pk"))
    backing = (
        active_certifications(today=today).filter(product=OuterRef("pk")).order_by("-stars", "-valid_until")
    )
    return queryset.annotate(
        shopper_visible=Exists(products_visible_to_shoppers(today=today).filter(pk=OuterRef("pk"))),
        is_hidden=Exists(open_moderation),
        cert_stars=Subquery(backing.values("stars")[:1]),
        cert_valid_until=Subquery(backing.values("valid_until")[:1]),
    )


def product_shopper_access(*, product: Product, today: datetime.date | None = None) -> ShopperAccess:
    """Why a product is or is not visible, for the status code of its page. Agrees with
    products_visible_to_shoppers (tested over every combination)."""
    if products_visible_to_shoppers(today=today).filter(pk=product.pk).exists():
        return ShopperAccess.VISIBLE
    hidden = ProductModeration.objects.open().filter(product=product).exists()
    suspended = Product.objects.filter(pk=product.pk, producer__suspended_at__isnull=False).exists()
    if hidden or suspended or not product.is_published:
        return ShopperAccess.NOT_FOUND
    latest = Certification.objects.filter(product=product).order_by("-valid_from", "-id").first()
    if latest is None:
        return ShopperAccess.NOT_FOUND
    if latest.state == CertificationState.REVOKED:
        return ShopperAccess.REVOKED
    return ShopperAccess.EXPIRED


def latest_certification(*, product: Product) -> Certification | None:
    return (
        Certification.objects.filter(product=product)
        .select_related("decision", "revoked_by")
        .order_by("-valid_from", "-id")
        .first()
    )


class ProductPageText(TypedDict):
    """The product page's words in the page's language: a translation's where one exists, else the base."""

    name: str
    description: str
    seo_title: str
    seo_description: str
    category: str
    parent_category: str
    variants: dict[int, str]  # variant id -> its name


def product_page_text(*, product: Product, language_code: str | None = None) -> ProductPageText:
    """The words of a product page (`visible_product_for_page`'s product, category and parent loaded):
    with `language_code`, three queries for the product's, its categories' and its variants' translations."""
    category = product.category
    parent = category.parent
    variant_names = {variant.pk: variant.name for variant in product.variants.all()}
    text = ProductPageText(
        name=product.name,
        description=product.description,
        seo_title=product.seo_title,
        seo_description=product.seo_description,
        category=category.name,
        parent_category=parent.name if parent is not None else "",
        variants=variant_names,
    )
    if language_code is None:
        return text
    translation = product.translations.filter(language_code=language_code).first()
    if translation is not None and translation.name:
        text["name"] = translation.name
        text["description"] = translation.description or product.description
        text["seo_title"] = translation.seo_title
        text["seo_description"] = translation.seo_description
    groups = translated_names(CategoryTranslation, [category.pk, category.parent_id or 0], language_code)
    text["category"] = groups.get(category.pk, text["category"])
    if parent is not None:
        text["parent_category"] = groups.get(parent.pk, text["parent_category"])
    text["variants"] = variant_names | translated_names(
        ProductVariantTranslation, variant_names, language_code
    )
    return text


def categories_with_parents(*, language_code: str | None = None) -> list[Category]:
    """Every category in menu order, each with its parent attached: one query for a listing's groups, its
    scope and the breadcrumbs. Each has `display_name`: its name in `language_code` where translated (one
    more query), else its own."""
    categories = list(Category.objects.all())
    names = (
        translated_names(CategoryTranslation, [c.pk for c in categories], language_code)
        if language_code
        else {}
    )
    for category in categories:
        category.display_name = names.get(category.pk, category.name)
    by_id = {category.pk: category for category in categories}
    for category in categories:
        category.parent = by_id.get(category.parent_id) if category.parent_id is not None else None
    return categories


def collection_cards(
    *,
    slug: str,
    limit: int | None = None,
    today: datetime.date | None = None,
    language_code: str | None = None,
) -> list[ProductCard]:
    """Cards of the visible products of the collection `slug`, in the collection's order."""
    return product_cards(
        where=Q(collection_entries__collection__slug=slug),
        order_by=("collection_entries__sort_order", "id"),
        limit=limit,
        today=today,
        language_code=language_code,
    )


RELATED_LIMIT = 8


def related_product_cards(
    *,
    product: Product,
    limit: int = RELATED_LIMIT,
    today: datetime.date | None = None,
    language_code: str | None = None,
) -> list[ProductCard]:
    """Cards for a product page's "related products": other visible products of the same producer first,
    then of the same product group (the category's root), newest first; one query."""
    group_id = product.category.parent_id or product.category_id
    same_producer = Q(producer_id=product.producer_id)
    return product_cards(
        where=(same_producer | Q(category_id=group_id) | Q(category__parent_id=group_id)) & ~Q(pk=product.pk),
        order_by=(
            Case(When(same_producer, then=Value(0)), default=Value(1)).asc(),
            "-created_at",
            "-id",
        ),
        limit=min(max(limit, 0), RELATED_LIMIT),
        today=today,
        language_code=language_code,
    )


# --- Producer portal (issue 7): everything is filtered by the producer first -----------------------


class _PortalAnnotations(TypedDict):
    is_hidden: bool  # an open staff hiding
    is_certified: bool  # an active certificate today


if TYPE_CHECKING:  # django-stubs' annotated-model type exists only for the checker
    from django_stubs_ext import WithAnnotations

    PortalProduct = WithAnnotations[Product, _PortalAnnotations]


def products_of_producer(
    *, producer_id: int, today: datetime.date | None = None
) -> "QuerySet[PortalProduct]":
    """The portal's product list: one producer's products with what the list shows, in a constant number
    of queries. Annotated: `is_hidden` (open staff hiding), `is_certified` (active certificate today)."""
    open_moderation = ProductModeration.objects.open().filter(product=OuterRef("pk"))
    backing = active_certifications(today=today).filter(product=OuterRef("pk"))
    return (
        Product.objects.filter(producer_id=producer_id)
        .select_related("category", "producer")
        .prefetch_related(
            _active_certificates_prefetch(today),
            Prefetch(
                "variants",
                queryset=ProductVariant.objects.select_related("stock").order_by("sort_order", "id"),
            ),
            "images",
        )
        .annotate(is_hidden=Exists(open_moderation), is_certified=Exists(backing))
        .order_by("name", "id")
    )


def products_to_claim(*, producer_id: int, today: datetime.date | None = None) -> "QuerySet[PortalProduct]":
    """Certified but unlisted: created by an import (unpublished) and holding an active certificate."""
    return products_of_producer(producer_id=producer_id, today=today).filter(
        is_published=False, is_certified=True, is_hidden=False
    )


def products_listed_of_producer(*, producer_id: int, today: datetime.date | None = None) -> QuerySet[Product]:
    """What shoppers see of this producer right now (the visibility rule, scoped to the producer)."""
    return products_visible_to_shoppers(today=today).filter(producer_id=producer_id).order_by("name", "id")


def producer_product_get(*, producer_id: int, product_id: int) -> Product | None:
    """A product only when it belongs to the producer (None otherwise: the caller answers 404)."""
    return products_of_producer(producer_id=producer_id).filter(pk=product_id).first()


def variants_low_on_stock(*, producer_id: int, threshold: int) -> QuerySet[ProductVariant]:
    return (
        ProductVariant.objects.filter(product__producer_id=producer_id, product__is_published=True)
        .select_related("product", "stock")
        .filter(stock__isnull=False)
        .exclude(stock_available("stock__", more_than=threshold))
        .order_by("stock__quantity", "id")
    )


# --- Staff overview (issue 7) ----------------------------------------------------------------------


def certified_products_by_province(*, today: datetime.date | None = None) -> list[tuple[str, int]]:
    """(province code, number of products holding an active certificate), most first."""
    from django.db.models import Count

    rows = (
        active_certifications(today=today)
        .values("product__producer__province")
        .annotate(n=Count("product", distinct=True))
        .order_by("-n", "product__producer__province")
    )
    return [(row["product__producer__province"], row["n"]) for row in rows]


def certified_products_by_stars(*, today: datetime.date | None = None) -> list[tuple[int, int]]:
    from django.db.models import Count

    counts = dict(
        active_certifications(today=today).values_list("stars").annotate(n=Count("product", distinct=True))
    )
    return [(stars, counts.get(stars, 0)) for stars in (3, 4, 5)]


def certificate_expiries_by_month(
    *, months: int = 12, today: datetime.date | None = None
) -> list[tuple[datetime.date, int]]:
    """Active certificates ending in each of the next `months` calendar months (this month first)."""
    from django.db.models import Count
    from django.db.models.functions import TruncMonth

    from marketplace.core.dates import add_months

    start = _today(today).replace(day=1)
    end = add_months(start, months)
    counts = {
        row["month"]: row["n"]
        for row in active_certifications(today=today)
        .filter(valid_until__lt=end)
        .annotate(month=TruncMonth("valid_until"))
        .values("month")
        .annotate(n=Count("id"))
    }
    return [(add_months(start, i), counts.get(add_months(start, i), 0)) for i in range(months)]


def products_with_certificate_expiring(
    *, within_days: int, today: datetime.date | None = None
) -> QuerySet[Product]:
    """Products whose active certificate ends within `within_days` (annotated `cert_valid_until`,
    `cert_stars`, `cert_decision`), soonest first."""
    from django.db.models import Subquery

    today = _today(today)
    ending = active_certifications(today=today).filter(
        product=OuterRef("pk"), valid_until__lte=today + datetime.timedelta(days=within_days)
    )
    return (
        Product.objects.filter(Exists(ending))
        .annotate(
            cert_valid_until=Subquery(ending.values("valid_until")[:1]),
            cert_stars=Subquery(ending.values("stars")[:1]),
            cert_decision=Subquery(ending.values("decision__number")[:1]),
        )
        .select_related("producer", "category")
        .order_by("cert_valid_until", "id")
    )


def product_translation(*, product_id: int, language_code: str) -> ProductTranslation | None:
    """A product's translation into one language (the portal's English panel), or None."""
    return ProductTranslation.objects.filter(product_id=product_id, language_code=language_code).first()
