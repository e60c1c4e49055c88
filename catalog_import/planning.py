"""Reading a decision into a plan: what every row will do, computed from the files and the database without
writing anything. `services.import_apply` then carries a plan out in one transaction."""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, Protocol, TypeVar

from django.utils import timezone
from rapidfuzz import fuzz, process

from catalog_import.columns import (
    FIELD_LABELS,
    MAX_HEADER_SCAN,
    ParsedDocument,
    SourceRow,
    StarError,
    parse_document,
    parse_score,
    parse_stars,
)
from catalog_import.meta import DecisionMeta, meta_from_title, reconcile
from catalog_import.models import Outcome
from catalog_import.names import (
    core_key,
    display_name,
    forms_conflict,
    kind_from_name,
    legal_words,
    name_key,
    product_key,
)
from catalog_import.readers import ImportFileError, read_document
from marketplace.catalog.models import Product
from marketplace.certification.models import Certification, CertificationState, Decision, DecisionKind
from marketplace.core.memory import gc_paused
from marketplace.core.provinces import province_code_for, province_in_address
from marketplace.core.text import fold
from marketplace.producers.models import Producer

PRODUCER_SURE = 93
PRODUCER_CLOSE = 80
PRODUCT_SURE = 92
PRODUCT_CLOSE = 75
# Rows read from a scan go to the review queue, never applied on a guess, when a cell is less sure than this.
SCAN_STARS_SURE = 80
SCAN_NAME_SURE = 60
_SCANNED_STARS = re.compile(r"^0?[345]\s*(sao)?\s*[*★]?$")


@dataclass
class PlanError:
    row: int | None
    message: str


@dataclass
class NewProducer:
    key: str
    name: str
    kind: str
    province: str
    address: str


@dataclass
class PlannedRow:
    source: SourceRow
    outcome: str
    stars: int | None = None
    score: int | None = None
    message: str = ""
    product_id: int | None = None
    producer_id: int | None = None
    new_producer: NewProducer | None = None
    new_product_category: str = ""  # category slug when the product is created
    previous_certification_id: int | None = None
    previous_state: str = ""
    previous_values: dict = field(default_factory=dict)
    candidates: list[dict] = field(default_factory=list)


