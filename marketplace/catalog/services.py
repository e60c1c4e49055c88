"""Writes to the catalogue. Keyword-only, typed, transactional."""

from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from marketplace.catalog.error_codes import CatalogErrorCode
from marketplace.catalog.models import (
    PRODUCT_DESCRIPTION_MAX_LENGTH,
    Category,
    CategoryTranslation,
    Collection,
    CollectionTranslation,
    Product,
    ProductImage,
    ProductModeration,
    ProductTranslation,
    ProductVariant,
    ProductVariantTranslation,
    Stock,
    TakedownRequest,
    TakedownStatus,
)
from marketplace.core.html import sanitize_description
from marketplace.core.images import clean_uploaded_image
from marketplace.core.text import slugify_vi
from marketplace.core.translations import translation_save
from marketplace.producers.models import Producer
from marketplace.producers.policies import (
    Actor,
    ProducerAction,
    acting_user,
    require_producer_action,
    require_staff_with,
    require_system,
)
from marketplace.producers.selectors import producer_mail_recipients
from marketplace.producers.services import require_verified_seller
from marketplace.search.services import search_products_changed

# Hiding is staff moderation, not a producer action: members of the producer never pass.
HIDE_PERMISSION = "catalog.add_productmoderation"
UNHIDE_PERMISSION = "catalog.change_productmoderation"


def _require_catalogue(by: Actor, producer_id: int) -> None:
    require_producer_action(actor=by, action=ProducerAction.MANAGE_CATALOGUE, producer_id=producer_id)


def _unique_product_slug(
    name: str, *, producer: Producer | None = None, exclude_pk: int | None = None
) -> str:
    base = slugify_vi(name, max_length=90)
    candidates = [base]
    if producer is not None:
        candidates.append(slugify_vi(f"{name} {producer.name}", max_length=110))
    candidates += [f"{base}-{n}" for n in range(2, 1000)]
    same_slug = Product.objects.filter(slug__in=candidates)
    if exclude_pk is not None:
        same_slug = same_slug.exclude(pk=exclude_pk)
    taken = set(same_slug.values_list("slug", flat=True))
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
    origin: str = "",
    by: Actor,
) -> Product:
    require_producer_action(actor=by, action=ProducerAction.ADD_PRODUCT, producer_id=producer.pk)
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Tên sản phẩm là bắt buộc."}, code=CatalogErrorCode.REQUIRED.value)
    if is_published:
        require_verified_seller(producer)
    product = Product(
        producer=producer,
        category=category,
        name=name,
        slug=slug or _unique_product_slug(name, producer=producer),
        description=sanitize_description(description),
        is_published=is_published,
        seo_title=seo_title[:120],
        seo_description=seo_description[:300],
        origin=origin.strip(),
    )
    product.full_clean()
    product.save()
    search_products_changed(product_ids=[product.pk])
    return product


PRODUCT_UPDATABLE = (
    "name",
    "category",
    "description",
    "is_published",
    "seo_title",
    "seo_description",
    "origin",
)


@transaction.atomic
def product_update(*, product: Product, by: Actor, **changes: Any) -> Product:
    _require_catalogue(by, product.producer_id)
    unknown = set(changes) - set(PRODUCT_UPDATABLE)
    if unknown:
        raise ValidationError(
            f"Cannot change {', '.join(sorted(unknown))}", code=CatalogErrorCode.INVALID.value
        )
    if "description" in changes:
        changes["description"] = sanitize_description(changes["description"])
    if changes.get("is_published") and not product.is_published:
        require_verified_seller(product.producer)
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
    volume_ml: int | None = None,
    quantity: int = 0,
    by: Actor,
) -> ProductVariant:
    _require_catalogue(by, product.producer_id)
    if price_amount < 0:
        raise ValidationError({"price_amount": "Giá không được âm."}, code=CatalogErrorCode.INVALID.value)
    if quantity < 0:
        raise ValidationError({"quantity": "Số lượng không được âm."}, code=CatalogErrorCode.INVALID.value)
    variant = ProductVariant(
        product=product,
        sku=sku,
        name=name,
        price_amount=price_amount,
        weight_grams=weight_grams,
        volume_ml=volume_ml,
    )
    variant.full_clean()
    variant.save()
    Stock.objects.create(variant=variant, quantity=quantity)
    search_products_changed(product_ids=[product.pk])
    return variant


@transaction.atomic
def stock_set(*, variant: ProductVariant, quantity: int, by: Actor) -> Stock:
    _require_catalogue(by, variant.product.producer_id)
    if quantity < 0:
        raise ValidationError({"quantity": "Số lượng không được âm."}, code=CatalogErrorCode.INVALID.value)
    stock, _ = Stock.objects.select_for_update().get_or_create(variant=variant)
    stock.quantity = quantity
    stock.save(update_fields=["quantity"])
    search_products_changed(product_ids=[variant.product_id])
    return stock


