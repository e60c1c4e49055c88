"""Scanned annexes (PDF pages without a text layer) and photographed pages (JPEG, PNG, TIFF): Tesseract with
its Vietnamese model reads the words, OpenCV finds the table.

Per page:
1. Grey from the red channel: a red seal or red signature fades into the paper, black print stays black.
   Uneven light and grey paper are divided out (background estimated by a large dilation).
2. The ruled lines (morphology: long thin openings) give the table's outer border; its four corners map to an
   upright rectangle (one perspective warp undoes rotation, skew and a phone's viewing angle). A page that
   reads as nothing is turned by what Tesseract's orientation detection says (sideways, upside down).
3. On the upright page the lines give row and column edges; the lines are erased and the table is read with
   one Tesseract call (words with boxes and confidences); each word goes to the cell holding its centre.
4. The star column is read a second time on its own (a strip of the star cells, digits and "sao" only):
   a row whose two readings disagree is uncertain.
A table printed without lines is read from Tesseract's layout (columns from the header's words, rows from
the stars), and every one of its rows waits for a person.
The text above the table on the first page gives the title lines (national header, "kèm theo Quyết định
số …").

Every cell carries a confidence (the lowest of its words). Each row carries the picture of itself, so the
review queue can show a person what the scan says.

Bounds: pixels per page checked before decoding (Pillow's decompression-bomb limit as well), pages per PDF,
Tesseract time per page; a page without a ruled table, or a document without a product header, is refused.
"""

from __future__ import annotations

import base64
import contextvars
import hashlib
import io
import itertools
import json
import os
import re
import statistics
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeGuard

from django.conf import settings

from catalog_import.readers.base import ImportFileError, RawDocument, RawRow, RawTable, clean_cell

DPI = 200  # rendering of scanned PDF pages: Tesseract reads 10–13 pt print best at 200–300 dpi

Progress = Callable[[int, int], None]  # (pages done, pages in all)


def max_pages() -> int:
    return int(getattr(settings, "IMPORT_MAX_PAGES", 300))


def max_pixels() -> int:
    return 40_000_000  # an A3 page at 600 dpi is 35 MP; Pillow refuses twice this before decoding


def page_seconds() -> float:
    return float(getattr(settings, "IMPORT_OCR_PAGE_SECONDS", 60))


_PAGE_SIZE = "a scanned page is between 200 × 200 and 40 million pixels (scan at 200–300 dpi)"


class OcrUnavailable(ImportFileError):
    pass


def tesseract_missing() -> str:
    """What is missing for OCR ('' when Tesseract and its Vietnamese model are installed)."""
    import shutil

    if shutil.which("tesseract") is None:
        return "Tesseract is not installed (Debian: apt-get install tesseract-ocr tesseract-ocr-vie)"
    import pytesseract

    try:
        languages = pytesseract.get_languages(config="")
    except Exception as exc:  # a broken install tells through its own message
        return f"Tesseract does not run ({exc})"
    if "vie" not in languages:
        return "Tesseract's Vietnamese model is not installed (Debian: apt-get install tesseract-ocr-vie)"
    return ""


@dataclass
class Word:
    text: str
    confidence: float
    left: int
    top: int
    right: int
    bottom: int

    @property
    def centre(self) -> tuple[float, float]:
        return (self.left + self.right) / 2, (self.top + self.bottom) / 2


@dataclass
class PageRow:
    cells: list[str]
    confidence: dict[int, float]
    image: bytes  # PNG of the row as scanned


@dataclass
class PageResult:
    title_lines: list[str]
    rows: list[PageRow]
    star_column: int | None


# --- Opening images and pages, bounded ----------------------------------------------------------------------
def open_image(path: Path, name: str):
    """A photographed or scanned page, its size checked from the header before any pixel is decoded."""
    import warnings

    from PIL import Image

    Image.MAX_IMAGE_PIXELS = max_pixels()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # _check_size refuses those
            image = Image.open(path)
        width, height = image.size
    except Image.DecompressionBombError as exc:
        raise ImportFileError(
            f"{name}: the page is over {2 * max_pixels() // 1_000_000} million pixels; {_PAGE_SIZE}."
        ) from exc
    except Exception as exc:
        raise ImportFileError(f"{name}: the image is damaged or not an image ({exc}).") from exc
    _check_size(width, height, name)
    n_frames = getattr(image, "n_frames", 1)
    if n_frames > max_pages():
        raise ImportFileError(f"{name}: {n_frames} pages, over the limit of {max_pages()}; split the file.")
    try:
        frames = []
        for index in range(n_frames):
            image.seek(index)
            frames.append(image.convert("RGB"))
    except Exception as exc:
        raise ImportFileError(f"{name}: the image is damaged or truncated ({exc}).") from exc
    return frames


