"""Writes of the import pipeline: apply a plan (one transaction per decision), undo a whole import, resolve a
review-queue row. Certificates are written only through marketplace.certification.services."""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from catalog_import.error_codes import ImportErrorCode
from catalog_import.models import ImportRow, ImportRun, Outcome, RunStatus
from catalog_import.names import display_name
from catalog_import.planning import (
    NewProducer,
    Plan,
    PlannedRow,
    Progress,
    build_plan,
    category_for,
    required,
)
from catalog_import.readers import SUFFIXES
from catalog_import.readers import Progress as PageProgress
from marketplace.catalog.models import Category, Product
from marketplace.certification.bulk import copy_create, copy_insert
from marketplace.certification.models import Certification, CertificationState, DecisionKind
from marketplace.certification.services import (
    certification_issue,
    certification_revoke,
    certifications_issue_bulk,
    certifications_revoke_bulk,
    decision_get_or_create,
    lock_product_ids,
    lock_products,
)
from marketplace.core.memory import gc_paused
from marketplace.core.text import slugify_vi
from marketplace.producers.models import Producer
from marketplace.producers.policies import (
    CERTIFY_PERMISSION,
    Actor,
    acting_user,
    require_staff_with,
    require_system,
)
from marketplace.search.services import search_products_changed

# Running, undoing and settling imports: the admin's permission (the command and inbox are SYSTEM_IMPORT).
IMPORT_PERMISSION = CERTIFY_PERMISSION
ISSUING = {Outcome.NEW, Outcome.RENEWED, Outcome.UPGRADED, Outcome.DOWNGRADED}


class ImportRejected(Exception):
    """The plan has errors: nothing was applied."""

    def __init__(self, plan: Plan) -> None:
        super().__init__("; ".join(e.message for e in plan.errors[:5]))
        self.plan = plan


def _free_slugs(model: type[Product] | type[Producer], wanted: list[tuple[str, str]]) -> list[str]:
    """Unique slugs for many new rows in a few queries: (base, alternative) per row, then base-2, base-3..."""
    result: list[str | None] = [None] * len(wanted)
    attempt = 0
    pending = list(range(len(wanted)))
    used: set[str] = set()
    while pending:
        candidates = {}
        for index in pending:
            base, alternative = wanted[index]
            if attempt == 0:
                candidates[index] = base
            elif attempt == 1:
                candidates[index] = alternative
            else:
                candidates[index] = f"{base[:100]}-{attempt}"
        taken = set(model.objects.filter(slug__any=set(candidates.values())).values_list("slug", flat=True))
        still = []
        for index, slug in candidates.items():
            if slug in taken or slug in used:
                still.append(index)
            else:
                used.add(slug)
                result[index] = slug
        pending = still
        attempt += 1
    return [slug for slug in result if slug is not None]


def _create_producers(new: list[NewProducer]) -> dict[str, int]:
    """The decision's new producers by key → id (COPY: a decision can bring thousands)."""
    slugs = _free_slugs(
        Producer, [(slugify_vi(p.name, 90), slugify_vi(f"{p.name} {p.province}", 100)) for p in new]
    )
    rows = []
    for spec, slug in zip(new, slugs, strict=True):
        producer = Producer(
            name=spec.name[:255],
            slug=slug,
            kind=spec.kind,
            province=spec.province,
            address=spec.address[:500],
        )
        producer.clean_fields(exclude=["slug"])
        rows.append(
            {
                "name": producer.name,
                "slug": slug,
                "kind": producer.kind,
                "province": producer.province,
                "address": producer.address,
            }
        )
    ids = copy_create(Producer, rows)
    return {spec.key: pk for spec, pk in zip(new, ids, strict=True)}


