import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from marketplace.accounts.models import User
from marketplace.core.images import clean_uploaded_image
from marketplace.core.provinces import province_code_for, province_in_address
from marketplace.core.text import slugify_vi
from marketplace.producers.error_codes import ProducerErrorCode
from marketplace.producers.models import (
    IdentityDocument,
    MembershipRole,
    Producer,
    ProducerKind,
    ProducerMembership,
    ProducerPhoto,
    SellerEvent,
    SellerEventKind,
)
from marketplace.producers.policies import (
    Actor,
    ProducerAction,
    acting_user,
    is_system,
    require_producer_action,
    require_staff_with,
)
from marketplace.search.services import search_products_changed

PRODUCER_MAX_PHOTOS = 12


def _unique_producer_slug(name: str) -> str:
    base = slugify_vi(name, max_length=90)
    taken = set(Producer.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, 10_000) if f"{base}-{n}" not in taken)


@transaction.atomic
def producer_create(
    *,
    name: str,
    kind: str,
    province: str,
    address: str = "",
    commune: str = "",
    registration_code: str = "",
    description: str = "",
    phone: str = "",
    email: str = "",
    contact_name: str = "",
    slug: str | None = None,
    by: Actor,
) -> Producer:
    """`province` may be a current code ('son-la') or a name as written, old or new ('Yên Bái')."""
    require_staff_with(by, "producers.add_producer")
    code = province if province in _codes() else province_code_for(province) or province_in_address(address)
    producer = Producer(
        name=name.strip(),
        slug=slug or _unique_producer_slug(name),
        kind=kind,
        province=code or "",
        province_as_written=province if province not in _codes() else "",
        address=address,
        commune=commune,
        registration_code=registration_code,
        description=description,
        phone=phone,
        email=email,
        contact_name=contact_name,
    )
    producer.full_clean()
    producer.save()
    return producer


def _codes() -> set[str]:
    from marketplace.core.provinces import BY_CODE

    return set(BY_CODE)


@transaction.atomic
def membership_add(
    *, producer: Producer, user: User, role: str = MembershipRole.STAFF, by: Actor
) -> ProducerMembership:
    """Who may act for a producer is staff's decision (or the demo loader's), never a member's."""
    require_staff_with(by, "producers.change_producer")
    membership, _ = ProducerMembership.objects.update_or_create(
        producer=producer, user=user, defaults={"role": role}
    )
    return membership


@transaction.atomic
def membership_remove(*, membership: ProducerMembership, by: Actor) -> None:
    require_staff_with(by, "producers.change_producer")
    membership.delete()


# What staff may change on a producer's record (the logo and photos come through the portal's image checks).
STAFF_FIELDS = {
    "name",
    "slug",
    "kind",
    "registration_code",
    "address",
    "commune",
    "province",
    "province_as_written",
    "description",
    "contact_name",
    "phone",
    "email",
    "website",
}


@transaction.atomic
def producer_update(*, producer: Producer, by: Actor, **changes: Any) -> Producer:
    """Staff correct a producer's record (the official name, kind, codes as well as the profile)."""
    require_staff_with(by, "producers.change_producer")
    return _producer_write(producer, changes, allowed=STAFF_FIELDS)


def _producer_write(producer: Producer, changes: dict[str, Any], *, allowed: set[str]) -> Producer:
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(
            f"Cannot change {', '.join(sorted(unknown))}", code=ProducerErrorCode.INVALID.value
        )
    producer = Producer.objects.select_for_update().get(pk=producer.pk)
    for field, value in changes.items():
        setattr(producer, field, value.strip() if isinstance(value, str) else value)
    producer.full_clean()
    producer.save()
    # Its name, kind and province are in every product's search document.
    search_products_changed(product_ids=producer.products.values_list("pk", flat=True))
    return producer


# --- Producer portal: the profile page content (issue 7) ----------------------------------------


def _require_profile(*, by: Actor, producer_id: int) -> None:
    require_producer_action(actor=by, action=ProducerAction.MANAGE_PROFILE, producer_id=producer_id)


# What members may change. Name, legal kind, registration code and slug come from the official records.
PROFILE_FIELDS = {
    "description",
    "address",
    "commune",
    "province",
    "contact_name",
    "phone",
    "email",
    "website",
}


@transaction.atomic
def producer_profile_update(*, producer: Producer, by: Actor, **changes: Any) -> Producer:
    _require_profile(by=by, producer_id=producer.pk)
    return _producer_write(producer, changes, allowed=PROFILE_FIELDS)


@transaction.atomic
def producer_logo_set(*, producer: Producer, uploaded_file: File, by: Actor) -> Producer:
    _require_profile(by=by, producer_id=producer.pk)
    clean = clean_uploaded_image(uploaded_file)
    producer = Producer.objects.select_for_update().get(pk=producer.pk)
    old = (producer.logo.storage, producer.logo.name) if producer.logo else None
    producer.logo.save(f"{producer.pk}/{clean.content.name}", clean.content, save=False)
    producer.save(update_fields=["logo", "updated_at"])
    if old:
        transaction.on_commit(lambda: old[0].delete(old[1]))
    return producer


@transaction.atomic
def producer_photo_add(*, producer: Producer, uploaded_file: File, alt: str = "", by: Actor) -> ProducerPhoto:
    _require_profile(by=by, producer_id=producer.pk)
    Producer.objects.select_for_update().filter(pk=producer.pk).first()
    existing = producer.photos.count()
    if existing >= PRODUCER_MAX_PHOTOS:
        raise ValidationError(
            f"Tối đa {PRODUCER_MAX_PHOTOS} ảnh. / At most {PRODUCER_MAX_PHOTOS} photos.",
            code=ProducerErrorCode.INVALID.value,
        )
    clean = clean_uploaded_image(uploaded_file)
    photo = ProducerPhoto(producer=producer, alt=(alt or producer.name).strip()[:255], sort_order=existing)
    photo.image.save(f"{producer.pk}/{clean.content.name}", clean.content, save=False)
    photo.thumbnail.save(f"{producer.pk}/{clean.thumbnail.name}", clean.thumbnail, save=False)
    photo.save()
    return photo