def _check_size(width: int, height: int, name: str, where: str = "") -> None:
    if width * height > max_pixels() or min(width, height) < 200:
        raise ImportFileError(f"{name}{where}: the page is {width} × {height} pixels; {_PAGE_SIZE}.")


def pdf_pages(document, name: str) -> Iterator:
    """Pages of an image-only PDF rendered at DPI, one at a time."""
    for index in range(len(document)):
        page = document[index]
        width, height = page.get_size()
        scale = DPI / 72
        _check_size(int(width * scale), int(height * scale), name, f", page {index + 1}")
        yield page.render(scale=scale, grayscale=False).to_pil().convert("RGB")
        page.close()


# --- One page -----------------------------------------------------------------------------------------------
def _normalised_grey(rgb):
    """Red channel (seals fade), light evened out: print on white whatever the paper and the lamp."""
    import cv2
    import numpy as np

    grey = rgb[:, :, 0]
    size = max(15, (min(grey.shape) // 40) | 1)
    background = cv2.dilate(grey, cv2.getStructuringElement(cv2.MORPH_RECT, (size, size)))
    background = cv2.medianBlur(background, 21)
    even = np.clip(grey.astype(np.float32) / np.maximum(background, 1) * 255, 0, 255).astype(np.uint8)
    # A photo shows the desk around the sheet: its edge would read as the table's frame. Keep the sheet only.
    _, bright = cv2.threshold(
        cv2.GaussianBlur(grey, (31, 31), 0), 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU
    )
    contours, _ = cv2.findContours(bright, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if contours:
        sheet = max(contours, key=cv2.contourArea)
        if cv2.contourArea(sheet) < 0.97 * grey.shape[0] * grey.shape[1]:
            mask = np.zeros_like(grey)
            cv2.drawContours(mask, [sheet], -1, 255, thickness=cv2.FILLED)
            mask = cv2.erode(mask, cv2.getStructuringElement(cv2.MORPH_RECT, (size, size)))
            even[mask == 0] = 255
    return even


def _binary(grey):
    import cv2

    _, binary = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return binary


def _line_masks(binary, scale: int):
    import cv2

    height, width = binary.shape
    thick = cv2.dilate(binary, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    horizontal = cv2.morphologyEx(
        thick, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(width // scale, 20), 1))
    )
    vertical = cv2.morphologyEx(
        thick, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(height // scale, 20)))
    )
    return horizontal, vertical


def _table_quad(binary):
    """The four corners (tl, tr, br, bl) of the largest ruled frame on the page, or None."""
    import cv2
    import numpy as np

    horizontal, vertical = _line_masks(binary, 35)
    grid = cv2.dilate(horizontal | vertical, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5)))
    contours, _ = cv2.findContours(grid, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    contour = max(contours, key=cv2.contourArea)
    page_area = binary.shape[0] * binary.shape[1]
    if cv2.contourArea(contour) < 0.04 * page_area:
        return None
    points = contour.reshape(-1, 2).astype(np.float32)
    sums, diffs = points.sum(axis=1), points[:, 0] - points[:, 1]
    return np.array(
        [points[sums.argmin()], points[diffs.argmax()], points[sums.argmax()], points[diffs.argmin()]],
        dtype=np.float32,
    )


def _upright(grey, quad):
    """The page warped so that the table frame is an axis-parallel rectangle; returns (image, box)."""
    import cv2
    import numpy as np

    tl, tr, br, bl = quad
    width = int(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    height = int(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    left, top = int(min(tl[0], bl[0])), int(min(tl[1], tr[1]))
    target = np.array(
        [[left, top], [left + width, top], [left + width, top + height], [left, top + height]],
        dtype=np.float32,
    )
    matrix = cv2.getPerspectiveTransform(quad, target)
    size = (max(grey.shape[1], left + width + 10), max(grey.shape[0], top + height + 10))
    warped = cv2.warpPerspective(grey, matrix, size, flags=cv2.INTER_LINEAR, borderValue=255)
    return warped, (left, top, left + width, top + height)


def _edges(profile, threshold: float, gap: int = 6) -> list[int]:
    """Centres of the runs where a line-mask profile is above threshold."""
    edges: list[int] = []
    run: list[int] = []
    for index, value in enumerate(profile):
        if value >= threshold:
            if run and index - run[-1] > gap:
                edges.append(sum(run) // len(run))
                run = []
            run.append(index)
    if run:
        edges.append(sum(run) // len(run))
    return edges


def _words(image, *, config: str) -> list[Word]:
    import pytesseract

    data = pytesseract.image_to_data(
        image, lang="vie", config=config, output_type=pytesseract.Output.DICT, timeout=page_seconds()
    )
    words = []
    for index, text in enumerate(data["text"]):
        text = (text or "").strip()
        confidence = float(data["conf"][index])
        if not text or confidence < 0:
            continue
        left, top = data["left"][index], data["top"][index]
        words.append(
            Word(text, confidence, left, top, left + data["width"][index], top + data["height"][index])
        )
    return words


def _cell_text(words: list[Word]) -> tuple[str, float]:
    """Words of one cell in reading order; the confidence is the lowest word's (100 for an empty cell)."""
    if not words:
        return "", 100.0
    text = " ".join(w.text for line in _lines_of(words) for w in line)
    return clean_cell(text), min(w.confidence for w in words)


def _png(image) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _no_table(name: str, where: str) -> ImportFileError:
    return ImportFileError(
        f"{name}{where}: no ruled table found; a decision annex is a table with lines "
        "(is this a photo of the decision's annex, whole and in focus?)."
    )


def read_page(rgb, *, name: str, where: str, want_title: bool, star_column: int | None) -> PageResult:
    import cv2
    import numpy as np

    grey = _normalised_grey(np.asarray(rgb))
    quad = _table_quad(_binary(grey))
    if quad is None:
        return _read_unruled(grey, name=name, where=where, want_title=want_title, star_column=star_column)
    upright, (left, top, right, bottom) = _upright(grey, quad)
    binary = _binary(upright)
    horizontal, vertical = _line_masks(binary, 25)
    table_h = horizontal[max(top - 5, 0) : bottom + 6, max(left - 5, 0) : right + 6]
    table_v = vertical[max(top - 5, 0) : bottom + 6, max(left - 5, 0) : right + 6]
    rows_y = [y + max(top - 5, 0) for y in _edges(table_h.sum(axis=1) / 255, 0.5 * (right - left))]
    cols_x = [x + max(left - 5, 0) for x in _edges(table_v.sum(axis=0) / 255, 0.4 * (bottom - top))]
    if len(rows_y) < 3 or len(cols_x) < 3:
        return _read_unruled(grey, name=name, where=where, want_title=want_title, star_column=star_column)

    # Lines erased (they would read as letters "l" and "_"), then one Tesseract call for the whole table.
    lines = cv2.dilate(horizontal | vertical, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5)))
    clean = upright.copy()
    clean[lines > 0] = 255
    table = clean[top:bottom, left:right]
    words = _words(table, config="--psm 6")
    cells: dict[tuple[int, int], list[Word]] = {}
    for word in words:
        x, y = word.centre[0] + left, word.centre[1] + top
        row = next((i for i in range(len(rows_y) - 1) if rows_y[i] <= y < rows_y[i + 1]), None)
        column = next((i for i in range(len(cols_x) - 1) if cols_x[i] <= x < cols_x[i + 1]), None)
        if row is not None and column is not None:
            cells.setdefault((row, column), []).append(word)
    result_rows = []
    for row in range(len(rows_y) - 1):
        texts, confidence = [], {}
        for column in range(len(cols_x) - 1):
            text, score = _cell_text(cells.get((row, column), []))
            texts.append(text)
            confidence[column] = score
        crop = upright[max(rows_y[row] - 2, 0) : rows_y[row + 1] + 3, max(left - 2, 0) : right + 3]
        result_rows.append(PageRow(texts, confidence, _png(crop)))
    for page_row in result_rows[:3]:  # this page's header, else the one of an earlier page
        if header_columns(page_row.cells):
            star_column = header_columns(page_row.cells).get("stars", star_column)
    if star_column is not None and star_column < len(cols_x) - 1:
        _second_star_reading(clean, result_rows, rows_y, cols_x, star_column)
    title = []
    if want_title and top > 40:
        text = _ocr_text(upright[:top, :], config="--psm 4")
        title = [clean_cell(line) for line in text.splitlines() if line.strip()]
    return PageResult(title, result_rows, star_column)


# Rows of a table printed without lines are read from Tesseract's layout alone: columns from the header's
# words, rows from the numbering column. Column edges guessed from gaps can put a word in the wrong cell, so
# no such row is applied as read: each waits in the review queue with its picture.
UNRULED_STARS_CAP = 50.0
_RATING = re.compile(r"^(0?[345]|sao|[345]\*|★+)$", re.IGNORECASE)


def _lines_of(words: list[Word]) -> list[list[Word]]:
    if not words:
        return []
    height = statistics.median(w.bottom - w.top for w in words) or 1
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: w.centre[1]):
        if lines and abs(word.centre[1] - statistics.mean(w.centre[1] for w in lines[-1])) < height * 0.6:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w.left) for line in lines]


def _header_groups(line: list[Word]) -> list[list[Word]]:
    """A header line's words grouped by column: a new column starts where a field's phrase starts that is
    not the field of the words before it ("STT | Tên sản phẩm | Chủ thể | Hạng sao")."""
    from catalog_import.columns import field_of

    groups = [[line[0]]]
    for index, word in enumerate(line[1:], start=1):
        current = field_of(" ".join(w.text for w in groups[-1]))
        ahead = next(
            (
                f
                for size in (1, 2, 3, 4)
                if (f := field_of(" ".join(w.text for w in line[index : index + size])))
            ),
            None,
        )
        if current is not None and ahead is not None and ahead != current:
            groups.append([word])
        else:
            groups[-1].append(word)
    return groups


def _column_edges(header: list[list[Word]], data: list[Word], width: int) -> list[float]:
    """Column edges: for each pair of neighbouring header phrases, the free strip (no word of the rows
    below crosses it) nearest to the start of the right-hand phrase; midway between them if none."""
    import numpy as np

    covered = np.zeros(width + 1, dtype=bool)
    for word in data:
        covered[max(word.left, 0) : min(word.right, width) + 1] = True
    edges = [0.0]
    for before, after in itertools.pairwise(header):
        start, stop = before[-1].right, after[0].left
        free = [x for x in range(stop, start, -1) if not covered[x]]
        edges.append(float(free[0]) if free else (start + stop) / 2)
    edges.append(float(width))
    return edges


def _read_unruled(grey, *, name: str, where: str, want_title: bool, star_column: int | None) -> PageResult:
    words = _words(grey, config="--psm 4")
    lines = _lines_of(words)
    header_at, header = None, []
    for index, line in enumerate(lines):
        groups = _header_groups(line)
        if header_columns([" ".join(w.text for w in g) for g in groups]):
            header_at, header = index, groups
            break
    if header_at is None:
        raise _no_table(name, where)
    # Column gaps from the rows' first lines (they carry the stars); the signature block below the table
    # would close every gap.
    rated_lines = [line for line in lines[header_at + 1 :] if any(_RATING.match(w.text) for w in line)]
    edges = _column_edges(header, [w for line in rated_lines for w in line], grey.shape[1])
    labels = [" ".join(w.text for w in g) for g in header]
    columns = header_columns(labels)
    stars = columns.get("stars", star_column)
    numbering = columns.get("stt", 0)
    rows: list[tuple[list[list[Word]], int, int]] = []  # (words per column, top, bottom)
    height = statistics.median(w.bottom - w.top for w in words) or 1
    previous_bottom = max(w.bottom for w in lines[header_at])
    for line in lines[header_at + 1 :]:
        top, bottom = min(w.top for w in line), max(w.bottom for w in line)
        if top - previous_bottom > 1.5 * height:
            break  # a blank band: the table is over (the signature block follows)
        previous_bottom = bottom
        cells: list[list[Word]] = [[] for _ in labels]
        for word in line:
            column = next(
                i for i in range(len(labels)) if word.centre[0] < edges[i + 1] or i == len(labels) - 1
            )
            cells[column].append(word)
        # A row starts with its number or its stars; other lines are its cells wrapping.
        numbered = any(w.text.rstrip(".").isdigit() for w in cells[numbering])
        rated = stars is not None and any(_RATING.match(w.text) for w in cells[stars])
        if numbered or rated or not rows:
            rows.append((cells, top, bottom))
        else:
            above, first, _ = rows[-1]
            for column, found in enumerate(cells):
                above[column].extend(found)
            rows[-1] = (above, first, bottom)
    result = [PageRow(labels, dict.fromkeys(range(len(labels)), 100.0), b"")]
    for cells, top, bottom in rows:
        texts, confidence = [], {}
        for column, found in enumerate(cells):
            text, score = _cell_text(found)
            texts.append(text)
            confidence[column] = score
        if stars is not None and stars in confidence:
            confidence[stars] = min(confidence[stars], UNRULED_STARS_CAP)
        crop = grey[max(top - 6, 0) : bottom + 6, :]
        result.append(PageRow(texts, confidence, _png(crop)))
    title = []
    if want_title:
        title = [" ".join(w.text for w in line) for line in lines[:header_at]]
    return PageResult(title, result, stars)


def _ocr_text(image, *, config: str) -> str:
    import pytesseract

    return pytesseract.image_to_string(image, lang="vie", config=config, timeout=page_seconds())


def _second_star_reading(clean, rows: list[PageRow], rows_y, cols_x, column: int) -> None:
    """Read the star cells again as one strip, one cell per line: a row whose first figure differs between
    the two readings is uncertain (confidence 0); where they agree, the chance that both are wrong is the
    product of their doubts. Blur turns 3 into 8 or 5 into 6 in one reading, rarely the same way in both."""
    import numpy as np

    x0, x1 = cols_x[column] + 4, cols_x[column + 1] - 3
    strips, spans, y = [], [], 0
    for index in range(len(rows)):
        cell = clean[rows_y[index] + 4 : rows_y[index + 1] - 3, x0:x1]
        if cell.size == 0:
            continue
        strips.append(cell)
        strips.append(np.full((20, x1 - x0), 255, np.uint8))
        spans.append((index, y, y + cell.shape[0]))
        y += cell.shape[0] + 20
    if not strips:
        return
    strip = np.vstack(strips)
    # No character whitelist: with it Tesseract's LSTM reports no confidence (0) for what it reads.
    words = _words(strip, config="--psm 6")
    for index, start, end in spans:
        inside = [w for w in words if start <= w.centre[1] < end]
        first = _first_digit(" ".join(w.text for w in inside))
        original = _first_digit(rows[index].cells[column])
        if first != original or not inside:
            rows[index].confidence[column] = 0.0
        else:
            # Two readings of different segmentations agree: both would have to be wrong the same way.
            first_doubt = 1 - rows[index].confidence[column] / 100
            second_doubt = 1 - min(w.confidence for w in inside) / 100
            rows[index].confidence[column] = round(100 * (1 - first_doubt * second_doubt), 1)


def _first_digit(text: str) -> str:
    return next((c for c in text if c.isdigit()), "")


def header_columns(cells: list[str]) -> dict[str, int]:
    """The columns a header row names; {} for a data row (which may say "sản phẩm" and "3 sao" too)."""
    from catalog_import.columns import map_columns

    columns = map_columns(cells)
    if "product" not in columns or len(columns) < 2:
        return {}
    if any(c.strip().isdigit() for c in cells) or any(len(cells[i]) > 40 for i in columns.values()):
        return {}
    return columns


# --- Documents ----------------------------------------------------------------------------------------------
def _readable(page: PageResult | None) -> TypeGuard[PageResult]:
    """The page names its columns, or its rows read with some confidence."""
    if page is None:
        return False
    if any(header_columns(r.cells) for r in page.rows[:3]):
        return True
    scores = [min(r.confidence.values()) for r in page.rows if r.confidence and any(r.cells)]
    return bool(scores) and statistics.median(scores) >= 60


def _read_oriented(image, **options) -> PageResult:
    """read_page, and once more turned upright when the page reads as nothing (scanned sideways or upside
    down; Tesseract's orientation detection tells by how much). Small skews are the frame's business."""
    try:
        page: PageResult | None = read_page(image, **options)
        refusal = None
    except ImportFileError as exc:
        page, refusal = None, exc
    if _readable(page):
        return page
    import pytesseract

    try:
        turn = pytesseract.image_to_osd(
            image, config="--psm 0", output_type=pytesseract.Output.DICT, timeout=page_seconds()
        )["rotate"]
    except pytesseract.TesseractError:
        turn = 0  # too little text to tell
    if turn:
        return read_page(image.rotate(-turn, expand=True), **options)
    if page is None:  # read_page refused the page (it returns a page otherwise)
        assert refusal is not None
        raise refusal
    return page


def read_pages(pages: Iterator, total: int, name: str, *, progress: Progress | None = None) -> RawDocument:
    """Rows of every page in order; the header read on the first page, dropped where a page repeats it."""
    missing = tesseract_missing()
    if missing:
        raise OcrUnavailable(f"{name}: a scanned document needs OCR, and {missing}.")
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # one thread per Tesseract: the machine's cores are shared
    title_lines: list[str] = []
    rows: list[RawRow] = []
    header: list[str] | None = None
    star_column = None
    for index, image in enumerate(pages):
        where = f", page {index + 1}" if total > 1 else ""
        try:
            page = _read_oriented(
                image, name=name, where=where, want_title=index == 0, star_column=star_column
            )
        except RuntimeError as exc:  # pytesseract stops Tesseract at the time limit
            raise ImportFileError(
                f"{name}{where}: reading the page took over {page_seconds():g} s; "
                "scan at 200–300 dpi, one page per side."
            ) from exc
        title_lines += page.title_lines
        star_column = page.star_column
        for row_index, page_row in enumerate(page.rows, start=1):
            if header_columns(page_row.cells):
                if header is None:
                    header = page_row.cells
                elif rows:
                    continue  # the header repeated on a later page
            rows.append(
                RawRow(
                    number=len(rows) + 1,
                    location=f"page {index + 1} row {row_index}",
                    cells=page_row.cells,
                    confidence=page_row.confidence,
                    image=page_row.image,
                )
            )
        if progress is not None:
            progress(index + 1, total)
    if header is None:
        raise ImportFileError(
            f"{name}: no OCOP annex table found (no header such as 'Tên sản phẩm' | 'Chủ thể' | 'Hạng sao' "
            "was read); is this the decision's annex?"
        )
    return RawDocument(filename=name, title_lines=title_lines, tables=[RawTable(name="scan", rows=rows)])


def read_image(path: Path, name: str, *, progress: Progress | None = None) -> RawDocument:
    def read() -> RawDocument:
        frames = open_image(path, name)
        return read_pages(iter(frames), len(frames), name, progress=progress)

    return _cached(path, name, read)


def read_scanned_pdf(path: Path, document, name: str, *, progress: Progress | None = None) -> RawDocument:
    return _cached(
        path, name, lambda: read_pages(pdf_pages(document, name), len(document), name, progress=progress)
    )


# --- Reading a scan once ------------------------------------------------------------------------------------
# An uploaded scan is read when it is previewed and again when it is confirmed: the second time takes the
# first reading from the (private) storage, keyed by the file's SHA-256. Only where a caller asks for it
# (import_run_plan); the command line reads afresh. The entry goes when the run is settled.
CACHE_VERSION = "1"
use_cache: contextvars.ContextVar[bool] = contextvars.ContextVar("ocr_use_cache", default=False)


def cache_name(path: Path) -> str:
    digest = hashlib.sha256(CACHE_VERSION.encode())
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return f"ocr-cache/{digest.hexdigest()}.json"


def _cached(path: Path, name: str, read: Callable[[], RawDocument]) -> RawDocument:
    if not use_cache.get():
        return read()
    from django.core.files.base import ContentFile

    from marketplace.core.storage import private_storage

    storage = private_storage()

    key = cache_name(path)
    if storage.exists(key):
        with storage.open(key, "rb") as handle:
            return _loaded(json.loads(handle.read()), name)
    document = read()
    storage.save(key, ContentFile(json.dumps(_dumped(document)).encode()))
    return document


def _dumped(document: RawDocument) -> dict:
    return {
        "title_lines": document.title_lines,
        "rows": [
            {
                "number": row.number,
                "location": row.location,
                "cells": row.cells,
                "confidence": {str(k): v for k, v in (row.confidence or {}).items()},
                "image": base64.b64encode(row.image).decode(),
            }
            for row in document.tables[0].rows
        ],
    }


def _loaded(data: dict, name: str) -> RawDocument:
    rows = [
        RawRow(
            number=row["number"],
            location=row["location"],
            cells=row["cells"],
            confidence={int(k): v for k, v in row["confidence"].items()},
            image=base64.b64decode(row["image"]),
        )
        for row in data["rows"]
    ]
    return RawDocument(
        filename=name, title_lines=data["title_lines"], tables=[RawTable(name="scan", rows=rows)]
    )