def _create_products(rows: list, producer_slugs: dict[int, str]) -> None:
    """Certified-but-unlisted products: unpublished until their producer claims and lists them."""
    categories = dict(Category.objects.filter(parent__isnull=True).values_list("slug", "id"))
    fallback = categories.get("thuc-pham") or next(iter(categories.values()))
    wanted = [
        (
            slugify_vi(r.source.product, 90),
            slugify_vi(f"{r.source.product} {producer_slugs[r.producer_id]}", 110),
        )
        for r in rows
    ]
    slugs = _free_slugs(Product, wanted)
    products = [
        {
            "producer_id": r.producer_id,
            "category_id": categories.get(r.new_product_category, fallback),
            "name": display_name(r.source.product)[:255],
            "slug": slug,
            "is_published": False,
        }
        for r, slug in zip(rows, slugs, strict=True)
    ]
    for row, pk in zip(rows, copy_create(Product, products), strict=True):
        row.product_id = pk


@gc_paused()
@transaction.atomic
def import_apply(*, plan: Plan, by: Actor, run: ImportRun | None = None, upload_name: str = "") -> ImportRun:
    """Carry out a plan: all of it or none of it. Importing the same decision again changes nothing."""
    require_staff_with(by, IMPORT_PERMISSION)
    if not plan.usable:
        raise ImportRejected(plan)
    meta = plan.meta
    decision, created_decision = decision_get_or_create(
        number=meta.number,
        date=required(meta.date, "decision date"),
        issuer=meta.issuer,
        kind=meta.kind,
        title=meta.title,
        source_filename=", ".join(plan.filenames)[:255],
        source_checksum=plan.checksum,
        by=by,
    )
    if decision.kind != meta.kind:
        raise ValidationError(
            f"Decision {decision.number} is already recorded as a {decision.kind} decision.",
            code=ImportErrorCode.KIND_CONFLICT.value,
        )
    if plan.decision_id is None and not created_decision:
        # The decision appeared between planning and applying: plan again against what is stored now.
        raise ValidationError("The decision changed while planning; run the import again.", code="stale_plan")
    # Lock the known products before creating anything, so an overlapping import waits here and then picks
    # its slugs after this one commits. The certification service locks again: rows this transaction already
    # holds cost little, one array parameter each time.
    lock_product_ids(r.product_id for r in plan.rows if r.product_id)
    active = [r for r in plan.rows if r.outcome in ISSUING or r.outcome == Outcome.REVOKED]
    # Producers and products that the decision brings in for the first time.
    new_specs = {r.new_producer.key: r.new_producer for r in active if r.new_producer is not None}
    created_producers = _create_producers(list(new_specs.values())) if new_specs else {}
    for row in active:
        if row.new_producer is not None:
            row.producer_id = created_producers[row.new_producer.key]
    to_create = [r for r in active if r.product_id is None and r.outcome in ISSUING]
    if to_create:
        producer_slugs = dict(
            Producer.objects.filter(pk__any={r.producer_id for r in to_create}).values_list("id", "slug")
        )
        _create_products(to_create, producer_slugs)
    certificates: dict[int, int] = {}
    if meta.kind == DecisionKind.RECOGNITION:
        certificates = certifications_issue_bulk(
            decision=decision,
            ratings=[
                (required(r.product_id, "product"), required(r.stars, "star rating"), r.score)
                for r in active
                if r.outcome in ISSUING
            ],
            by=by,
        )
    else:
        certifications_revoke_bulk(
            decision=decision,
            certification_ids=[r.previous_certification_id for r in active if r.previous_certification_id],
            by=by,
        )
    created_rows = {id(r) for r in to_create}
    first_of_producer: dict[str, int] = {}
    for r in active:
        if r.new_producer is not None:
            first_of_producer.setdefault(r.new_producer.key, id(r))
    now = timezone.now()
    if run is None:
        run = ImportRun(
            filename=", ".join(plan.filenames)[:500], checksum=plan.checksum, created_by=acting_user(by)
        )
    run.decision = decision
    run.created_decision = created_decision
    run.status = RunStatus.APPLIED
    run.applied_at = now
    run.decision_meta = {**meta.as_dict(), "title": meta.title}
    run.counts = plan.counts()
    run.errors = []
    run.save()
    images = _save_row_images(plan.rows)
    try:
        copy_insert(
            ImportRow,
            ROW_FIELDS,
            (_row_values(run, r, created_rows, first_of_producer, certificates, images) for r in plan.rows),
        )
    except BaseException:
        _delete_files(images.values())
        raise
    return run