@dataclass
class Plan:
    filenames: list[str]
    checksum: str
    meta: DecisionMeta
    errors: list[PlanError] = field(default_factory=list)
    rows: list[PlannedRow] = field(default_factory=list)
    decision_id: int | None = None

    @property
    def usable(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        counts = {outcome.value: 0 for outcome in Outcome}
        for row in self.rows:
            counts[row.outcome] += 1
        counts["errors"] = len(self.errors)
        return counts

    def as_json(self) -> dict:
        """The contract's shape of `import_decision --json`."""
        counts = self.counts()
        meta = {**self.meta.as_dict(), "title": self.meta.title}
        return {
            "decision": meta,
            "created": counts[Outcome.NEW],
            "renewed": counts[Outcome.RENEWED],
            "upgraded": counts[Outcome.UPGRADED],
            "downgraded": counts[Outcome.DOWNGRADED],
            "revoked": counts[Outcome.REVOKED],
            "unchanged": counts[Outcome.UNCHANGED],
            "unmatched": [
                {"row": r.source.number, "product": r.source.product, "producer": r.source.producer}
                for r in self.rows
                if r.outcome == Outcome.UNMATCHED
            ],
            "ambiguous": [
                {
                    "row": r.source.number,
                    "product": r.source.product,
                    "producer": r.source.producer,
                    "candidates": r.candidates,
                }
                for r in self.rows
                if r.outcome == Outcome.AMBIGUOUS
            ],
            "errors": [{"row": e.row, "message": e.message} for e in self.errors],
        }


_T = TypeVar("_T")


class Progress(Protocol):
    """A progress bar (the import command's tqdm): one step per matched row."""

    def update(self, n: int) -> object: ...


def required(value: _T | None, what: str) -> _T:
    """A value that a usable plan always holds by this step (validation turns its absence into a plan
    error, and a plan with errors is neither matched nor applied)."""
    if value is None:
        raise ValueError(f"the plan has no {what}")  # a bug in planning, never a problem of the file
    return value


def file_checksum(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()


def _where(row: SourceRow, field_name: str | None = None) -> str:
    column = row.columns.get(field_name, "") if field_name else ""
    return f"{row.file}, {row.location}" + (f", {column}" if column else "")


# --- Categories for products that a decision creates -----------------------------------------------
_GROUP_WORDS = [
    ("thu-cong-my-nghe", ("thu cong", "my nghe", "tho cam", "may tre", "gom ", "det ")),
    ("du-lich", ("du lich", "diem du lich")),
    ("sinh-vat-canh", ("sinh vat canh", "hoa lan", "cay canh")),
    ("duoc-lieu", ("duoc lieu", "tinh dau", "thao duoc", "sam ", "actiso", "dong trung")),
    ("do-uong", ("do uong", "ca phe", "tra ", "che ", "ruou", "nuoc ", "sua ")),
]
_GROUP_NUMBERS = {
    "1": "thuc-pham",
    "2": "do-uong",
    "3": "duoc-lieu",
    "4": "thu-cong-my-nghe",
    "5": "sinh-vat-canh",
    "6": "du-lich",
}


# The same words matched as whole words inside a product name.
_NAME_WORDS = [(slug, tuple(f" {word.strip()} " for word in words)) for slug, words in _GROUP_WORDS]


def category_for(group: str, product_name: str) -> str:
    group = fold(group)
    if group in _GROUP_NUMBERS:
        return _GROUP_NUMBERS[group]
    folded = f" {group} "
    if "thuc pham" in folded:
        return "thuc-pham"
    for slug, words in _GROUP_WORDS:
        if any(word in folded for word in words):
            return slug
    name = f" {fold(product_name)} "
    for slug, words in _NAME_WORDS:
        if any(word in name for word in words):
            return slug
    return "thuc-pham"


# --- Reading -------------------------------------------------------------------------------------
def read_files(
    paths: list[Path], names: list[str] | None = None, *, pages=None
) -> tuple[list[ParsedDocument], list[PlanError]]:
    """Parsed documents and the files' errors. `pages(done, total)` follows the pages of scans."""
    documents, errors = [], []
    for index, path in enumerate(paths):
        name = names[index] if names else Path(path).name
        try:
            parsed = parse_document(read_document(path, display_name=name, progress=pages))
        except ImportFileError as exc:
            errors.append(PlanError(exc.row, exc.message))
            continue
        if not parsed.has_header:
            errors.append(
                PlanError(
                    None,
                    f"{name}: no product column found (a header such as 'Tên sản phẩm' or 'Sản phẩm' "
                    f"in the first {MAX_HEADER_SCAN} rows of a table).",
                )
            )
            continue
        if not parsed.rows:
            errors.append(PlanError(None, f"{name}: the table has a header but no rows."))
            continue
        documents.append(parsed)
    return documents, errors


def _validate(row: SourceRow, kind: str) -> tuple[int | None, int | None, list[PlanError]]:
    errors = []
    for column, formula in row.formulas.items():
        errors.append(
            PlanError(
                row.number,
                f"{row.file}, {row.location}, {column}: formula {formula[:60]!r}; "
                "paste the values (decisions are read as written).",
            )
        )
    if not row.product:
        errors.append(PlanError(row.number, f"{_where(row, 'product')}: no product name."))
    elif len(row.product) > 255:
        errors.append(PlanError(row.number, f"{_where(row, 'product')}: product name over 255 characters."))
    stars = None
    if kind == DecisionKind.RECOGNITION or row.stars:
        try:
            stars = parse_stars(row.stars)
        except StarError as exc:
            if kind == DecisionKind.RECOGNITION:
                label = row.columns.get("stars") or f"column '{FIELD_LABELS['stars']}' (missing)"
                errors.append(PlanError(row.number, f"{row.file}, {row.location}, {label}: {exc}."))
    score = None
    try:
        score = parse_score(row.score)
    except ValueError as exc:
        errors.append(PlanError(row.number, f"{_where(row, 'score')}: {exc}."))
    return stars, score, errors


# --- Matching ------------------------------------------------------------------------------------
class Matcher:
    """Producers and products in memory, keyed for exact and fuzzy lookups (one query each)."""

    def __init__(self, province: str | None) -> None:
        self.province = province
        self.producers: dict[int, tuple[str, str]] = {}  # id -> (name, province)
        self.by_key: dict[str, list[int]] = {}
        self.by_core: dict[str, list[int]] = {}
        for pk, name, prov in Producer.objects.values_list("id", "name", "province").iterator(
            chunk_size=5000
        ):
            self.producers[pk] = (name, prov)
            key = name_key(name)
            self.by_key.setdefault(key, []).append(pk)
            self.by_core.setdefault(core_key(key), []).append(pk)
        self.core_choices = list(self.by_core)
        self.products: dict[int, dict[str, list[int]]] = {}  # producer -> product key -> ids
        self.product_names: dict[int, str] = {}
        self.product_producer: dict[int, int] = {}
        self.products_by_key: dict[str, list[int]] = {}
        rows = Product.objects.values_list("id", "name", "producer_id").iterator(chunk_size=5000)
        for pk, name, producer_id in rows:
            key = product_key(name, self.producers.get(producer_id, ("", ""))[0])
            self.products.setdefault(producer_id, {}).setdefault(key, []).append(pk)
            self.product_names[pk] = name
            self.product_producer[pk] = producer_id
            self.products_by_key.setdefault(key, []).append(pk)
            full = name_key(name)
            if full != key:
                self.products_by_key.setdefault(full, []).append(pk)
        self._fuzzy_cache: dict[str, list[tuple[str, float]]] = {}

    def _prefer_province(self, ids: list[int], province: str | None) -> list[int]:
        for wanted in (province, self.province):
            if wanted and len(ids) > 1:
                same = [pk for pk in ids if self.producers[pk][1] == wanted]
                if same:
                    ids = same
        return ids

    def producer(self, name: str, province: str | None) -> tuple[list[int], float]:
        """Candidate producer ids and the confidence (100 = exact key). The same name under another legal
        form is a close call (a cooperative may have become a company); a merely similar name under another
        form ("HTX Trà Bắc Hà" for "Cty CP Trà Bắc") is another producer entirely: never a candidate."""
        key = name_key(name)
        if key in self.by_key:
            return self._prefer_province(self.by_key[key], province), 100.0
        core = core_key(key)
        if core in self.by_core:
            ids = self._prefer_province(self.by_core[core], province)
            forms = {frozenset(legal_words(name_key(self.producers[pk][0]))) for pk in ids}
            same_form = forms == {frozenset(legal_words(key))} or not legal_words(key)
            return ids, 96.0 if same_form else 90.0
        if core not in self._fuzzy_cache:
            # Word order is part of a Vietnamese name ("Minh Ngọc" is not "Ngọc Minh"): plain ratio.
            matches = process.extract(
                core, self.core_choices, scorer=fuzz.ratio, limit=3, score_cutoff=PRODUCER_CLOSE
            )
            self._fuzzy_cache[core] = [(self.core_choices[index], score) for _, score, index in matches]
        found = [
            (choice, score)
            for choice, score in self._fuzzy_cache[core]
            if self._same_person(key, self.by_core[choice])
        ]
        if not found:
            return [], 0.0
        ids = [pk for choice, _ in found for pk in self._same_person(key, self.by_core[choice])]
        return ids, found[0][1] if len(found) == 1 or found[0][1] - found[1][1] >= 5 else min(
            found[0][1], 90.0
        )

    def _same_person(self, key: str, ids: list[int]) -> list[int]:
        return [pk for pk in ids if not forms_conflict(key, name_key(self.producers[pk][0]))]

    def product(self, producer_id: int, name: str) -> tuple[list[int], float]:
        producer_name = self.producers[producer_id][0]
        own = self.products.get(producer_id, {})
        key = product_key(name, producer_name)
        if key in own:
            return own[key], 100.0
        if not own:
            return [], 0.0
        found = process.extract(
            key, list(own), scorer=fuzz.token_sort_ratio, limit=3, score_cutoff=PRODUCT_CLOSE
        )
        if not found:
            return [], 0.0
        ids = [pk for choice, _, _ in found for pk in own[choice]]
        best = found[0][1]
        if len(found) > 1 and best - found[1][1] < 5:
            best = min(best, PRODUCT_SURE - 1)
        return ids, best

    def candidate(self, producer_id: int | None, product_id: int | None, score: float) -> dict:
        if product_id is not None:
            producer_id = self.product_producer[product_id]
        return {
            "producer_id": producer_id,
            "producer": self.producers[producer_id][0] if producer_id else "",
            "product_id": product_id,
            "product": self.product_names.get(product_id, "") if product_id else "",
            "score": round(score),
        }


def decision_province(issuer: str) -> str | None:
    """'UBND tỉnh Sơn La' → 'son-la'; a district or ministry issuer names no province."""
    folded = fold(issuer)
    for prefix in ("ubnd tinh ", "ubnd thanh pho ", "uy ban nhan dan tinh "):
        if folded.startswith(prefix):
            return province_code_for(issuer.split(None, 2)[-1]) or province_in_address(issuer)
    return province_in_address(issuer.replace(" tỉnh ", ", tỉnh "))


def _cited(row: SourceRow, meta: DecisionMeta) -> list[str]:
    from catalog_import.meta import _NUMBER

    numbers = [m.group(1) for m in _NUMBER.finditer(f"{row.cited} {row.note}")]
    return numbers or list(meta.cited_numbers)


@gc_paused()  # tens of thousands of rows, keys and candidates: see gc_paused
def build_plan(
    paths: list[Path],
    *,
    names: list[str] | None = None,
    number: str = "",
    date: datetime.date | None = None,
    issuer: str = "",
    kind: str = "",
    progress: Progress | None = None,
    pages=None,
) -> Plan:
    paths = [Path(p) for p in paths]
    names = names or [p.name for p in paths]
    documents, errors = read_files(paths, names, pages=pages)
    title_lines = [line for d in documents for line in d.title_lines]
    meta, problems = reconcile(
        meta_from_title(title_lines), number=number, date=date, issuer=issuer, kind=kind
    )
    checksum = file_checksum(paths) if all(p.exists() for p in paths) else ""
    plan = Plan(filenames=names, checksum=checksum, meta=meta, errors=errors)
    plan.errors += [PlanError(None, f"{', '.join(names)}: {problem}.") for problem in problems]
    if meta.date and meta.date > timezone.localdate():
        plan.errors.append(
            PlanError(None, f"{', '.join(names)}: decision date {meta.date:%d/%m/%Y} is in the future.")
        )
    if not documents:
        return plan
    if meta.kind == DecisionKind.REVOCATION and not any("product" in d.columns for d in documents):
        return plan
    rows = [row for d in documents for row in d.rows]
    validated = []
    for row in rows:
        stars, score, row_errors = _validate(row, meta.kind)
        if row.scanned:
            # A scan's unreadable cell is a question for a person, not a reason to refuse the decision.
            row.doubts = scan_doubts(row, meta.kind) + [
                ("", e.message.split(": ", 1)[-1]) for e in row_errors
            ]
            row_errors = []
        plan.errors += row_errors
        validated.append((row, stars, score, bool(row_errors)))
    if plan.errors:
        for row, stars, score, bad in validated:
            plan.rows.append(
                PlannedRow(source=row, outcome=Outcome.ERROR if bad else "", stars=stars, score=score)
            )
        plan.rows = [r for r in plan.rows if r.outcome == Outcome.ERROR]
        return plan
    _match(plan, validated, progress=progress)
    return plan


def _match(plan: Plan, validated: list, *, progress: Progress | None = None) -> None:
    meta = plan.meta
    decision = Decision.objects.filter(
        number=meta.number, issuer=meta.issuer, date=required(meta.date, "decision date")
    ).first()
    plan.decision_id = decision.pk if decision else None
    province = decision_province(meta.issuer) or meta.province or None
    matcher = Matcher(province)
    seen: dict[tuple[str, str], int] = {}
    provinces_by_address: dict[str, str | None] = {}
    new_producers: dict[str, NewProducer] = {}
    for row, stars, score, _ in validated:
        planned = PlannedRow(source=row, outcome=Outcome.NEW, stars=stars, score=score)
        exact: set[str] = set()  # names that spell a known producer/product exactly
        plan.rows.append(planned)
        if progress is not None:
            progress.update(1)
        identity = (name_key(row.producer), product_key(row.product, row.producer))
        if identity in seen:
            planned.outcome = Outcome.UNCHANGED
            planned.message = f"same product as row {seen[identity]}"
            continue
        seen[identity] = row.number
        if row.address not in provinces_by_address:
            provinces_by_address[row.address] = province_in_address(row.address) if row.address else None
        row_province = provinces_by_address[row.address]
        if row.producer:
            ids, confidence = matcher.producer(row.producer, row_province)
            if len(ids) == 1 and confidence >= PRODUCER_SURE:
                planned.producer_id = ids[0]
                if confidence == 100:
                    exact.add("producer")
            elif ids:
                planned.outcome = Outcome.AMBIGUOUS
                planned.candidates = [matcher.candidate(pk, None, confidence) for pk in ids[:5]]
                planned.message = (
                    "producer name is close to several producers"
                    if len(ids) > 1
                    else ("producer name is close to an existing producer")
                )
                continue
        if planned.producer_id is not None:
            ids, confidence = matcher.product(planned.producer_id, row.product)
            if len(ids) == 1 and confidence >= PRODUCT_SURE:
                planned.product_id = ids[0]
                if confidence == 100:
                    exact.add("product")
            elif ids:
                planned.outcome = Outcome.AMBIGUOUS
                planned.candidates = [matcher.candidate(None, pk, confidence) for pk in ids[:5]]
                planned.message = "product name is close to this producer's products"
                continue
        elif not row.producer:
            ids = matcher.products_by_key.get(product_key(row.product), [])
            if province and len(ids) > 1:
                ids = [
                    pk for pk in ids if matcher.producers[matcher.product_producer[pk]][1] == province
                ] or ids
            if len(ids) == 1:
                planned.product_id = ids[0]
                planned.producer_id = matcher.product_producer[ids[0]]
            elif ids:
                planned.outcome = Outcome.AMBIGUOUS
                planned.candidates = [matcher.candidate(None, pk, 100) for pk in ids[:5]]
                planned.message = "several products carry this name; the row names no producer"
                continue
            else:
                planned.outcome = Outcome.UNMATCHED
                planned.message = "unknown product and the row names no producer"
                continue
        # A name read with low confidence that spells a known name exactly is that name; stars are never
        # taken on trust.
        doubts = [message for name, message in row.doubts if name not in exact]
        if row.scanned and (doubts or planned.product_id is None):
            planned.outcome = Outcome.AMBIGUOUS
            planned.message = "scanned row: " + "; ".join(
                doubts or ["not in the catalogue; check the spelling, then choose or add it"]
            )
            if planned.producer_id is not None:
                planned.candidates = [matcher.candidate(planned.producer_id, planned.product_id, 100)]
            continue
        if meta.kind == DecisionKind.REVOCATION:
            if planned.product_id is None:
                planned.outcome = Outcome.UNMATCHED
                planned.message = "no such product to revoke"
            continue
        if planned.product_id is None:
            planned.new_product_category = category_for(row.group, row.product)
            if planned.producer_id is None:
                key = name_key(row.producer)
                if key not in new_producers:
                    code = row_province or province
                    if not code:
                        planned.outcome = Outcome.UNMATCHED
                        planned.message = (
                            "unknown producer whose province neither the address nor the issuer tells"
                        )
                        continue
                    new_producers[key] = NewProducer(
                        key=key,
                        name=display_name(row.producer),
                        kind=kind_from_name(row.producer),
                        province=code,
                        address=row.address,
                    )
                planned.new_producer = new_producers[key]
    _compare_certificates(plan, decision)
    for planned in plan.rows:
        if planned.source.scanned and planned.outcome == Outcome.UNMATCHED:
            planned.outcome = Outcome.AMBIGUOUS  # a person reads the scan before anything is said of it


def scan_doubts(row: SourceRow, kind: str) -> list[tuple[str, str]]:
    """Why a row read from a scan cannot be applied as read: cells read with low confidence, or a star cell
    that is not plainly '3 sao', '4', '5 sao'."""
    doubts = []
    confidence = row.confidence or {}
    wanted = ["product", "producer"] + (["stars"] if kind == DecisionKind.RECOGNITION else [])
    for name in wanted:
        if name not in confidence:
            continue
        sure = SCAN_STARS_SURE if name == "stars" else SCAN_NAME_SURE
        if confidence[name] < sure:
            doubts.append((name, f"{FIELD_LABELS[name]} read with {confidence[name]:.0f}% confidence"))
    if (
        kind == DecisionKind.RECOGNITION
        and "stars" in confidence
        and not _SCANNED_STARS.match(fold(row.stars))
    ):
        doubts.append(("", f"{FIELD_LABELS['stars']} {row.stars!r} is not a plain star rating"))
    return doubts


class CertRow(NamedTuple):
    """What planning needs of a certificate (tuples: a 20,000-row plan reads as many)."""

    pk: int
    product_id: int
    stars: int
    state: str
    valid_from: datetime.date
    decision_id: int
    revoked_by_id: int | None
    decision__number: str
    ended_at: datetime.datetime | None
    superseded_by_id: int | None

    def values(self) -> dict:
        """The fields an import changes, as undo restores them."""
        return {
            "state": self.state,
            "ended_at": self.ended_at.isoformat() if self.ended_at else None,
            "revoked_by_id": self.revoked_by_id,
            "superseded_by_id": self.superseded_by_id,
        }


def _compare_certificates(plan: Plan, decision: Decision | None) -> None:
    meta = plan.meta
    product_ids = {r.product_id for r in plan.rows if r.product_id}
    by_product: dict[int, list[CertRow]] = {}
    certs = (
        Certification.objects.filter(product_id__any=product_ids)
        .order_by("product_id", "-valid_from", "-id")
        .values_list(*CertRow._fields)
    )
    for values in certs.iterator(chunk_size=5000):
        cert = CertRow(*values)
        by_product.setdefault(cert.product_id, []).append(cert)
    for row in plan.rows:
        if row.outcome != Outcome.NEW or row.product_id is None:
            continue
        history = by_product.get(row.product_id, [])
        if meta.kind == DecisionKind.REVOCATION:
            _plan_revocation(plan, row, history, decision)
            continue
        if decision and any(c.decision_id == decision.pk for c in history):
            row.outcome = Outcome.UNCHANGED
            row.message = "already imported from this decision"
            continue
        current = next((c for c in history if c.state != CertificationState.SUPERSEDED), None)
        if current is not None and current.valid_from > required(meta.date, "decision date"):
            row.outcome = Outcome.UNCHANGED
            row.message = f"a later decision ({current.decision__number}) already rates this product"
            continue
        if current is None or current.state == CertificationState.REVOKED:
            row.outcome = Outcome.NEW
        elif row.stars == current.stars:
            row.outcome = Outcome.RENEWED
        elif required(row.stars, "star rating") > current.stars:
            row.outcome = Outcome.UPGRADED
        else:
            row.outcome = Outcome.DOWNGRADED
        if current is not None and current.state == CertificationState.ACTIVE:
            row.previous_certification_id = current.pk
            row.previous_state = current.state
            row.previous_values = current.values()
        if current is not None and row.outcome != Outcome.NEW:
            row.message = f"{current.stars}★ → {row.stars}★"


def _plan_revocation(plan: Plan, row: PlannedRow, history: list[CertRow], decision: Decision | None) -> None:
    if decision and any(c.revoked_by_id == decision.pk for c in history):
        row.outcome = Outcome.UNCHANGED
        row.message = "already revoked by this decision"
        return
    cited = {fold(n).replace(" ", "") for n in _cited(row.source, plan.meta)}
    target = None
    if cited:
        target = next((c for c in history if fold(c.decision__number).replace(" ", "") in cited), None)
    if target is None:
        target = next((c for c in history if c.state == CertificationState.ACTIVE), None)
    if target is None:
        target = next((c for c in history if c.state in (CertificationState.EXPIRED,)), None)
    if target is None or target.state in (CertificationState.REVOKED, CertificationState.SUPERSEDED):
        row.outcome = Outcome.UNMATCHED
        row.message = "the product holds no certificate that this decision can revoke"
        return
    row.outcome = Outcome.REVOKED
    row.previous_certification_id = target.pk
    row.previous_state = target.state
    row.previous_values = target.values()
    row.message = f"revokes {target.stars}★ of {target.decision__number}"
