"""Writes to the catalogue. Keyword-only, typed, transactional."""

import nh3
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from marketplace.catalog.error_codes import CatalogErrorCode
from marketplace.catalog.models import (
    Category,
    Product,
    ProductModeration,
    ProductVariant,
    Stock,
)
from marketplace.core.text import slugify_vi
from marketplace.producers.models import Producer

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "a",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def sanitize_description(html: str) -> str:
    """Rich text from producers, reduced to harmless markup (no scripts, styles, event handlers)."""
    return nh3.clean(
        html or "", tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, link_rel="nofollow noopener"
    )


def unique_product_slug(name: str, *, producer: Producer | None = None, exclude_pk: int | None = None) -> str:
    base = slugify_vi(name, max_length=90)
    candidates = [base]
    if producer is not None:
        candidates.append(slugify_vi(f"{name} {producer.name}", max_length=110))
    candidates += [f"{base}-{n}" for n in range(2, 1000)]
    taken = set(
        Product.objects.filter(slug__in=candidates).exclude(pk=exclude_pk).values_list("slug", flat=True)
    )
    return next(slug for slug in candidates if slug not in taken)


@transaction.atomic
def product_create(
    *,
    producer: Producer,
    category: Category,
    name: str,
    description: str = "",
    is_published: bool = False,
    slug: str | None = None,
    seo_title: str = "",
    seo_description: str = "",
) -> Product:
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Tên sản phẩm là bắt buộc."}, code=CatalogErrorCode.REQUIRED.value)
    product = Product(
        producer=producer,
        category=category,
        name=name,
        slug=slug or unique_product_slug(name, producer=producer),
        description=sanitize_description(description),
        is_published=is_published,
        seo_title=seo_title[:120],
        seo_description=seo_description[:300],
    )
    product.full_clean()
    product.save()
    return product


_UPDATABLE = {"name", "category", "description", "is_published", "seo_title", "seo_description"}


@transaction.atomic
def product_update(*, product: Product, **changes) -> Product:
    unknown = set(changes) - _UPDATABLE
    if unknown:
        raise ValidationError(
            f"Cannot change {', '.join(sorted(unknown))}", code=CatalogErrorCode.INVALID.value
        )
    if "description" in changes:
        changes["description"] = sanitize_description(changes["description"])
    for field, value in changes.items():
        setattr(product, field, value)
    product.full_clean()
    product.save()
    return product


@transaction.atomic
def variant_create(
    *,
    product: Product,
    sku: str,
    price_amount: int,
    name: str = "",
    weight_grams: int | None = None,
    quantity: int = 0,
) -> ProductVariant:
    if price_amount < 0:
        raise ValidationError({"price_amount": "Giá không được âm."}, code=CatalogErrorCode.INVALID.value)
    if quantity < 0:
        raise ValidationError({"quantity": "Số lượng không được âm."}, code=CatalogErrorCode.INVALID.value)
    variant = ProductVariant(
        product=product, sku=sku, name=name, price_amount=price_amount, weight_grams=weight_grams
    )
    variant.full_clean()
    variant.save()
    Stock.objects.create(variant=variant, quantity=quantity)
    return variant


@transaction.atomic
def stock_set(*, variant: ProductVariant, quantity: int) -> Stock:
    if quantity < 0:
        raise ValidationError({"quantity": "Số lượng không được âm."}, code=CatalogErrorCode.INVALID.value)
    stock, _ = Stock.objects.select_for_update().get_or_create(variant=variant)
    stock.quantity = quantity
    stock.save(update_fields=["quantity"])
    return stock


@transaction.atomic
def product_hide(*, product: Product, by, reason: str) -> ProductModeration:
    """Staff hides a product: it leaves every list at once (the visibility selector sees the open record)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Cần ghi lý do ẩn sản phẩm."}, code=CatalogErrorCode.REQUIRED.value)
    Product.objects.select_for_update().filter(pk=product.pk).first()
    if ProductModeration.objects.filter(product=product, unhidden_at__isnull=True).exists():
        raise ValidationError("Sản phẩm đã bị ẩn.", code=CatalogErrorCode.ALREADY_HIDDEN.value)
    return ProductModeration.objects.create(product=product, reason=reason, hidden_by=by)


@transaction.atomic
def product_unhide(*, product: Product, by) -> ProductModeration:
    Product.objects.select_for_update().filter(pk=product.pk).first()
    moderation = ProductModeration.objects.filter(product=product, unhidden_at__isnull=True).first()
    if moderation is None:
        raise ValidationError("Sản phẩm không bị ẩn.", code=CatalogErrorCode.NOT_HIDDEN.value)
    moderation.unhidden_by = by
    moderation.unhidden_at = timezone.now()
    moderation.save(update_fields=["unhidden_by", "unhidden_at"])
    return moderation


@transaction.atomic
def product_delete(*, product: Product) -> None:
    """Delete a product that never held a certificate (certified ones stay, as the public record of their
    decisions; their producer unpublishes them instead)."""
    from django.db.models import ProtectedError

    Product.objects.select_for_update().filter(pk=product.pk).first()
    if product.certifications.exists():
        raise ValidationError(
            "Sản phẩm đã được chứng nhận OCOP không thể xoá; hãy ngừng bán.",
            code=CatalogErrorCode.INVALID.value,
        )
    try:
        product.delete()
    except ProtectedError as exc:
        raise ValidationError(
            "Sản phẩm đã có đơn hàng nên không thể xoá; hãy ngừng bán.", code=CatalogErrorCode.INVALID.value
        ) from exc


_VARIANT_UPDATABLE = {"sku", "name", "price_amount", "weight_grams"}


@transaction.atomic
def variant_update(*, variant: ProductVariant, **changes) -> ProductVariant:
    unknown = set(changes) - _VARIANT_UPDATABLE
    if unknown:
        raise ValidationError(
            f"Cannot change {', '.join(sorted(unknown))}", code=CatalogErrorCode.INVALID.value
        )
    if changes.get("price_amount") is not None and changes["price_amount"] < 0:
        raise ValidationError({"price_amount": "Giá không được âm."}, code=CatalogErrorCode.INVALID.value)
    for field, value in changes.items():
        setattr(variant, field, value)
    variant.full_clean()
    variant.save()
    return variant