def _save_row_images(rows: Iterable[PlannedRow]) -> dict[int, str]:
    """The picture of every scanned row that waits for a person, under a random name (id(row) → name)."""
    import secrets

    from django.core.files.base import ContentFile

    from marketplace.core.storage import private_storage

    storage = private_storage()

    saved: dict[int, str] = {}
    try:
        for row in rows:
            if row.source.image and row.outcome == Outcome.AMBIGUOUS:
                name = f"import-rows/{secrets.token_hex(16)}.png"
                saved[id(row)] = storage.save(name, ContentFile(row.source.image))
    except BaseException:
        _delete_files(saved.values())
        raise
    return saved


def _delete_files(names: Iterable[str]) -> None:
    from marketplace.core.storage import private_storage

    storage = private_storage()

    for name in names:
        storage.delete(name)


ROW_FIELDS = [
    "run",
    "file",
    "row_number",
    "location",
    "product_name",
    "producer_name",
    "address",
    "stars",
    "score",
    "outcome",
    "message",
    "candidates",
    "product",
    "producer",
    "created_product",
    "created_producer",
    "certification",
    "previous_certification",
    "previous_state",
    "previous_values",
    "scan_confidence",
    "image",
]


def _row_values(
    run: ImportRun,
    r: PlannedRow,
    created_rows: set[int],
    first_of_producer: dict[str, int],
    certificates: dict[int, int],
    images: dict[int, str],
) -> tuple:
    return (
        run.pk,
        r.source.file[:255],
        r.source.number,
        r.source.location[:120],
        r.source.product[:500],
        r.source.producer[:500],
        r.source.address[:500],
        r.stars,
        r.score,
        r.outcome,
        r.message,
        r.candidates,
        r.product_id,
        r.producer_id,
        id(r) in created_rows,
        r.new_producer is not None and first_of_producer[r.new_producer.key] == id(r),
        certificates.get(r.product_id) if r.outcome in ISSUING and r.product_id is not None else None,
        r.previous_certification_id,
        r.previous_state,
        r.previous_values,
        r.source.confidence or {},
        images.get(id(r), ""),
    )


def import_files(
    *,
    paths: list[Path],
    names: list[str] | None = None,
    number: str = "",
    date: datetime.date | None = None,
    issuer: str = "",
    kind: str = "",
    by: Actor,
    dry_run: bool = False,
    run: ImportRun | None = None,
    progress: Progress | None = None,
    pages: PageProgress | None = None,
) -> tuple[Plan, ImportRun | None]:
    """Plan, then apply unless dry_run. Raises ImportRejected (nothing applied) when the input is unusable."""
    require_staff_with(by, IMPORT_PERMISSION)
    plan = build_plan(
        paths, names=names, number=number, date=date, issuer=issuer, kind=kind, progress=progress, pages=pages
    )
    if not plan.usable:
        raise ImportRejected(plan)
    if dry_run:
        return plan, None
    return plan, import_apply(plan=plan, by=by, run=run)


# --- Undo ------------------------------------------------------------------------------------------
def import_undo_blockers(*, run: ImportRun) -> list[str]:
    """Why a run cannot be undone (empty when it can)."""
    if run.status != RunStatus.APPLIED:
        return [f"the import is {run.get_status_display().lower()}, not applied"]
    rows = run.rows.exclude(product__isnull=True).filter(
        Q(certification__isnull=False) | Q(outcome=Outcome.REVOKED)
    )
    product_ids = set(rows.values_list("product_id", flat=True))
    problems = []
    later_runs = (
        ImportRow.objects.filter(
            product_id__in=product_ids, run__status=RunStatus.APPLIED, run__applied_at__gt=run.applied_at
        )
        .exclude(run=run)
        .exclude(outcome__in=[Outcome.UNCHANGED, Outcome.UNMATCHED, Outcome.AMBIGUOUS, Outcome.ERROR])
        .order_by()
        .values_list("run__decision__number", flat=True)
        .distinct()
    )
    for number in later_runs:
        problems.append(f"a later decision ({number}) changed the same products")
    later_certs = Certification.objects.filter(product_id__in=product_ids).filter(
        Q(created_at__gt=run.applied_at) & ~Q(decision=run.decision)
        | Q(revoked_by__isnull=False) & ~Q(revoked_by=run.decision) & Q(decision=run.decision)
    )
    if not problems and later_certs.exists():
        problems.append("the same products were re-rated or revoked after this import")
    claimed = Product.objects.filter(
        pk__in=run.rows.filter(created_product=True).values("product_id")
    ).filter(Q(is_published=True) | Q(variants__isnull=False))
    for name in claimed.values_list("name", flat=True).distinct()[:5]:
        problems.append(f"the producer has since listed {name!r}")
    return problems


