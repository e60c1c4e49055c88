"""Decision file readers by format. `read_document(path)` picks one by the file's content and name."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from catalog_import.readers.base import ImportFileError, RawDocument

Progress = Callable[[int, int], None]

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted OOXML (and legacy .xls/.doc) live in OLE files
# Photographed and scanned pages: PNG, JPEG, TIFF (both byte orders).
IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}
SUFFIXES = {".csv", ".xlsx", ".docx", ".pdf", *IMAGE_SUFFIXES}


def human_size(size: float) -> str:
    for unit in ("bytes", "KB", "MB"):
        if size < 1024 or unit == "MB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} MB"


def read_document(
    path: str | os.PathLike, *, display_name: str | None = None, progress: Progress | None = None
) -> RawDocument:
    """The document's title lines and tables. `progress(done, total)` is called per page of a scan."""
    path = Path(path)
    name = display_name or path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportFileError(f"{name}: cannot open the file ({exc.strerror}).") from exc
    if size == 0:
        raise ImportFileError(f"{name}: the file is empty.")
    limit = settings.IMPORT_MAX_FILE_BYTES
    if size > limit:
        raise ImportFileError(f"{name}: the file is {human_size(size)}, over the {human_size(limit)} limit.")
    with path.open("rb") as handle:
        head = handle.read(8)
    suffix = path.suffix.lower()
    if head == OLE_MAGIC:
        if suffix in {".xlsx", ".docx"}:
            raise ImportFileError(
                f"{name}: the file is password-protected (encrypted); save it without a password."
            )
        raise ImportFileError(f"{name}: old Office formats (.xls/.doc) are not read; save as .xlsx or .docx.")
    if head.startswith(b"%PDF"):
        from catalog_import.readers.pdf import read_pdf

        return read_pdf(path, name, progress=progress)
    if head.startswith(IMAGE_MAGIC):
        from catalog_import.readers.ocr import read_image

        return read_image(path, name, progress=progress)
    if suffix in IMAGE_SUFFIXES:
        raise ImportFileError(f"{name}: the image is damaged or not a {suffix[1:].upper()} file.")
    if head.startswith(b"PK"):
        if suffix == ".docx":
            from catalog_import.readers.docx import read_docx

            return read_docx(path, name)
        from catalog_import.readers.xlsx import read_xlsx

        return read_xlsx(path, name)
    if suffix in {".xlsx", ".docx", ".pdf"}:
        raise ImportFileError(
            f"{name}: the file is damaged or truncated (not a valid {suffix[1:].upper()} file)."
        )
    from catalog_import.readers.csv import read_csv

    return read_csv(path, name)


def needs_ocr(path: Path) -> bool:
    """A picture, or a PDF whose first pages hold no text: reading it is OCR, minutes rather than seconds."""
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(IMAGE_MAGIC):
        return True
    if not head.startswith(b"%PDF"):
        return False
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError:
        return False  # the reader says what is wrong with it
    try:
        for index in range(min(len(document), 3)):
            if document[index].get_textpage().count_chars():
                return False
        return len(document) > 0
    finally:
        document.close()


__all__ = ["ImportFileError", "RawDocument", "read_document"]
