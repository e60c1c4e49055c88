"""Print-ready A4 sheets of QR labels that open a certificate's verification page (/v/<code>/).

Vector output (the QR modules are drawn as rectangles), printed at 100 %: each label is exactly its size
in millimetres. Dashed grey lines are cutting guides."""

import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import segno
from django.conf import settings
from reportlab.lib.colors import Color, black, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

LABEL_SIZES_MM = (20, 30, 40)
# Rows of labels per size on one sheet: small labels are the ones printed in numbers.
ROWS = {20: 2, 30: 2, 40: 1}
MARGIN = 10 * mm
GAP = 4 * mm
QUIET_ZONE_MODULES = 2  # inside the printed square; the label's own white margin adds to it
GUIDE = Color(0.6, 0.6, 0.6)
# reportlab's font registry is process-wide: names of our own, so nobody else's registration is reused.
LABEL_FONT, LABEL_FONT_BOLD = "OcopLabelSans", "OcopLabelSans-Bold"


@dataclass(frozen=True)
class LabelText:
    code: str
    stars: int
    product: str
    producer: str
    url: str
    scan_hint: str  # e.g. "Quét để kiểm tra"
    title: str  # sheet heading
    print_hint: str  # e.g. "In đúng tỷ lệ 100 %"


def _fonts() -> tuple[str, str, bool]:
    """(regular, bold, unicode): a TrueType font with Vietnamese glyphs when one is installed
    (settings.PDF_FONT_PATHS), else the PDF core fonts, which cannot draw Vietnamese marks."""
    for regular_path, bold_path in settings.PDF_FONT_PATHS:
        if Path(regular_path).is_file() and Path(bold_path).is_file():
            registered = pdfmetrics.getRegisteredFontNames()
            for name, path in ((LABEL_FONT, regular_path), (LABEL_FONT_BOLD, bold_path)):
                if name not in registered:
                    pdfmetrics.registerFont(TTFont(name, path))
            return LABEL_FONT, LABEL_FONT_BOLD, True
    return "Helvetica", "Helvetica-Bold", False


def _plain(text: str) -> str:
    """Vietnamese without marks, for the core fonts ('Cà phê Sơn La' → 'Ca phe Son La')."""
    stripped = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return stripped.replace("đ", "d").replace("Đ", "D")


def _draw_qr(canvas: Canvas, qr: segno.QRCode, x: float, y: float, size: float) -> None:
    rows = [list(row) for row in qr.matrix_iter(scale=1, border=QUIET_ZONE_MODULES)]
    module = size / len(rows)
    canvas.setFillColor(white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(black)
    for r, row in enumerate(rows):
        top = y + size - (r + 1) * module
        c = 0
        while c < len(row):  # one rectangle per run of dark modules: smaller files, no hairline seams
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                canvas.rect(x + start * module, top, (c - start) * module, module, stroke=0, fill=1)
            else:
                c += 1


def label_sheet_pdf(text: LabelText, *, sizes_mm: tuple[int, ...] = LABEL_SIZES_MM) -> bytes:
    regular, bold, unicode_ok = _fonts()
    show = (lambda s: s) if unicode_ok else _plain
    qr = segno.make(text.url, error="m", micro=False)
    buffer = io.BytesIO()
    width, height = A4
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(show(f"{text.title} – {text.code}"))
    canvas.setAuthor("Chợ OCOP" if unicode_ok else "Cho OCOP")
    y = height - MARGIN
    canvas.setFont(bold, 12)
    canvas.drawString(MARGIN, y - 12, show(text.title))
    canvas.setFont(regular, 9)
    canvas.drawString(MARGIN, y - 25, show(f"{text.product} – {text.producer}"))
    canvas.drawString(MARGIN, y - 36, show(f"{text.url}   ·   {text.print_hint}"))
    y -= 44
    for size_mm in sizes_mm:
        size = size_mm * mm
        font_size = max(5.0, size_mm * 0.3)
        lines = 2 if size_mm < 30 else 3
        label_h = size + lines * font_size * 1.25 + 2 * mm
        label_w = size + 4 * mm
        per_row = int((width - 2 * MARGIN + GAP) // (label_w + GAP))
        canvas.setFont(bold, 9)
        canvas.drawString(MARGIN, y - 10, f"{size_mm} mm")
        y -= 14
        for _row in range(ROWS.get(size_mm, 1)):
            if y - label_h < MARGIN:
                break
            for n in range(per_row):
                x = MARGIN + n * (label_w + GAP)
                canvas.setStrokeColor(GUIDE)
                canvas.setLineWidth(0.3)
                canvas.setDash(2, 2)
                canvas.rect(x, y - label_h, label_w, label_h, stroke=1, fill=0)
                canvas.setDash()
                _draw_qr(canvas, qr, x + 2 * mm, y - size - 1 * mm, size)
                centre = x + label_w / 2
                baseline = y - size - 1 * mm - font_size * 1.1
                canvas.setFillColor(black)
                canvas.setFont(bold, font_size)
                canvas.drawCentredString(
                    centre, baseline, f"OCOP {text.stars}★" if unicode_ok else f"OCOP {text.stars}*"
                )
                canvas.setFont(regular, font_size * 0.9)
                canvas.drawCentredString(centre, baseline - font_size * 1.2, text.code)
                if lines > 2:
                    canvas.drawCentredString(centre, baseline - font_size * 2.4, show(text.scan_hint))
            y -= label_h + GAP
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