@transaction.atomic
def import_undo(*, run: ImportRun, by: Actor) -> ImportRun:
    """Undo a whole import while no later decision touched its products: certificates it issued go, the ones
    it superseded or revoked come back, products and producers it created are removed."""
    require_staff_with(by, IMPORT_PERMISSION)
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    rows = list(run.rows.all())
    lock_product_ids(r.product_id for r in rows if r.product_id)
    blockers = import_undo_blockers(run=run)
    if blockers:
        raise ValidationError("; ".join(blockers), code=ImportErrorCode.UNDO_BLOCKED.value)
    issued = [r.certification_id for r in rows if r.certification_id]
    previous = {r.previous_certification_id: r for r in rows if r.previous_certification_id}
    Certification.objects.filter(pk__in=previous).update(superseded_by=None)
    Certification.objects.filter(pk__in=issued).delete()
    # Each certificate back exactly as it was; one UPDATE per distinct set of values (most are alike:
    # active, never ended).
    groups: dict[tuple, list[int]] = {}
    for pk, row in previous.items():
        groups.setdefault(_restored_values(row), []).append(pk)
    for values, ids in groups.items():
        Certification.objects.filter(pk__in=ids).update(**dict(values))
    created_products = [r.product_id for r in rows if r.created_product and r.product_id]
    created_producers = [r.producer_id for r in rows if r.created_producer and r.producer_id]
    ImportRow.objects.filter(run=run).update(certification=None, previous_certification=None)
    Product.objects.filter(pk__in=created_products).delete()
    # Restored or removed certificates change what shoppers see: the search index follows.
    kept = {r.product_id for r in rows if r.product_id} - set(created_products)
    search_products_changed(product_ids=kept)
    Producer.objects.filter(
        pk__in=created_producers, products__isnull=True, memberships__isnull=True
    ).delete()
    decision = run.decision
    run.status = RunStatus.UNDONE
    run.undone_at = timezone.now()
    run.undone_by = acting_user(by)
    run.save(update_fields=["status", "undone_at", "undone_by"])
    still_used = Certification.objects.filter(Q(decision=decision) | Q(revoked_by=decision)).exists()
    if run.created_decision and decision is not None and not still_used:
        # The decision goes with its import unless another applied import still refers to it.
        ImportRun.objects.filter(decision=decision).exclude(status=RunStatus.APPLIED).update(decision=None)
        if not ImportRun.objects.filter(decision=decision).exists():
            decision.delete()
    return run


def _restored_values(row: ImportRow) -> tuple:
    """What a certificate looked like before the row changed it (rows written before previous_values were
    kept: their state, never ended unless it had)."""
    values = row.previous_values
    if not values:
        ended = None if row.previous_state == CertificationState.ACTIVE else timezone.now()
        return (("state", row.previous_state), ("revoked_by_id", None), ("ended_at", ended))
    ended = datetime.datetime.fromisoformat(values["ended_at"]) if values.get("ended_at") else None
    return (
        ("state", values["state"]),
        ("ended_at", ended),
        ("revoked_by_id", values.get("revoked_by_id")),
        ("superseded_by_id", values.get("superseded_by_id")),
    )


# --- Review queue ----------------------------------------------------------------------------------
# A row waits for a person when the import could not be sure: a close name, or a scanned cell read with low
# confidence. The person chooses a candidate, says "none of these: a new product (and producer)", or rejects
# the row; rows whose best candidate is clear can be accepted together. Nothing waits on a guess.
ACCEPT_SCORE = 90


