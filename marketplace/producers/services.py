from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction

from marketplace.accounts.models import User
from marketplace.core.images import clean_uploaded_image
from marketplace.core.provinces import province_code_for, province_in_address
from marketplace.core.text import slugify_vi
from marketplace.producers.error_codes import ProducerErrorCode
from marketplace.producers.models import MembershipRole, Producer, ProducerMembership, ProducerPhoto
from marketplace.producers.policies import Actor, ProducerAction, require_producer_action, require_staff_with
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
