"""Scanning printed QR labels in tests: render a PDF page like a printer would (pypdfium2) and decode every
QR code on it with ZXing (zxing-cpp), as a phone camera app does."""

from dataclasses import dataclass

import pypdfium2
import zxingcpp

DPI = 300


@dataclass(frozen=True)
class Scan:
    text: str
    width_mm: float  # the symbol's printed width (without its quiet zone)


def scan_pdf(pdf: bytes) -> tuple[list[Scan], tuple[float, float]]:
    """Every QR code on every page, and the first page's size in millimetres."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        width_pt, height_pt = document[0].get_size()
        scans = []
        for page in document:
            image = page.render(scale=DPI / 72).to_pil()
            for result in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
                width_px = result.position.top_right.x - result.position.top_left.x
                scans.append(Scan(text=result.text, width_mm=width_px * 25.4 / DPI))
            page.close()
    finally:
        document.close()
    return scans, (width_pt * 25.4 / 72, height_pt * 25.4 / 72)