def _open_row(row: ImportRow) -> ImportRow:
    row = ImportRow.objects.select_for_update(of=("self",)).select_related("run__decision").get(pk=row.pk)
    if row.outcome != Outcome.AMBIGUOUS or row.resolved_at is not None:
        raise ValidationError("This row is already settled.", code=ImportErrorCode.ALREADY_RESOLVED.value)
    if row.run.status != RunStatus.APPLIED or row.run.decision is None:
        raise ValidationError("The import is not applied.", code=ImportErrorCode.NOT_APPLIED.value)
    return row


def _checked_stars(row: ImportRow, stars: int | None) -> None:
    """A person's star rating for the row (what the scan could not tell), else the one read."""
    if stars is not None:
        if not 3 <= stars <= 5:
            raise ValidationError("Hạng sao phải là 3, 4 hoặc 5.", code="invalid_stars")
        row.stars = stars
    if required(row.run.decision, "decision").kind == DecisionKind.RECOGNITION and row.stars is None:
        raise ValidationError("Chọn hạng sao của dòng này.", code="invalid_stars")


def _settle(row: ImportRow, product: Product, by: Actor) -> ImportRow:
    """Give the row's rating to `product` (or revoke its certificate) under the run's decision."""
    decision = required(row.run.decision, "decision")  # _open_row refused a run without one
    lock_products([product.pk])
    history = list(Certification.objects.filter(product=product).order_by("-valid_from", "-id"))
    if decision.kind == DecisionKind.RECOGNITION:
        if any(c.decision_id == decision.pk for c in history):
            raise ValidationError("This product is already rated by this decision.", code="already_rated")
        stars = row.stars
        if stars is None:  # planning validated every rating of a recognition
            raise ValidationError("This row has no star rating.", code=ImportErrorCode.UNUSABLE_INPUT.value)
        current = next((c for c in history if c.state == CertificationState.ACTIVE), None)
        row.previous_certification = current
        row.previous_state = current.state if current else ""
        row.previous_values = _values_of(current) if current else {}
        latest = next((c for c in history if c.state != CertificationState.SUPERSEDED), None)
        if latest is None or latest.state == CertificationState.REVOKED:
            row.outcome = Outcome.NEW
        elif row.stars == latest.stars:
            row.outcome = Outcome.RENEWED
        else:
            row.outcome = Outcome.UPGRADED if stars > latest.stars else Outcome.DOWNGRADED
        row.certification = certification_issue(
            product=product, decision=decision, stars=stars, score=row.score, by=by
        )
    else:
        target = next(
            (c for c in history if c.state in (CertificationState.ACTIVE, CertificationState.EXPIRED)), None
        )
        if target is None:
            raise ValidationError("The product holds no certificate to revoke.", code="nothing_to_revoke")
        row.previous_certification = target
        row.previous_state = target.state
        row.previous_values = _values_of(target)
        certification_revoke(certification=target, decision=decision, by=by)
        row.outcome = Outcome.REVOKED
    row.product = product
    row.producer_id = product.producer_id
    row.resolved_at = timezone.now()
    row.resolved_by = acting_user(by)
    row.save()
    search_products_changed(product_ids={product.pk})
    return row


def _values_of(certification: Certification) -> dict:
    return {
        "state": certification.state,
        "ended_at": certification.ended_at.isoformat() if certification.ended_at else None,
        "revoked_by_id": certification.revoked_by_id,
        "superseded_by_id": certification.superseded_by_id,
    }


def _new_product(row: ImportRow, producer: Producer, *, by: Actor) -> Product:
    from marketplace.catalog.services import product_create

    category = Category.objects.get(slug=category_for("", row.product_name))
    product = product_create(
        producer=producer, category=category, name=display_name(row.product_name), is_published=False, by=by
    )
    row.created_product = True
    return product


