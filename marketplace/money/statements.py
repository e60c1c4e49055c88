"""A producer's statement as a PDF (A4, one line per ledger entry)."""

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from marketplace.certification.labels import _fonts, _plain
from marketplace.money.selectors import STATEMENT_HEADER, Balances, statement_rows


def statement_pdf(*, producer_name: str, balances: Balances, entries) -> bytes:
    regular, bold, unicode_ok = _fonts()

    def text(value: str) -> str:
        return value if unicode_ok else _plain(value)

    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    _width, height = A4
    columns = [15 * mm, 45 * mm, 85 * mm, 110 * mm, 140 * mm, 165 * mm]

    def page_header() -> float:
        canvas.setFont(bold, 12)
        canvas.drawString(15 * mm, height - 20 * mm, text(f"Sao kê — {producer_name}"))
        canvas.setFont(regular, 9)
        canvas.drawString(
            15 * mm,
            height - 27 * mm,
            text(f"Số dư: {balances.balance} ₫   Chờ: {balances.pending} ₫   Đã chi trả: {balances.paid} ₫"),
        )
        canvas.setFont(bold, 8)
        for x, title in zip(columns, STATEMENT_HEADER, strict=True):
            canvas.drawString(x, height - 35 * mm, title)
        canvas.setFont(regular, 8)
        return height - 41 * mm

    y = page_header()
    for row in statement_rows(entries):
        if y < 15 * mm:
            canvas.showPage()
            y = page_header()
        for x, cell in zip(columns, row, strict=True):
            canvas.drawString(x, y, text(cell[:40]))
        y -= 5 * mm
    canvas.save()
    return out.getvalue()
