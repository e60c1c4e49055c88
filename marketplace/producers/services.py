from django.db import transaction

from marketplace.core.provinces import province_code_for, province_in_address
from marketplace.core.text import slugify_vi
from marketplace.producers.models import MembershipRole, Producer, ProducerMembership


def unique_producer_slug(name: str) -> str:
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
) -> Producer:
    """`province` may be a current code ('son-la') or a name as written, old or new ('Yên Bái')."""
    code = province if province in _codes() else province_code_for(province) or province_in_address(address)
    producer = Producer(
        name=name.strip(),
        slug=slug or unique_producer_slug(name),
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
def membership_add(*, producer: Producer, user, role: str = MembershipRole.STAFF) -> ProducerMembership:
    membership, _ = ProducerMembership.objects.update_or_create(
        producer=producer, user=user, defaults={"role": role}
    )
    return membership