@transaction.atomic
def review_resolve(
    *,
    row: ImportRow,
    by: Actor,
    product_id: int | None = None,
    producer_id: int | None = None,
    stars: int | None = None,
) -> ImportRow:
    """Staff settles a row: the chosen product (or a new unlisted product under the chosen producer) gets the
    row's rating, or its certificate is revoked, under the run's decision. `stars` corrects a scanned row."""
    require_staff_with(by, IMPORT_PERMISSION)
    row = _open_row(row)
    decision = required(row.run.decision, "decision")  # _open_row refused a run without one
    _checked_stars(row, stars)
    allowed_products = {c.get("product_id") for c in row.candidates}
    allowed_producers = {c.get("producer_id") for c in row.candidates}
    if product_id is not None:
        if product_id not in allowed_products:
            raise ValidationError("Choose one of the candidates.", code=ImportErrorCode.NOT_A_CANDIDATE.value)
        product = Product.objects.get(pk=product_id)
    elif producer_id is not None:
        if producer_id not in allowed_producers:
            raise ValidationError("Choose one of the candidates.", code=ImportErrorCode.NOT_A_CANDIDATE.value)
        if decision.kind != DecisionKind.RECOGNITION:
            raise ValidationError("A revocation needs a product.", code=ImportErrorCode.NOT_A_CANDIDATE.value)
        product = _new_product(row, Producer.objects.get(pk=producer_id), by=by)
    else:
        raise ValidationError("Choose a product or a producer.", code=ImportErrorCode.NOT_A_CANDIDATE.value)
    return _settle(row, product, by)


@transaction.atomic
def review_create_new(*, row: ImportRow, by: Actor, stars: int | None = None) -> ImportRow:
    """ "None of these": the row names a producer and product the marketplace does not know yet; both are
    created (unlisted, as an import creates them) and rated."""
    from catalog_import.planning import decision_province
    from marketplace.core.provinces import province_in_address

    require_staff_with(by, IMPORT_PERMISSION)
    row = _open_row(row)
    decision = required(row.run.decision, "decision")  # _open_row refused a run without one
    if decision.kind != DecisionKind.RECOGNITION:
        raise ValidationError("A revocation needs an existing product.", code="needs_product")
    _checked_stars(row, stars)
    if not row.producer_name.strip() or not row.product_name.strip():
        raise ValidationError("The row names no producer or no product.", code="needs_names")
    province = province_in_address(row.address) or decision_province(decision.issuer)
    if not province:
        raise ValidationError(
            "Neither the address nor the issuer tells the producer's province.", code="needs_province"
        )
    from catalog_import.names import kind_from_name

    name = display_name(row.producer_name)
    producer = Producer(
        name=name[:255],
        slug=_free_slugs(Producer, [(slugify_vi(name, 90), slugify_vi(f"{name} {province}", 100))])[0],
        kind=kind_from_name(name),
        province=province,
        address=row.address[:500],
    )
    producer.full_clean()
    producer.save()
    row.created_producer = True
    return _settle(row, _new_product(row, producer, by=by), by)


@transaction.atomic
def review_reject(*, row: ImportRow, by: Actor) -> ImportRow:
    """The row is not a rating to apply (a misread line, a row of another table): nothing is written."""
    require_staff_with(by, IMPORT_PERMISSION)
    row = _open_row(row)
    row.outcome = Outcome.REJECTED
    row.resolved_at = timezone.now()
    row.resolved_by = acting_user(by)
    row.save(update_fields=["outcome", "resolved_at", "resolved_by"])
    return row


def _confident_choice(row: ImportRow) -> int | None:
    """The product a row's best candidate names when it stands clear of the others and the row's stars were
    read with confidence; None when a person must look."""
    from catalog_import.planning import SCAN_STARS_SURE

    products = [c for c in row.candidates if c.get("product_id")]
    if not products or row.stars is None:
        return None
    best = products[0]
    if best.get("score", 0) < ACCEPT_SCORE:
        return None
    if len(products) > 1 and products[1].get("score", 0) > best["score"] - 5:
        return None
    if row.scan_confidence and row.scan_confidence.get("stars", 0) < SCAN_STARS_SURE:
        return None
    product_id: int = best["product_id"]
    return product_id