@transaction.atomic
def producer_photo_delete(*, photo: ProducerPhoto, by: Actor) -> None:
    _require_profile(by=by, producer_id=photo.producer_id)
    files = [(f.storage, f.name) for f in (photo.image, photo.thumbnail) if f]
    photo.delete()
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])


# --- Verified sellers (issue 16): identity checked by staff before trading; suspension --------------

VERIFY_PERMISSION = "producers.verify_producer"
SUSPEND_PERMISSION = "producers.suspend_producer"
REASON_MAX_CHARS = 2000


def _actor_label(by: Actor) -> str:
    return str(by) if is_system(by) else (getattr(by, "email", "") or str(by.pk))[:120]


def _seller_event(*, producer: Producer, by: Actor, kind: str, **fields: Any) -> SellerEvent:
    return SellerEvent.objects.create(
        producer=producer,
        kind=kind,
        actor=acting_user(by),
        actor_label=_actor_label(by),
        **fields,
    )


def _clean_code(document: str, code: str) -> str:
    code = "".join((code or "").split()).upper()
    if document not in IdentityDocument.values:
        raise ValidationError(
            {"document": "Loại giấy tờ không hợp lệ."}, code=ProducerErrorCode.INVALID.value
        )
    # Tax / enterprise codes: 10 digits, or 10 + "-" + 3 for a branch; citizen IDs: 12 digits.
    pattern = r"\d{12}" if document == IdentityDocument.CITIZEN_ID else r"\d{10}(-\d{3})?"
    if not re.fullmatch(pattern, code):
        raise ValidationError(
            {"code": "Số đăng ký / mã số thuế / số CCCD không đúng định dạng."},
            code=ProducerErrorCode.INVALID.value,
        )
    return code


@transaction.atomic
def producer_verify(*, producer: Producer, by: Actor, document: str, code: str) -> Producer:
    """Staff checked the seller's business registration or tax code (a household: its owner's citizen ID)
    against the official record: from now on its products may be published."""
    require_staff_with(by, VERIFY_PERMISSION)
    code = _clean_code(document, code)
    if document == IdentityDocument.CITIZEN_ID and producer.kind != ProducerKind.HOUSEHOLD:
        raise ValidationError(
            {"document": "Chỉ hộ kinh doanh được xác minh bằng CCCD của chủ hộ."},
            code=ProducerErrorCode.INVALID.value,
        )
    producer = Producer.objects.select_for_update().get(pk=producer.pk)
    producer.verified_at = timezone.now()
    producer.verified_document = document
    producer.verified_code = code
    producer.save(update_fields=["verified_at", "verified_document", "verified_code", "updated_at"])
    _seller_event(producer=producer, by=by, kind=SellerEventKind.VERIFIED, document=document, code=code)
    return producer


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Cần ghi lý do."}, code=ProducerErrorCode.INVALID.value)
    if len(reason) > REASON_MAX_CHARS:
        raise ValidationError(
            {"reason": f"Lý do tối đa {REASON_MAX_CHARS} ký tự."}, code=ProducerErrorCode.INVALID.value
        )
    return reason


@transaction.atomic
def producer_suspend(*, producer: Producer, by: Actor, reason: str) -> Producer:
    """Its products leave every list, page, search and cart at once: the visibility rule reads
    `suspended_at`, and the search trigger drops their documents in this transaction."""
    require_staff_with(by, SUSPEND_PERMISSION)
    reason = _clean_reason(reason)
    producer = Producer.objects.select_for_update().get(pk=producer.pk)
    if producer.suspended_at is not None:
        raise ValidationError("Người bán đã bị tạm ngừng.", code=ProducerErrorCode.INVALID.value)
    producer.suspended_at = timezone.now()
    producer.suspension_reason = reason
    producer.save(update_fields=["suspended_at", "suspension_reason", "updated_at"])
    _seller_event(producer=producer, by=by, kind=SellerEventKind.SUSPENDED, reason=reason)
    search_products_changed(product_ids=producer.products.values_list("pk", flat=True))
    return producer


@transaction.atomic
def producer_reinstate(*, producer: Producer, by: Actor, reason: str) -> Producer:
    require_staff_with(by, SUSPEND_PERMISSION)
    reason = _clean_reason(reason)
    producer = Producer.objects.select_for_update().get(pk=producer.pk)
    if producer.suspended_at is None:
        raise ValidationError("Người bán không bị tạm ngừng.", code=ProducerErrorCode.INVALID.value)
    producer.suspended_at = None
    producer.suspension_reason = ""
    producer.save(update_fields=["suspended_at", "suspension_reason", "updated_at"])
    _seller_event(producer=producer, by=by, kind=SellerEventKind.REINSTATED, reason=reason)
    search_products_changed(product_ids=producer.products.values_list("pk", flat=True))
    return producer


def require_verified_seller(producer: Producer) -> None:
    """Publishing needs a seller whose identity staff verified (Law 122/2025/QH15)."""
    if producer.verified_at is None:
        raise ValidationError(
            "Người bán chưa được xác minh danh tính nên chưa thể đăng bán. / "
            "The seller's identity is not verified yet.",
            code=ProducerErrorCode.NOT_VERIFIED.value,
        )