@transaction.atomic
def product_hide(*, product: Product, by: Actor, reason: str) -> ProductModeration:
    """Staff hides a product: it leaves every list at once (the visibility selector sees the open record)."""
    require_staff_with(by, HIDE_PERMISSION)
    return _hide(product=product, by=by, reason=reason)


def _hide(*, product: Product, by: Actor, reason: str) -> ProductModeration:
    """The hiding itself, for callers that checked their own permission (staff moderation, a takedown)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Cần ghi lý do ẩn sản phẩm."}, code=CatalogErrorCode.REQUIRED.value)
    Product.objects.select_for_update().filter(pk=product.pk).first()
    if ProductModeration.objects.open().filter(product=product).exists():
        raise ValidationError("Sản phẩm đã bị ẩn.", code=CatalogErrorCode.ALREADY_HIDDEN.value)
    moderation = ProductModeration.objects.create(product=product, reason=reason, hidden_by=acting_user(by))
    from marketplace.catalog.tasks import product_hidden_notify_task

    # The producer hears about it only once the hiding is really stored.
    transaction.on_commit(lambda: product_hidden_notify_task.delay(moderation.pk))
    search_products_changed(product_ids=[product.pk])
    return moderation


@transaction.atomic
def product_unhide(*, product: Product, by: Actor) -> ProductModeration:
    require_staff_with(by, UNHIDE_PERMISSION)
    Product.objects.select_for_update().filter(pk=product.pk).first()
    moderation = ProductModeration.objects.open().filter(product=product).first()
    if moderation is None:
        raise ValidationError("Sản phẩm không bị ẩn.", code=CatalogErrorCode.NOT_HIDDEN.value)
    moderation.unhidden_by = acting_user(by)
    moderation.unhidden_at = timezone.now()
    moderation.save(update_fields=["unhidden_by", "unhidden_at"])
    search_products_changed(product_ids=[product.pk])
    return moderation


def product_hidden_notify(*, moderation_id: int, by: Actor) -> int:
    """E-mail the producer (its address and its active members) that staff hid a product, with the reason.
    Returns the number of recipients."""
    require_system(by)
    moderation = (
        ProductModeration.objects.select_related("product__producer", "hidden_by")
        .open()
        .filter(pk=moderation_id)
        .first()
    )
    if moderation is None:  # undone before the task ran: nothing to say
        return 0
    producer = moderation.product.producer
    recipients = producer_mail_recipients(producer=producer)
    if not recipients:
        return 0
    context = {
        "moderation": moderation,
        "product": moderation.product,
        "producer": producer,
        "site_url": settings.SITE_URL,
    }
    subject = f"[Chợ OCOP] Sản phẩm “{moderation.product.name}” đã bị ẩn / Product hidden by staff"
    body = render_to_string("catalog/email/product_hidden.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    return len(recipients)


# --- Producer portal writes (issue 7) -------------------------------------------------------------
# Views fetch objects through producer-scoped selectors; these services check the policy again with
# `by` (the acting party), so a mistake in one layer cannot reach another producer's data.


def _next_sku(product: Product) -> str:
    count = product.variants.count()
    base = f"P{product.pk}"
    candidates = [f"{base}-{n}" for n in range(count + 1, count + 50)]
    taken = set(ProductVariant.objects.filter(sku__in=candidates).values_list("sku", flat=True))
    return next(sku for sku in candidates if sku not in taken)


SKU_TAKEN_MESSAGE = "Mã hàng (SKU) này đã được dùng cho một loại hàng khác."


@transaction.atomic
def product_variant_add(
    *,
    product: Product,
    price_amount: int,
    quantity: int = 0,
    name: str = "",
    sku: str = "",
    weight_grams: int | None = None,
    volume_ml: int | None = None,
    by: Actor,
) -> ProductVariant:
    """A new variant with its stock; a blank SKU gets one made from the product id."""
    _require_catalogue(by, product.producer_id)
    sku = (sku or "").strip() or _next_sku(product)
    if ProductVariant.objects.filter(sku=sku).exists():
        raise ValidationError(
            {"sku": SKU_TAKEN_MESSAGE},
            code=CatalogErrorCode.UNIQUE.value,
        )
    return variant_create(
        product=product,
        sku=sku,
        price_amount=price_amount,
        name=name.strip(),
        weight_grams=weight_grams,
        volume_ml=volume_ml,
        quantity=quantity,
        by=by,
    )


@transaction.atomic
def product_set_published(*, product: Product, is_published: bool, by: Actor) -> Product:
    """The producer's own switch. Publishing needs a priced variant; shoppers still see the product only
    while it holds an active certificate and is not hidden by staff (products_visible_to_shoppers)."""
    _require_catalogue(by, product.producer_id)
    product = Product.objects.select_for_update().select_related("producer").get(pk=product.pk)
    if is_published and not product.is_published:
        require_verified_seller(product.producer)
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
def product_image_add(*, product: Product, uploaded_file: File, alt: str = "", by: Actor) -> ProductImage:
    """Validate (type from the bytes, size, dimensions, bomb guard), re-encode, WebP renditions, store."""
    _require_catalogue(by, product.producer_id)
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
    image.medium.save(f"{product.pk}/{clean.medium.name}", clean.medium, save=False)
    image.save()
    search_products_changed(product_ids=[product.pk])
    return image


@transaction.atomic
def product_image_delete(*, image: ProductImage, by: Actor) -> None:
    _require_catalogue(by, image.product.producer_id)
    files = [f for f in (image.image, image.thumbnail, image.medium) if f]
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
    uploaded_image: File | None = None,
    alt: str = "",
    by: Actor,
) -> Product:
    """Claim and list a certified product created by an import: add a variant with price and stock
    (and an image), then publish. All or nothing."""
    _require_catalogue(by, product.producer_id)
    if product.is_published:
        raise ValidationError("Sản phẩm đã được đăng bán.", code=CatalogErrorCode.INVALID.value)
    product_variant_add(
        product=product, price_amount=price_amount, quantity=quantity, name=variant_name, sku=sku, by=by
    )
    if uploaded_image is not None:
        product_image_add(product=product, uploaded_file=uploaded_image, alt=alt, by=by)
    return product_set_published(product=product, is_published=True, by=by)


@transaction.atomic
def product_delete(*, product: Product, by: Actor) -> None:
    """Delete a product that never held a certificate (certified ones stay, as the public record of their
    decisions; their producer unpublishes them instead)."""
    require_producer_action(actor=by, action=ProducerAction.DELETE_PRODUCT, producer_id=product.producer_id)
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


_VARIANT_UPDATABLE = {"sku", "name", "price_amount", "weight_grams", "volume_ml"}


@transaction.atomic
def variant_update(*, variant: ProductVariant, by: Actor, **changes: Any) -> ProductVariant:
    """Change some of a variant's fields; `by` must act for the variant's producer."""
    _require_catalogue(by, variant.product.producer_id)
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
        raise ValidationError(
            {"sku": SKU_TAKEN_MESSAGE},
            code=CatalogErrorCode.UNIQUE.value,
        )
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
    by: Actor,
    volume_ml: int | None = None,
) -> ProductVariant:
    """The portal's variant form: fields and stock change together or not at all."""
    variant = variant_update(
        variant=variant,
        name=name,
        sku=sku,
        price_amount=price_amount,
        weight_grams=weight_grams,
        volume_ml=volume_ml,
        by=by,
    )
    stock_set(variant=variant, quantity=quantity, by=by)
    return variant