def review_accept_confident(*, rows: Iterable[ImportRow], by: Actor) -> tuple[int, int]:
    """Accept the best candidate of every row whose choice is clear (_confident_choice); each row in its own
    transaction. Returns (accepted, left for a person)."""
    accepted = left = 0
    for row in rows:
        product_id = _confident_choice(row)
        if product_id is None:
            left += 1
            continue
        try:
            review_resolve(row=row, by=by, product_id=product_id)
        except ValidationError:
            left += 1
        else:
            accepted += 1
    return accepted, left


# --- Uploads (admin) and the inbox ----------------------------------------------------------------
def _given_meta(run: ImportRun) -> dict[str, Any]:
    given = dict(run.given_meta or {})
    if given.get("date"):
        given["date"] = datetime.date.fromisoformat(given["date"])
    return {k: given.get(k) or ("" if k != "date" else None) for k in ("number", "date", "issuer", "kind")}


@contextlib.contextmanager
def _local_copy(run: ImportRun) -> Iterator[Path]:
    """The uploaded file as a local path (a temporary copy: the storage may be remote)."""
    import tempfile

    suffix = Path(run.upload.name).suffix
    with run.upload.open("rb") as source, tempfile.NamedTemporaryFile(suffix=suffix) as copy:
        for chunk in iter(lambda: source.read(1 << 20), b""):
            copy.write(chunk)
        copy.flush()
        yield Path(copy.name)


def import_run_plan(*, run: ImportRun, by: Actor, pages: PageProgress | None = None) -> Plan:
    """The plan of an uploaded file, read from storage. A scan is read by OCR once; planning it again (the
    confirm) takes that reading from the OCR cache."""
    require_staff_with(by, IMPORT_PERMISSION)
    from catalog_import.readers import ocr

    token = ocr.use_cache.set(True)
    try:
        with _local_copy(run) as path:
            return build_plan([path], names=[run.filename], pages=pages, **_given_meta(run))
    finally:
        ocr.use_cache.reset(token)


def _forget_scan(run: ImportRun) -> None:
    """The run is settled (applied, failed): its OCR reading is no longer needed."""
    from marketplace.core.storage import private_storage

    storage = private_storage()

    from catalog_import.readers import ocr

    if run.upload:
        with _local_copy(run) as path:
            storage.delete(ocr.cache_name(path))


def _page_progress(run: ImportRun) -> Callable[[int, int], None]:
    def pages(done: int, total: int) -> None:
        # Outside any transaction of the import: the admin's run page shows it while the scan is read.
        run.progress = {"done": done, "total": total}
        ImportRun.objects.filter(pk=run.pk).update(progress=run.progress)

    return pages


@transaction.atomic
def import_run_upload(
    *,
    uploaded_file: File,
    by: Actor,
    number: str = "",
    date: datetime.date | None = None,
    issuer: str = "",
    kind: str = "",
) -> tuple[ImportRun, Plan | None]:
    """Keep an uploaded decision file with what the uploader typed, and plan it (nothing applied yet). A scan
    is read in the background (import_run_read_task, page by page on the run's page): no plan yet (None)."""
    require_staff_with(by, IMPORT_PERMISSION)
    import hashlib

    from catalog_import.readers import needs_ocr

    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    filename = Path(uploaded_file.name or "upload").name
    run = ImportRun(
        filename=filename[:500],
        checksum=digest.hexdigest(),
        created_by=acting_user(by),
        given_meta={
            "number": number,
            "date": date.isoformat() if date else "",
            "issuer": issuer,
            "kind": kind,
        },
    )
    run.upload.save(filename, uploaded_file, save=False)
    stored = run.upload.name
    # The stored copy is only kept for a plan that can be confirmed: an unusable file, or any failure before
    # the run is saved (the transaction rolls back; files do not), leaves nothing behind.
    try:
        with _local_copy(run) as path:
            scan = needs_ocr(path)
        if scan:
            run.status = RunStatus.READING
            run.save()
            from catalog_import.tasks import import_run_read_task

            transaction.on_commit(lambda: import_run_read_task.delay(run.pk))
            return run, None
        plan = import_run_plan(run=run, by=by)
        _record_plan(run, plan)
        if not plan.usable:
            run.status = RunStatus.FAILED
            run.upload.delete(save=False)
        run.save()
    except BaseException:
        run.upload.storage.delete(stored)
        raise
    return run, plan


