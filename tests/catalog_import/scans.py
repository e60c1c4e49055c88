"""Scanned and photographed decision annexes for the OCR tests and the bench: pages rendered from the real
rows in reference/ (national header, "kèm theo Quyết định số … ngày … của …", ruled table, signature and red
seal), then degraded the way scanners and phones degrade them: rotation, blur, noise, JPEG artefacts, grey
paper, a red seal over the signature, tables running over two pages, perspective and uneven light.

Deterministic for a seed. Pages are 150 dpi A4 (small and quick to OCR, as the test suite needs).
"""

from __future__ import annotations

import csv
import datetime
import io
import random
from dataclasses import dataclass, field
from pathlib import Path

from tests.catalog_import import decision_files as df

DPI = 150
PAGE = (1240, 1754)  # A4 portrait at 150 dpi
MARGIN = 90
HEADER = ["STT", "Tên sản phẩm", "Chủ thể", "Hạng sao"]
WIDTHS = [70, 430, 430, 130]
FONT_SIZE = 22
LINE = 28
FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
)


def font_file() -> str | None:
    return next((f for f in FONTS if Path(f).exists()), None)


@dataclass
class Annex:
    """One decision: its metadata and rows (product, producer, stars) as the catalogue should end up."""

    name: str
    number: str
    date: datetime.date
    province: str  # "Sơn La"
    rows: list[tuple[str, str, int]]
    degrade: dict = field(default_factory=dict)

    @property
    def issuer(self) -> str:
        return f"UBND tỉnh {self.province}"