# --- Takedown on request (issue 16) ---------------------------------------------------------------

TAKEDOWN_RECORD_PERMISSION = "catalog.add_takedownrequest"
TAKEDOWN_HANDLE_PERMISSION = "catalog.change_takedownrequest"


def _bounded(value: str, *, field: str, max_chars: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: "Trường này là bắt buộc."}, code=CatalogErrorCode.REQUIRED.value)
    if len(value) > max_chars:
        raise ValidationError({field: f"Tối đa {max_chars} ký tự."}, code=CatalogErrorCode.INVALID.value)
    return value


@transaction.atomic
def takedown_record(
    *, product: Product, by: Actor, requester: str, reference: str, reason: str, requester_contact: str = ""
) -> TakedownRequest:
    """Staff write down who asked to remove a listing, their reference and reason."""
    require_staff_with(by, TAKEDOWN_RECORD_PERMISSION)
    recorder = acting_user(by)
    if recorder is None:  # a system actor passes the staff check but cannot be the person on record
        raise PermissionDenied("permission_denied")
    return TakedownRequest.objects.create(
        product=product,
        requester=_bounded(requester, field="requester", max_chars=255),
        requester_contact=_bounded(
            requester_contact, field="requester_contact", max_chars=255, required=False
        ),
        reference=_bounded(reference, field="reference", max_chars=120),
        reason=_bounded(reason, field="reason", max_chars=4000),
        recorded_by=recorder,
    )