def import_run_read(*, run: ImportRun, by: Actor) -> ImportRun:
    """Read an uploaded scan (the slow part: OCR, page by page) and record its plan; an unusable scan fails
    the run and its file goes."""
    require_staff_with(by, IMPORT_PERMISSION)
    run = ImportRun.objects.get(pk=run.pk)
    if run.status != RunStatus.READING:
        return run
    try:
        plan = import_run_plan(run=run, by=by, pages=_page_progress(run))
    except Exception:
        run.status = RunStatus.FAILED
        run.errors = [{"row": None, "message": f"{run.filename}: the scan could not be read."}]
        _forget_scan(run)
        run.upload.delete(save=False)
        run.save()
        raise
    _record_plan(run, plan)
    run.status = RunStatus.PLANNED if plan.usable else RunStatus.FAILED
    if not plan.usable:
        _forget_scan(run)
        run.upload.delete(save=False)
    run.save()
    return run


def _record_plan(run: ImportRun, plan: Plan) -> None:
    run.decision_meta = {**plan.meta.as_dict(), "title": plan.meta.title}
    run.counts = plan.counts()
    run.errors = [{"row": e.row, "message": e.message} for e in plan.errors]


def import_run_apply(*, run: ImportRun, by: Actor) -> ImportRun:
    """Plan the stored file again (the database may have moved since the preview) and apply it; a plan with
    errors marks the run failed and applies nothing."""
    require_staff_with(by, IMPORT_PERMISSION)
    run = ImportRun.objects.get(pk=run.pk)
    if run.status != RunStatus.PLANNED:
        raise ValidationError(f"The import is {run.status}.", code=ImportErrorCode.NOT_APPLIED.value)

    plan = import_run_plan(run=run, by=by, pages=_page_progress(run))
    if not plan.usable:
        _record_plan(run, plan)
        run.status = RunStatus.FAILED
        run.save(update_fields=["decision_meta", "counts", "errors", "status", "progress"])
        _forget_scan(run)
        return run
    applied = import_apply(plan=plan, by=by, run=run)
    _forget_scan(applied)
    return applied


def inbox_scan(*, inbox: Path, by: Actor) -> list[ImportRun | str]:
    """Import every decision file dropped into the inbox folder; move each to done/ or failed/ (with the
    errors beside it). Files already applied (same checksum) are moved to done/ without a second import."""
    require_system(by)
    from catalog_import.planning import file_checksum

    results: list[ImportRun | str] = []
    done, failed = inbox / "done", inbox / "failed"
    for path in sorted(p for p in inbox.iterdir() if p.is_file() and not p.name.startswith(".")):
        if path.suffix.lower() not in SUFFIXES:
            continue
        checksum = file_checksum([path])
        if ImportRun.objects.filter(checksum=checksum, status=RunStatus.APPLIED).exists():
            done.mkdir(exist_ok=True)
            path.rename(done / path.name)
            results.append(f"{path.name}: already imported")
            continue
        try:
            _, run = import_files(paths=[path], by=by)
        except ImportRejected as rejected:
            failed.mkdir(exist_ok=True)
            path.rename(failed / path.name)
            report = "\n".join(e.message for e in rejected.plan.errors)
            (failed / f"{path.name}.errors.txt").write_text(report + "\n", encoding="utf-8")
            results.append(f"{path.name}: rejected")
            continue
        except ValidationError as exc:
            failed.mkdir(exist_ok=True)
            path.rename(failed / path.name)
            (failed / f"{path.name}.errors.txt").write_text("\n".join(exc.messages) + "\n", encoding="utf-8")
            results.append(f"{path.name}: rejected")
            continue
        done.mkdir(exist_ok=True)
        path.rename(done / path.name)
        if run is not None:  # None only for a dry run
            results.append(run)
    return results