# --- Rows from the reference files --------------------------------------------------------------------------
def reference_products() -> list[tuple[str, str, str]]:
    """(product, producer, province) of every real row with a producer: Lào Cai, Sơn La (Sông Mã, Mộc Châu,
    the provincial list)."""
    found: dict[tuple[str, str], str] = {}
    for filename, province in (
        ("laocai_4261.txt", "Lào Cai"),
        ("sonla_songma_2023.txt", "Sơn La"),
        ("sonla_mocchau_2023.txt", "Sơn La"),
    ):
        _, rows = df.reference_rows(filename)
        for row in rows:
            if len(row[1]) < 60:
                found.setdefault((row[1], row[2]), province)
    with open("/work/shared/reference/ocop/sonla_products.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            producer = row["producer"].split(" (")[0].strip()
            if producer and not producer.startswith("("):
                found.setdefault((row["product"], producer), "Sơn La")
    return [(product, producer, province) for (product, producer), province in found.items()]


def annexes(seed: int = 14) -> list[Annex]:
    """The accuracy set: six re-rating decisions, 100+ rows, every product already in the catalogue."""
    rng = random.Random(seed)
    known = reference_products()
    by_province: dict[str, list] = {}
    for product, producer, province in known:
        by_province.setdefault(province, []).append((product, producer))
    today = datetime.date.today()
    plans = [
        ("laocai", "Lào Cai", {"rotate": 2.0, "blur": 0.6}),
        ("sonla-a", "Sơn La", {"rotate": -2.5, "noise": 10, "seal": True}),
        ("sonla-b", "Sơn La", {"jpeg": 35, "grey": 215}),
        ("laocai-photo", "Lào Cai", {"photo": True}),
        ("sonla-photo", "Sơn La", {"photo": True, "rotate": 1.5}),
        (
            "sonla-c",
            "Sơn La",
            {"rotate": 3.0, "blur": 0.8, "noise": 8, "jpeg": 50, "grey": 225, "seal": True},
        ),
    ]
    result = []
    for index, (name, province, degrade) in enumerate(plans):
        pool = by_province[province][:]
        rng.shuffle(pool)
        count = min(len(pool), rng.randint(17, 24))
        rows = [(product, producer, rng.choice((3, 3, 4))) for product, producer in pool[:count]]
        date = today - datetime.timedelta(days=200 - index * 20)
        result.append(Annex(name, f"{1200 + index * 37}/QĐ-UBND", date, province, rows, degrade))
    return result


# --- Rendering ----------------------------------------------------------------------------------------------
def _font(size: int):
    from PIL import ImageFont

    return ImageFont.truetype(font_file(), size)


def _wrap(draw, text: str, font, width: int) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if draw.textlength(trial, font=font) <= width - 14 or not current:
            current = trial
        else:
            lines.append(current)
            current = word
    return [*lines, current] if current else [""]


def _centre(draw, text: str, font, y: int, x0: int = 0, x1: int = PAGE[0]) -> None:
    width = draw.textlength(text, font=font)
    draw.text(((x0 + x1 - width) / 2, y), text, font=font, fill="black")


def render_pages(annex: Annex, *, rows_per_page: int = 14) -> list:
    """Clean pages (PIL images): header block and the table on page 1, the table continued (header repeated)
    on the next pages, the signature and seal after the last row."""
    from PIL import Image, ImageDraw

    font, bold = _font(FONT_SIZE), _font(FONT_SIZE)
    chunks = [annex.rows[i : i + rows_per_page] for i in range(0, len(annex.rows), rows_per_page)]
    pages = []
    number = 0
    for page_index, chunk in enumerate(chunks):
        image = Image.new("RGB", PAGE, "white")
        draw = ImageDraw.Draw(image)
        top = MARGIN
        if page_index == 0:
            left_end = MARGIN + 430
            _centre(draw, "ỦY BAN NHÂN DÂN", bold, top, MARGIN, left_end)
            _centre(draw, f"TỈNH {annex.province.upper()}", bold, top + LINE, MARGIN, left_end)
            _centre(draw, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold, top, left_end, PAGE[0] - MARGIN)
            _centre(draw, "Độc lập - Tự do - Hạnh phúc", font, top + LINE, left_end, PAGE[0] - MARGIN)
            top += 3 * LINE + 10
            _centre(draw, "PHỤ LỤC", bold, top)
            _centre(draw, "DANH SÁCH SẢN PHẨM ĐẠT CHUẨN OCOP", bold, top + LINE)
            line = (
                f"(Kèm theo Quyết định số {annex.number} ngày {annex.date:%d/%m/%Y} "
                f"của UBND tỉnh {annex.province})"
            )
            _centre(draw, line, _font(FONT_SIZE - 3), top + 2 * LINE)
            top += 4 * LINE
        ruled = not annex.degrade.get("unruled")
        top = _table_row(draw, HEADER, top, bold, ruled=ruled)
        for product, producer, stars in chunk:
            number += 1
            row_top = top
            cells = [str(number), product, producer, f"{stars} sao"]
            top = _table_row(draw, cells, top, font, ruled=ruled)
            if number in annex.degrade.get("smudge", ()):
                # An ink blot over the star figure: the reading cannot be trusted.
                x = MARGIN + sum(WIDTHS[:3])
                draw.ellipse((x + 4, row_top + 6, x + 30, row_top + 34), fill=(90, 90, 90))
        if page_index == len(chunks) - 1:
            x = PAGE[0] - MARGIN - 380
            _centre(draw, "TM. ỦY BAN NHÂN DÂN", bold, top + 50, x, x + 380)
            _centre(draw, "CHỦ TỊCH", bold, top + 50 + LINE, x, x + 380)
            draw.line((x + 120, top + 130, x + 260, top + 110), fill="black", width=3)
            if annex.degrade.get("seal"):
                _seal(draw, (x + 150, top + 120))
        pages.append(image)
    return pages


def _table_row(draw, cells: list[str], top: int, font, *, ruled: bool = True) -> int:
    wrapped = [_wrap(draw, c, font, w) for c, w in zip(cells, WIDTHS, strict=True)]
    height = max(len(w) for w in wrapped) * LINE + 14
    x = MARGIN
    for lines, width in zip(wrapped, WIDTHS, strict=True):
        if ruled:
            draw.rectangle((x, top, x + width, top + height), outline="black", width=2)
        for index, line in enumerate(lines):
            draw.text((x + 8, top + 7 + index * LINE), line, font=font, fill="black")
        x += width
    return top + height


def _seal(draw, centre: tuple[int, int]) -> None:
    """A red round seal: two rings, the issuer around, a star in the middle."""
    x, y = centre
    red = (210, 30, 35)
    for radius, width in ((95, 5), (70, 3)):
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), outline=red, width=width)
    draw.regular_polygon((x, y, 28), 5, fill=red)
    draw.text((x - 60, y - 88), "ỦY BAN NHÂN DÂN", font=_font(14), fill=red)


# --- Degrading ----------------------------------------------------------------------------------------------
def degrade(image, options: dict, rng: random.Random):
    """The page as a scanner or a phone returns it."""
    import numpy as np
    from PIL import Image, ImageFilter

    if options.get("grey"):
        paper = Image.new("RGB", image.size, (options["grey"],) * 2 + (options["grey"] - 12,))
        image = Image.fromarray(np.minimum(np.asarray(image), np.asarray(paper)))
    if options.get("rotate"):
        image = image.rotate(options["rotate"], resample=Image.BICUBIC, expand=False, fillcolor="white")
    if options.get("photo"):
        image = _photograph(image, rng)
    if options.get("blur"):
        image = image.filter(ImageFilter.GaussianBlur(options["blur"]))
    if options.get("noise"):
        pixels = np.asarray(image).astype(np.int16)
        noise = np.random.default_rng(rng.randrange(1 << 30)).normal(0, options["noise"], pixels.shape[:2])
        image = Image.fromarray(np.clip(pixels + noise[..., None], 0, 255).astype(np.uint8))
    if options.get("jpeg"):
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=options["jpeg"])
        image = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    return image


