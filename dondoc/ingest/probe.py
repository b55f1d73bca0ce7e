"""How much work a file is, found cheaply before reading it: its type, its page count, whether
its first pages need OCR. Used to route a job to the `ocr` queue and to refuse too many pages."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .detect import detect

SCAN_MIMES = ("image/png", "image/jpeg", "image/tiff", "image/bmp", "image/webp")
LARGE_PAGES = 10          # more pages than this go to the slow queue even with a text layer
MIN_TEXT_CHARS = 40


@dataclass
class Probe:
    mime: str
    pages: int | None = None
    needs_ocr: bool = False

    @property
    def queue(self) -> str:
        return "ocr" if self.needs_ocr or (self.pages or 0) > LARGE_PAGES else "default"


def _pdf(path: Path, mime: str) -> Probe:
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(str(path))
    try:
        n = len(pdf)
        needs = False
        for i in range(min(n, 3)):
            page = pdf[i]
            text = page.get_textpage().get_text_range()
            if sum(c.isalpha() for c in text) < MIN_TEXT_CHARS:
                needs = True
                break
        return Probe(mime, n, needs)
    finally:
        pdf.close()


def _image(path: Path, mime: str) -> Probe:
    from PIL import Image
    with Image.open(path) as im:
        return Probe(mime, getattr(im, "n_frames", 1), True)


def probe(path: Path) -> Probe:
    """The probe of a file; a file too broken to probe is left to its reader to refuse."""
    path = Path(path)
    mime = detect(path)
    try:
        if mime == "application/pdf":
            return _pdf(path, mime)
        if mime in SCAN_MIMES:
            return _image(path, mime)
    except Exception:
        return Probe(mime)
    return Probe(mime, 1)
