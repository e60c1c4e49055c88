"""Writes to the catalogue. Keyword-only, typed, transactional."""

import nh3
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from marketplace.catalog.error_codes import CatalogErrorCode
from marketplace.catalog.models import (
    Category,
    Product,
    ProductImage,
    ProductModeration,
    ProductVariant,
    Stock,
)
from marketplace.core.images import clean_uploaded_image
from marketplace.core.text import slugify_vi
from marketplace.producers.models import Producer
from marketplace.producers.selectors import producer_email_recipients
from marketplace.search.services import search_products_changed

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
    search_products_changed(product_ids=[product.pk])
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
    search_products_changed(product_ids=[product.pk])
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
    search_products_changed(product_ids=[product.pk])
    return variant


@transaction.atomic
def stock_set(*, variant: ProductVariant, quantity: int) -> Stock:
    if quantity < 0:
        raise ValidationError({"quantity": "Số lượng không được âm."}, code=CatalogErrorCode.INVALID.value)
    stock, _ = Stock.objects.select_for_update().get_or_create(variant=variant)
    stock.quantity = quantity
    stock.save(update_fields=["quantity"])
    search_products_changed(product_ids=[variant.product_id])
    return stock


@transaction.atomic
def product_hide(*, product: Product, by, reason: str) -> ProductModeration:
    """Staff hides a product: it leaves every list at once (the visibility selector sees the open record)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Cần ghi lý do ẩn sản phẩm."}, code=CatalogErrorCode.REQUIRED.value)
    Product.objects.select_for_update().filter(pk=product.pk).first()
    if ProductModeration.objects.open().filter(product=product).exists():
        raise ValidationError("Sản phẩm đã bị ẩn.", code=CatalogErrorCode.ALREADY_HIDDEN.value)
    moderation = ProductModeration.objects.create(product=product, reason=reason, hidden_by=by)
    from marketplace.catalog.tasks import product_hidden_notify_task

    # The producer hears about it only once the hiding is really stored.
    transaction.on_commit(lambda: product_hidden_notify_task.delay(moderation.pk))
    search_products_changed(product_ids=[product.pk])
    return moderation


@transaction.atomic
def product_unhide(*, product: Product, by) -> ProductModeration:
    Product.objects.select_for_update().filter(pk=product.pk).first()
    moderation = ProductModeration.objects.open().filter(product=product).first()
    if moderation is None:
        raise ValidationError("Sản phẩm không bị ẩn.", code=CatalogErrorCode.NOT_HIDDEN.value)
    moderation.unhidden_by = by
    moderation.unhidden_at = timezone.now()
    moderation.save(update_fields=["unhidden_by", "unhidden_at"])
    search_products_changed(product_ids=[product.pk])
    return moderation


def product_hidden_notify(*, moderation_id: int) -> int:
    """E-mail the producer (its address and its members) that staff hid a product, with the reason.
    Returns the number of recipients."""
    moderation = (
        ProductModeration.objects.select_related("product__producer", "hidden_by")
        .open()
        .filter(pk=moderation_id)
        .first()
    )
    if moderation is None:  # undone before the task ran: nothing to say
        return 0
    producer = moderation.product.producer
    recipients = producer_email_recipients(producer)
    if not recipients:
        return 0
    context = {"moderation": moderation, "product": moderation.product, "producer": producer}
    context["site_url"] = settings.SITE_URL
    subject = f"[Chợ OCOP] Sản phẩm “{moderation.product.name}” đã bị ẩn / Product hidden by staff"
    body = render_to_string("catalog/email/product_hidden.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    return len(recipients)


# --- Producer portal writes (issue 7) -------------------------------------------------------------
# Views fetch objects through producer-scoped selectors; these services check the scope again when
# given `by` (the acting user), so a mistake in one layer cannot reach another producer's data.


def ensure_can_manage(*, by, producer_id: int) -> None:
    """`by` acts for the producer: a member of it (owner or staff). None means a trusted system caller."""
    if by is None:
        return
    if not (by.is_authenticated and by.producer_memberships.filter(producer_id=producer_id).exists()):
        raise PermissionDenied("Not a member of this producer")


def _next_sku(product: Product) -> str:
    count = product.variants.count()
    base = f"P{product.pk}"
    candidates = [f"{base}-{n}" for n in range(count + 1, count + 50)]
    taken = set(ProductVariant.objects.filter(sku__in=candidates).values_list("sku", flat=True))
    return next(sku for sku in candidates if sku not in taken)


@transaction.atomic
def product_variant_add(
    *,
    product: Product,
    price_amount: int,
    quantity: int = 0,
    name: str = "",
    sku: str = "",
    weight_grams: int | None = None,
    by=None,
) -> ProductVariant:
    """A new variant with its stock; a blank SKU gets one made from the product id."""
    ensure_can_manage(by=by, producer_id=product.producer_id)
    sku = (sku or "").strip() or _next_sku(product)
    if ProductVariant.objects.filter(sku=sku).exists():
        raise ValidationError({"sku": "Mã SKU này đã được dùng."}, code=CatalogErrorCode.UNIQUE.value)
    return variant_create(
        product=product,
        sku=sku,
        price_amount=price_amount,
        name=name.strip(),
        weight_grams=weight_grams,
        quantity=quantity,
    )


@transaction.atomic
def product_set_published(*, product: Product, is_published: bool, by=None) -> Product:
    """The producer's own switch. Publishing needs a priced variant; shoppers still see the product only
    while it holds an active certificate and is not hidden by staff (products_visible_to_shoppers)."""
    ensure_can_manage(by=by, producer_id=product.producer_id)
    product = Product.objects.select_for_update().get(pk=product.pk)
    if is_published and not product.variants.exists():
        raise ValidationError(
            "Cần ít nhất một phân loại có giá trước khi đăng bán. / Add a variant with a price first.",
            code=CatalogErrorCode.INVALID.value,
        )
    product.is_published = is_published
    product.save(update_fields=["is_published", "updated_at"])
    search_products_changed(product_ids=[product.pk])
    return product


@transaction.atomic
def product_image_add(*, product: Product, uploaded_file, alt: str = "", by=None) -> ProductImage:
    """Validate (type from the bytes, size, dimensions, bomb guard), re-encode, thumbnail, store."""
    ensure_can_manage(by=by, producer_id=product.producer_id)
    Product.objects.select_for_update().filter(pk=product.pk).first()  # serialise the count check
    existing = product.images.count()
    if existing >= settings.PRODUCT_MAX_IMAGES:
        raise ValidationError(
            f"Tối đa {settings.PRODUCT_MAX_IMAGES} ảnh cho một sản phẩm. / Too many images.",
            code=CatalogErrorCode.INVALID.value,
        )
    clean = clean_uploaded_image(uploaded_file)
    image = ProductImage(
        product=product,
        alt=(alt or product.name).strip()[:255],
        sort_order=existing,
        width=clean.width,
        height=clean.height,
    )
    image.image.save(f"{product.pk}/{clean.content.name}", clean.content, save=False)
    image.thumbnail.save(f"{product.pk}/{clean.thumbnail.name}", clean.thumbnail, save=False)
    image.save()
    search_products_changed(product_ids=[product.pk])
    return image


@transaction.atomic
def product_image_delete(*, image: ProductImage, by=None) -> None:
    ensure_can_manage(by=by, producer_id=image.product.producer_id)
    files = [f for f in (image.image, image.thumbnail) if f]
    storage_names = [(f.storage, f.name) for f in files]
    product_id = image.product_id
    image.delete()
    search_products_changed(product_ids=[product_id])
    # Remove the files only once the row is really gone.
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in storage_names])


@transaction.atomic
def product_claim(
    *,
    product: Product,
    price_amount: int,
    quantity: int,
    variant_name: str = "",
    sku: str = "",
    uploaded_image=None,
    alt: str = "",
    by=None,
) -> Product:
    """Claim and list a certified product created by an import: add a variant with price and stock
    (and an image), then publish. All or nothing."""
    ensure_can_manage(by=by, producer_id=product.producer_id)
    if product.is_published:
        raise ValidationError("Sản phẩm đã được đăng bán.", code=CatalogErrorCode.INVALID.value)
    product_variant_add(
        product=product, price_amount=price_amount, quantity=quantity, name=variant_name, sku=sku, by=by
    )
    if uploaded_image is not None:
        product_image_add(product=product, uploaded_file=uploaded_image, alt=alt, by=by)
    return product_set_published(product=product, is_published=True, by=by)


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
    product_id = product.pk
    try:
        product.delete()
        search_products_changed(product_ids=[product_id])  # removes it from an external index
    except ProtectedError as exc:
        raise ValidationError(
            "Sản phẩm đã có đơn hàng nên không thể xoá; hãy ngừng bán.", code=CatalogErrorCode.INVALID.value
        ) from exc


_VARIANT_UPDATABLE = {"sku", "name", "price_amount", "weight_grams"}


@transaction.atomic
def variant_update(*, variant: ProductVariant, by=None, **changes) -> ProductVariant:
    """Change some of a variant's fields; `by` (when given) must act for the variant's producer."""
    ensure_can_manage(by=by, producer_id=variant.product.producer_id)
    unknown = set(changes) - _VARIANT_UPDATABLE
    if unknown:
        raise ValidationError(
            f"Cannot change {', '.join(sorted(unknown))}", code=CatalogErrorCode.INVALID.value
        )
    if changes.get("price_amount") is not None and changes["price_amount"] < 0:
        raise ValidationError({"price_amount": "Giá không được âm."}, code=CatalogErrorCode.INVALID.value)
    for text_field in ("sku", "name"):
        if changes.get(text_field) is not None:
            changes[text_field] = changes[text_field].strip()
    if (
        changes.get("sku")
        and ProductVariant.objects.filter(sku=changes["sku"]).exclude(pk=variant.pk).exists()
    ):
        raise ValidationError({"sku": "Mã SKU này đã được dùng."}, code=CatalogErrorCode.UNIQUE.value)
    variant = ProductVariant.objects.select_for_update().get(pk=variant.pk)
    for field, value in changes.items():
        setattr(variant, field, value)
    variant.full_clean()
    variant.save(update_fields=sorted(changes) or None)
    search_products_changed(product_ids=[variant.product_id])
    return variant


@transaction.atomic
def variant_update_with_stock(
    *,
    variant: ProductVariant,
    name: str,
    sku: str,
    price_amount: int,
    weight_grams: int | None,
    quantity: int,
    by=None,
) -> ProductVariant:
    """The portal's variant form: fields and stock change together or not at all."""
    variant = variant_update(
        variant=variant, name=name, sku=sku, price_amount=price_amount, weight_grams=weight_grams, by=by
    )
    stock_set(variant=variant, quantity=quantity)
    return variant
