"""Writes of the import pipeline: apply a plan (one transaction per decision), undo a whole import, resolve a
review-queue row. Certificates are written only through marketplace.certification.services."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from catalog_import.error_codes import ImportErrorCode
from catalog_import.models import ImportRow, ImportRun, Outcome, RunStatus
from catalog_import.planning import (
    NewProducer,
    Plan,
    PlannedRow,
    Progress,
    build_plan,
    category_for,
    required,
)
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
            "name": r.source.product.strip()[:255],
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
    copy_insert(
        ImportRow,
        ROW_FIELDS,
        (_row_values(run, r, created_rows, first_of_producer, certificates) for r in plan.rows),
    )
    return run


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
]


def _row_values(
    run: ImportRun,
    r: PlannedRow,
    created_rows: set[int],
    first_of_producer: dict[str, int],
    certificates: dict[int, int],
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
) -> tuple[Plan, ImportRun | None]:
    """Plan, then apply unless dry_run. Raises ImportRejected (nothing applied) when the input is unusable."""
    require_staff_with(by, IMPORT_PERMISSION)
    plan = build_plan(
        paths, names=names, number=number, date=date, issuer=issuer, kind=kind, progress=progress
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
    previous = {r.previous_certification_id: r.previous_state for r in rows if r.previous_certification_id}
    Certification.objects.filter(pk__in=previous).update(superseded_by=None)
    Certification.objects.filter(pk__in=issued).delete()
    for state in set(previous.values()):
        ids = [pk for pk, s in previous.items() if s == state]
        Certification.objects.filter(pk__in=ids).update(
            state=state,
            revoked_by=None,
            ended_at=None if state == CertificationState.ACTIVE else timezone.now(),
        )
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


# --- Review queue ----------------------------------------------------------------------------------
@transaction.atomic
def review_resolve(
    *, row: ImportRow, by: Actor, product_id: int | None = None, producer_id: int | None = None
) -> ImportRow:
    """Staff settles an ambiguous row: the chosen product (or a new unlisted product under the chosen
    producer) gets the row's rating, or its certificate is revoked, under the run's decision."""
    require_staff_with(by, IMPORT_PERMISSION)
    row = ImportRow.objects.select_for_update(of=("self",)).select_related("run__decision").get(pk=row.pk)
    if row.outcome != Outcome.AMBIGUOUS or row.resolved_at is not None:
        raise ValidationError("This row is already settled.", code=ImportErrorCode.ALREADY_RESOLVED.value)
    decision = row.run.decision
    if row.run.status != RunStatus.APPLIED or decision is None:
        raise ValidationError("The import is not applied.", code=ImportErrorCode.NOT_APPLIED.value)
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
        from marketplace.catalog.services import product_create

        producer = Producer.objects.get(pk=producer_id)
        category = Category.objects.get(slug=category_for("", row.product_name))
        product = product_create(
            producer=producer, category=category, name=row.product_name, is_published=False, by=by
        )
        row.created_product = True
    else:
        raise ValidationError("Choose a product or a producer.", code=ImportErrorCode.NOT_A_CANDIDATE.value)
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
        certification_revoke(certification=target, decision=decision, by=by)
        row.outcome = Outcome.REVOKED
    row.product = product
    row.producer_id = product.producer_id
    row.resolved_at = timezone.now()
    row.resolved_by = acting_user(by)
    row.save()
    return row


# --- Uploads (admin) and the inbox ----------------------------------------------------------------
def _given_meta(run: ImportRun) -> dict:
    given = dict(run.given_meta or {})
    if given.get("date"):
        given["date"] = datetime.date.fromisoformat(given["date"])
    return {k: given.get(k) or ("" if k != "date" else None) for k in ("number", "date", "issuer", "kind")}


def _import_run_plan(*, run: ImportRun) -> Plan:
    """The plan of an uploaded file, read from storage (a local copy when the storage is remote)."""
    import tempfile

    suffix = Path(run.upload.name).suffix
    with run.upload.open("rb") as source, tempfile.NamedTemporaryFile(suffix=suffix) as copy:
        for chunk in iter(lambda: source.read(1 << 20), b""):
            copy.write(chunk)
        copy.flush()
        return build_plan([Path(copy.name)], names=[run.filename], **_given_meta(run))


@transaction.atomic
def import_run_upload(
    *,
    uploaded_file: File,
    by: Actor,
    number: str = "",
    date: datetime.date | None = None,
    issuer: str = "",
    kind: str = "",
) -> tuple[ImportRun, Plan]:
    """Keep an uploaded decision file with what the uploader typed, and plan it (nothing applied yet)."""
    require_staff_with(by, IMPORT_PERMISSION)
    import hashlib

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
    plan = _import_run_plan(run=run)
    _record_plan(run, plan)
    run.save()
    return run, plan


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
    plan = _import_run_plan(run=run)
    if not plan.usable:
        _record_plan(run, plan)
        run.status = RunStatus.FAILED
        run.save(update_fields=["decision_meta", "counts", "errors", "status"])
        return run
    return import_apply(plan=plan, by=by, run=run)


def inbox_scan(*, inbox: Path, by: Actor) -> list[ImportRun | str]:
    """Import every decision file dropped into the inbox folder; move each to done/ or failed/ (with the
    errors beside it). Files already applied (same checksum) are moved to done/ without a second import."""
    require_system(by)
    from catalog_import.planning import file_checksum

    results: list[ImportRun | str] = []
    done, failed = inbox / "done", inbox / "failed"
    for path in sorted(p for p in inbox.iterdir() if p.is_file() and not p.name.startswith(".")):
        if path.suffix.lower() not in {".csv", ".xlsx", ".docx", ".pdf"}:
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
