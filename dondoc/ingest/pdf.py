"""PDFs: the text layer page by page (pdfplumber); pages without usable text are rendered at
300 dpi and OCR'd, so a mixed PDF (typed pages and a scanned one) reads whole."""
from __future__ import annotations

from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect, PDFEncryptionError
from pdfminer.pdfparser import PDFSyntaxError

from .base import Page, ReadResult
from .errors import IngestError
from .ocr import ocr_many

MIMES = ("application/pdf",)
MIN_TEXT_CHARS = 40   # fewer letters than this on a page: treat it as a scan
DPI = 300


def _is_encryption(exc: BaseException) -> bool:
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, (PDFPasswordIncorrect, PDFEncryptionError)) or "password" in repr(exc).lower() or "encrypt" in repr(exc).lower():
            return True
        exc = exc.__cause__ or exc.__context__ or (exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else None)
    return False


def _usable(text: str) -> bool:
    return sum(c.isalpha() for c in text) >= MIN_TEXT_CHARS


def read(path: Path, mime: str, workers: int = 1) -> ReadResult:
    try:
        pdf = pdfplumber.open(path)
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise IngestError("tệp PDF được mã hóa bằng mật khẩu", "encrypted") from exc
    except (PDFSyntaxError, Exception) as exc:  # pdfminer raises many kinds on broken files
        if _is_encryption(exc):
            raise IngestError("tệp PDF được mã hóa bằng mật khẩu", "encrypted") from exc
        raise IngestError("tệp PDF bị hỏng hoặc không đầy đủ", "corrupt") from exc
    try:
        with pdf:
            if not pdf.pages:
                raise IngestError("tệp PDF không có trang nào", "empty")
            texts: list[str | None] = []
            to_ocr = []
            for i, page in enumerate(pdf.pages):
                try:
                    t = page.extract_text(x_tolerance=1.5, y_tolerance=3) or ""
                except Exception as exc:
                    raise IngestError("tệp PDF bị hỏng hoặc không đầy đủ", "corrupt") from exc
                if _usable(t):
                    texts.append(t)
                else:
                    texts.append(None)
                    to_ocr.append(i)
    except IngestError:
        raise
    except Exception as exc:
        if _is_encryption(exc):
            raise IngestError("tệp PDF được mã hóa bằng mật khẩu", "encrypted") from exc
        raise IngestError("tệp PDF bị hỏng hoặc không đầy đủ", "corrupt") from exc
    results = dict(zip(to_ocr, ocr_many([("pdf", str(path), i, DPI) for i in to_ocr], workers)))
    pages = []
    for i, t in enumerate(texts):
        if t is not None:
            pages.append(Page(i + 1, t, "text"))
        else:
            r = results[i]
            pages.append(Page(i + 1, r.text, "ocr", r.confidence))
    if not any(p.text.strip() for p in pages):
        raise IngestError("tệp PDF không có chữ đọc được", "empty")
    return ReadResult(mime, "pdf", pages)
