"""PDFs: the text layer page by page (pdfplumber); pages without usable text are rendered at
300 dpi and OCR'd, so a mixed PDF (typed pages and a scanned one) reads whole."""
from __future__ import annotations

from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect, PDFEncryptionError
from pdfminer.pdfparser import PDFSyntaxError

from .base import Page, ReadResult
from .errors import IngestError
from .limits import DEFAULT, Limits, check_pages, render_dpi
from .ocr import first_stamp, ocr_many
from .pdf_annots import read_annotations, read_fields

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


def _mostly_image(page) -> bool:
    """A scan with a text layer laid over it: one image covers most of the page."""
    area = float(page.width * page.height) or 1.0
    return any((img["x1"] - img["x0"]) * (img["bottom"] - img["top"]) / area > 0.5 for img in page.images)


def bad_text_layer(text: str) -> bool:
    """A text layer some OCR without Vietnamese left (garbled, or with the marks stripped), which
    Tesseract's `vie` reads better from the image beneath."""
    from ..nlp.fold import diacritic_ratio, fold
    from ..nlp.ocrfix import looks_garbled
    words = fold(text).split()
    if len(words) < 20:
        return False
    # Vietnamese all the same: its commonest words, marks gone, are still there (English has none)
    common = sum(1 for w in words if w in _COMMON_FOLDED) / len(words)
    return common > 0.08 and (looks_garbled(text) or diacritic_ratio(text) < 0.15)


_COMMON_FOLDED = frozenset("va cac cua ngay thang nam so ve tinh thuc hien theo tai trong nhan dan uy ban co quan "
                           "nguoi duoc nhung viec cong tac bao cao den cho voi khong nay la".split())


PARAGRAPH_GAP = 2.2   # a gap above a line of more than this many line heights starts a block


def _page_text(page, extra_chars: list[dict]) -> str:
    """The page's lines in reading order, an annotation's characters among them where they stand,
    and a blank line where the page leaves a wide gap (between the header, the title, the body and
    the signature block), as `pdftotext` does: the extractor reads blocks from the blank lines."""
    from pdfplumber.utils.text import chars_to_textmap

    def under_annotation(c: dict) -> bool:
        # the blank the signing software stamps the number into: its spaces would split the digits
        return c["text"].isspace() and any(c["x0"] < e["x1"] and e["x0"] < c["x1"] and c["top"] < e["bottom"]
                                           and e["top"] < c["bottom"] for e in extra_chars)
    chars = [c for c in page.chars if not under_annotation(c)] + extra_chars if extra_chars else list(page.chars)
    out, prev_top = [], None
    for line in chars_to_textmap(chars, x_tolerance=1.5, y_tolerance=3).extract_text_lines(return_chars=False):
        height = max(line["bottom"] - line["top"], 1.0)
        if prev_top is not None and line["top"] - prev_top > PARAGRAPH_GAP * height:
            out.append("")
        out.append(line["text"])
        prev_top = line["top"]
    return "\n".join(out)


def _open(path: Path):
    try:
        return pdfplumber.open(path)
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise IngestError("tệp PDF được mã hóa bằng mật khẩu", "encrypted") from exc
    except (PDFSyntaxError, Exception) as exc:  # pdfminer raises many kinds on broken files
        if _is_encryption(exc):
            raise IngestError("tệp PDF được mã hóa bằng mật khẩu", "encrypted") from exc
        raise IngestError("tệp PDF bị hỏng hoặc không đầy đủ", "corrupt") from exc


def _text_pass(pdf, annots: dict, limits: Limits,
               progress=None) -> tuple[list[str | None], list[int], dict[int, str], dict[int, int]]:
    """Each page's text from its text layer, None for the pages to OCR (scans; scans whose text
    layer is bad OCR, that layer kept aside in case the image reads worse), and the resolution
    each page to OCR is rendered at within the pixel budget — known before any rendering.
    `progress` hears of each text page (the reading pool's page clock starts again at each)."""
    texts: list[str | None] = []
    to_ocr: list[int] = []
    layers: dict[int, str] = {}
    dpis: dict[int, int] = {}
    total = len(pdf.pages)
    for i, page in enumerate(pdf.pages):
        try:
            own = page.extract_text(x_tolerance=1.5, y_tolerance=3) or ""
            # a scan under a signer's block is still a scan: the page's own text decides
            if _usable(own) and not (_mostly_image(page) and bad_text_layer(own)):
                texts.append(_page_text(page, annots[i].chars if i in annots else []))
                if progress:
                    progress(len(texts) - len(to_ocr), total)
                continue
        except Exception as exc:
            raise IngestError("tệp PDF bị hỏng hoặc không đầy đủ", "corrupt") from exc
        dpis[i] = render_dpi(page.width, page.height, DPI, limits, i + 1)
        texts.append(None)
        to_ocr.append(i)
        if _usable(own):
            layers[i] = own
    return texts, to_ocr, layers, dpis


def _scanned_page(i: int, r, layer: str | None) -> Page:
    page = Page(i + 1, r.text, "ocr", r.confidence, r.metadata)
    if layer is None:
        return page
    if _usable(r.text):
        page.metadata["text_layer"] = "replaced"      # the scan's bad OCR layer, read again
        return page
    return Page(i + 1, layer, "text", None, {"text_layer": "kept"})   # the image gave less


def read(path: Path, mime: str, workers: int = 1, limits: Limits = DEFAULT, progress=None) -> ReadResult:
    try:
        annots = read_annotations(str(path))
    except Exception:   # pdfium refuses what pdfplumber may still read (or report clearly below)
        annots = {}
    pdf = _open(path)
    try:
        with pdf:
            if not pdf.pages:
                raise IngestError("tệp PDF không có trang nào", "empty")
            check_pages(len(pdf.pages), limits)
            texts, to_ocr, layers, dpis = _text_pass(pdf, annots, limits, progress)
            try:
                form_fields, signatures = read_fields(pdf.doc)
            except Exception:   # a broken form dictionary is no reason to refuse the text
                form_fields, signatures = {}, []
    except IngestError:
        raise
    except Exception as exc:
        if _is_encryption(exc):
            raise IngestError("tệp PDF được mã hóa bằng mật khẩu", "encrypted") from exc
        raise IngestError("tệp PDF bị hỏng hoặc không đầy đủ", "corrupt") from exc
    done = len(texts) - len(to_ocr)
    if progress:
        progress(done, len(texts))   # the text pages are read: the scans follow
    results = dict(zip(to_ocr, ocr_many([("pdf", str(path), i, dpis[i]) for i in to_ocr], workers, progress,
                                        done, len(texts), limits.page_seconds)))
    pages = []
    for i, t in enumerate(texts):
        page = Page(i + 1, t, "text") if t is not None else _scanned_page(i, results[i], layers.get(i))
        if i in annots:
            page.metadata["annotations"] = annots[i].notes
        pages.append(page)
    if not any(p.text.strip() for p in pages):
        raise IngestError("tệp PDF không có chữ đọc được", "empty")
    metadata = first_stamp(pages)
    if form_fields:
        metadata["form_fields"] = form_fields
    if signatures:
        metadata["signatures"] = signatures
    return ReadResult(mime, "pdf", pages, metadata)
