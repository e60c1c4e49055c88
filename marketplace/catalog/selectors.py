"""Reads of the catalogue. `products_visible_to_shoppers` is THE rule for what a shopper may see; pages,
search, the API, the sitemap and the cart all start from it."""

import datetime
import enum

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from marketplace.catalog.models import Category, Collection, Product, ProductModeration, ProductVariant
from marketplace.certification.models import Certification, CertificationState


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def active_certifications(*, today: datetime.date | None = None) -> QuerySet[Certification]:
    """Certificates that back a star today: active state and not past valid_until (even before the daily
    expiry task has run)."""
    return Certification.objects.filter(state=CertificationState.ACTIVE, valid_until__gte=_today(today))


def products_visible_to_shoppers(*, today: datetime.date | None = None) -> QuerySet[Product]:
    """Published by its producer, not hidden by staff, holding an active certification."""
    open_moderation = ProductModeration.objects.filter(product=OuterRef("pk"), unhidden_at__isnull=True)
    backing = active_certifications(today=today).filter(product=OuterRef("pk"))
    return Product.objects.filter(is_published=True).filter(~Exists(open_moderation), Exists(backing))


def with_shopper_relations(
    queryset: QuerySet[Product], *, today: datetime.date | None = None
) -> QuerySet[Product]:
    """What a card or a product page shows, in a constant number of queries: producer, category, the active
    certificate with its decision (as `product.active_certification_list`), variants with stock, images."""
    return queryset.select_related("producer", "category").prefetch_related(
        Prefetch(
            "certifications",
            queryset=active_certifications(today=today).select_related("decision"),
            to_attr="active_certification_list",
        ),
        Prefetch(
            "variants", queryset=ProductVariant.objects.select_related("stock").order_by("sort_order", "id")
        ),
        "images",
    )


def product_active_certification(product: Product) -> Certification | None:
    """The active certificate of a product loaded through with_shopper_relations (no query)."""
    certs = getattr(product, "active_certification_list", None)
    if certs is None:
        certs = list(active_certifications().filter(product=product).select_related("decision"))
    return certs[0] if certs else None


class ShopperAccess(enum.Enum):
    VISIBLE = "visible"
    NOT_FOUND = "not_found"  # hidden by staff, unpublished, or never certified: 404
    EXPIRED = "expired"  # certificate lapsed: 410 with an explanation
    REVOKED = "revoked"  # certificate revoked by a decision: 410 with an explanation


def product_shopper_access(*, product: Product, today: datetime.date | None = None) -> ShopperAccess:
    """Why a product is or is not visible, for the status code of its page. Agrees with
    products_visible_to_shoppers (tested over every combination)."""
    if products_visible_to_shoppers(today=today).filter(pk=product.pk).exists():
        return ShopperAccess.VISIBLE
    hidden = ProductModeration.objects.filter(product=product, unhidden_at__isnull=True).exists()
    if hidden or not product.is_published:
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


def category_roots() -> QuerySet[Category]:
    return Category.objects.filter(parent__isnull=True).order_by("sort_order", "name")


def collection_products(*, slug: str, today: datetime.date | None = None) -> QuerySet[Product]:
    collection = Collection.objects.filter(slug=slug).first()
    if collection is None:
        return Product.objects.none()
    return with_shopper_relations(
        products_visible_to_shoppers(today=today)
        .filter(collection_entries__collection=collection)
        .order_by("collection_entries__sort_order", "id"),
        today=today,
    )


def products_of_producer_member(*, user) -> QuerySet[Product]:
    """Producer scope: the products a user may manage (staff with permission: all)."""
    if user.is_authenticated and user.is_staff and user.has_perm("catalog.change_product"):
        return Product.objects.all()
    if not user.is_authenticated:
        return Product.objects.none()
    return Product.objects.filter(producer__memberships__user=user)