@transaction.atomic
def takedown_handle(*, takedown: TakedownRequest, by: Actor, remove: bool, note: str) -> TakedownRequest:
    """Remove the product (a staff hiding citing the request: it disappears everywhere at once) or reject
    the request; either way with a note, once."""
    require_staff_with(by, TAKEDOWN_HANDLE_PERMISSION)
    note = _bounded(note, field="note", max_chars=4000)
    takedown = TakedownRequest.objects.select_for_update().get(pk=takedown.pk)
    if takedown.status != TakedownStatus.OPEN:
        raise ValidationError("Yêu cầu này đã được xử lý.", code=CatalogErrorCode.INVALID.value)
    if remove:
        product = takedown.product
        open_hiding = ProductModeration.objects.open().filter(product=product).first()
        takedown.moderation = open_hiding or _hide(
            product=product,
            by=by,
            reason=f"Gỡ theo yêu cầu {takedown.reference} ({takedown.requester}): {note}",
        )
    takedown.status = TakedownStatus.REMOVED if remove else TakedownStatus.REJECTED
    takedown.handled_by = acting_user(by)
    takedown.handled_at = timezone.now()
    takedown.handling_note = note
    takedown.save(update_fields=["status", "handled_by", "handled_at", "handling_note", "moderation"])
    return takedown


# --- Translations (Saleor's `translation(languageCode)`; Vietnamese is the source) -------------------------

_DESCRIBED_LENGTHS = {
    "name": 255,
    "description": PRODUCT_DESCRIPTION_MAX_LENGTH,
    "seo_title": 120,
    "seo_description": 300,
}


@transaction.atomic
def product_translation_set(
    *,
    product: Product,
    language_code: str,
    name: str,
    description: str = "",
    seo_title: str = "",
    seo_description: str = "",
    by: Actor,
) -> ProductTranslation | None:
    """A member of the product's producer (or staff) writes its name and description in another language
    (`en`); the description is sanitised like the base one. All fields empty removes the translation."""
    _require_catalogue(by, product.producer_id)
    return translation_save(
        ProductTranslation,
        owner_field="product",
        owner=product,
        language_code=language_code,
        values=_described_values(name, description, seo_title, seo_description),
        max_lengths=_DESCRIBED_LENGTHS,
        rich_text="description",
        slug_from="name",
    )


@transaction.atomic
def variant_translation_set(
    *, variant: ProductVariant, language_code: str, name: str, by: Actor
) -> ProductVariantTranslation | None:
    """The variant's name (pack size) in another language, by whoever manages the product."""
    _require_catalogue(by, variant.product.producer_id)
    return translation_save(
        ProductVariantTranslation,
        owner_field="product_variant",
        owner=variant,
        language_code=language_code,
        values={"name": name},
        max_lengths={"name": 255},
    )


GroupTranslation = TypeVar("GroupTranslation", CategoryTranslation, CollectionTranslation)
CATEGORY_TRANSLATE_PERMISSION = "catalog.change_category"
COLLECTION_TRANSLATE_PERMISSION = "catalog.change_collection"


def _described_values(name: str, description: str, seo_title: str, seo_description: str) -> dict[str, str]:
    return {
        "name": name,
        "description": description,
        "seo_title": seo_title,
        "seo_description": seo_description,
    }


@transaction.atomic
def category_translation_set(
    *,
    category: Category,
    language_code: str,
    name: str,
    description: str = "",
    seo_title: str = "",
    seo_description: str = "",
    by: Actor,
) -> CategoryTranslation | None:
    """Staff translate the OCOP product groups."""
    require_staff_with(by, CATEGORY_TRANSLATE_PERMISSION)
    values = _described_values(name, description, seo_title, seo_description)
    return _group_translation_save(CategoryTranslation, "category", category, language_code, values)


@transaction.atomic
def collection_translation_set(
    *,
    collection: Collection,
    language_code: str,
    name: str,
    description: str = "",
    seo_title: str = "",
    seo_description: str = "",
    by: Actor,
) -> CollectionTranslation | None:
    """Staff translate curated collections."""
    require_staff_with(by, COLLECTION_TRANSLATE_PERMISSION)
    values = _described_values(name, description, seo_title, seo_description)
    return _group_translation_save(CollectionTranslation, "collection", collection, language_code, values)


def _group_translation_save(
    model: type[GroupTranslation],
    owner_field: str,
    owner: Category | Collection,
    language_code: str,
    values: dict[str, str],
) -> GroupTranslation | None:
    return translation_save(
        model,
        owner_field=owner_field,
        owner=owner,
        language_code=language_code,
        values=values,
        max_lengths=_DESCRIBED_LENGTHS,
        rich_text="description",
        slug_from="name",
    )