def _photograph(image, rng: random.Random):
    """A phone photo: the sheet on a dark desk seen slightly from the side, lit from one corner."""
    import cv2
    import numpy as np
    from PIL import Image

    width, height = image.size
    canvas_size = (width + 160, height + 160)
    page = np.asarray(image)
    src = np.float32([[0, 0], [width, 0], [width, height], [0, height]])
    jitter = [rng.uniform(-35, 35) for _ in range(8)]
    dst = np.float32(
        [
            [80 + jitter[0], 80 + jitter[1]],
            [80 + width - 30 + jitter[2], 80 + jitter[3]],
            [80 + width + jitter[4], 80 + height + jitter[5]],
            [80 + 20 + jitter[6], 80 + height - 10 + jitter[7]],
        ]
    )
    matrix = cv2.getPerspectiveTransform(src, dst)
    warped = cv2.warpPerspective(page, matrix, canvas_size, borderValue=(70, 60, 55))
    ys, xs = np.mgrid[0 : canvas_size[1], 0 : canvas_size[0]]
    light = 0.62 + 0.38 * (1 - (xs / canvas_size[0] * 0.6 + ys / canvas_size[1] * 0.4))
    lit = np.clip(warped.astype(np.float32) * light[..., None], 0, 255).astype(np.uint8)
    return Image.fromarray(lit)


def write(annex: Annex, folder: Path, *, fmt: str = "pdf", rows_per_page: int = 14) -> Path:
    """The annex as a scan: an image-only PDF (no text layer), or a JPEG/PNG of a one-page annex."""
    rng = random.Random(annex.name)
    pages = [degrade(p, annex.degrade, rng) for p in render_pages(annex, rows_per_page=rows_per_page)]
    if fmt == "pdf":
        path = folder / f"{annex.name}.pdf"
        pages[0].save(path, "PDF", resolution=DPI, save_all=True, append_images=pages[1:])
    else:
        if len(pages) != 1:
            raise ValueError("an image holds one page; use fewer rows or a PDF")
        path = folder / f"{annex.name}.{fmt}"
        pages[0].save(path, quality=80) if fmt == "jpg" else pages[0].save(path)
    return path


# --- The catalogue the annexes re-rate, and how well an import did ------------------------------------------
def seed_catalogue(annexes_: list[Annex]) -> None:
    """Every producer and product of the annexes, certified 3★ two years ago by an earlier decision (each
    annex re-rates known products: what provinces publish most)."""
    from marketplace.core.provinces import province_code_for
    from tests.factories import CertificationFactory, DecisionFactory, ProducerFactory, ProductFactory

    earlier = DecisionFactory(
        number="100/QĐ-UBND",
        issuer="UBND tỉnh Sơn La",
        date=datetime.date.today() - datetime.timedelta(days=700),
    )
    producers: dict[str, object] = {}
    products: set[tuple[str, str]] = set()
    for annex in annexes_:
        for product, producer, _ in annex.rows:
            if producer not in producers:
                producers[producer] = ProducerFactory(
                    name=producer, province=province_code_for(annex.province)
                )
            if (producer, product) not in products:
                products.add((producer, product))
                item = ProductFactory(producer=producers[producer], name=product, is_published=True)
                CertificationFactory(product=item, decision=earlier, stars=3)


@dataclass
class Accuracy:
    rows: int = 0
    right: int = 0  # applied with the right stars to the right product
    wrong: int = 0  # applied with other stars, or to another product
    review: int = 0  # waiting in the review queue
    missing: int = 0  # neither applied nor in review
    invented: int = 0  # certificates or products the annex does not hold

    def add(self, other: Accuracy) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def applied_share(self) -> float:
        return self.right / self.rows if self.rows else 0.0


def accuracy(annex: Annex) -> Accuracy:
    """Compare what the import of `annex` wrote with the annex's rows."""
    from catalog_import.models import ImportRow, ImportRun, Outcome, RunStatus
    from marketplace.certification.models import Certification

    run = ImportRun.objects.get(decision__number=annex.number, status=RunStatus.APPLIED)
    issued = {
        (c.product.producer.name, c.product.name): c.stars
        for c in Certification.objects.filter(decision=run.decision).select_related("product__producer")
    }
    expected = {(producer, product): stars for product, producer, stars in annex.rows}
    result = Accuracy(rows=len(annex.rows))
    review = ImportRow.objects.filter(run=run, outcome=Outcome.AMBIGUOUS).count()
    for key, stars in expected.items():
        if key in issued:
            result.right += issued[key] == stars
            result.wrong += issued[key] != stars
    result.invented = sum(1 for key in issued if key not in expected)
    result.invented += ImportRow.objects.filter(run=run, created_product=True).count()
    result.review = review
    result.missing = result.rows - result.right - result.wrong - min(review, result.rows - result.right)
    return result
