"""PDF annexes with a text layer: the table of each page (the header is usually repeated on every page and
is dropped later by the table parser); the text above the first table gives the title lines. A scanned PDF
(pages that are only images) is refused with a clear message: OCR is not done here."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from catalog_import.readers.base import ImportFileError, RawDocument, RawRow, RawTable, clean_cell

_LINES = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
_TEXT = {"vertical_strategy": "text", "horizontal_strategy": "text"}


def read_pdf(path: Path, name: str) -> RawDocument:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(str(path))
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise ImportFileError(
            f"{name}: the file is password-protected (encrypted); save it without a password."
        ) from exc
    except Exception as exc:
        raise ImportFileError(f"{name}: the file is damaged or truncated ({exc}).") from exc
    title_lines: list[str] = []
    rows: list[RawRow] = []
    any_text = False
    max_rows = settings.IMPORT_MAX_ROWS
    try:
        for page_number, page in enumerate(pdf.pages, start=1):
            if not page.chars:
                continue
            any_text = True
            tables = page.find_tables(_LINES)
            if not tables:
                tables = page.find_tables(_TEXT)
            if page_number == 1 or not rows:
                top = min((t.bbox[1] for t in tables), default=page.height)
                above = page.crop((0, 0, page.width, max(top, 1))).extract_text() or ""
                title_lines += [clean_cell(line) for line in above.splitlines() if line.strip()]
            for table in tables:
                for row_index, cells in enumerate(table.extract(), start=1):
                    values = [clean_cell((c or "").replace("\n", " ")) for c in cells]
                    rows.append(
                        RawRow(
                            number=len(rows) + 1, location=f"page {page_number} row {row_index}", cells=values
                        )
                    )
                    if len(rows) > max_rows + 50:
                        raise ImportFileError(f"{name}: more than {max_rows} rows; split the file.")
            page.flush_cache()
    except ImportFileError:
        raise
    except Exception as exc:
        raise ImportFileError(f"{name}: the file is damaged or truncated ({exc}).") from exc
    finally:
        pdf.close()
    if not any_text:
        raise ImportFileError(
            f"{name}: the PDF has no text layer (a scan); OCR it or ask for the Word/Excel annex."
        )
    return RawDocument(filename=name, title_lines=title_lines, tables=[RawTable(name="pdf", rows=rows)])
