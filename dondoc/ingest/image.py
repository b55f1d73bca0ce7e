"""Scans and photos (PNG, JPEG, TIFF, multi-page TIFF): every frame OCR'd."""
from __future__ import annotations

from pathlib import Path

from PIL import Image, UnidentifiedImageError

from .base import Page, ReadResult
from .errors import IngestError
from .limits import DEFAULT, Limits, check_image, check_pages
from .ocr import first_stamp, ocr_many

MIMES = ("image/png", "image/jpeg", "image/tiff", "image/bmp", "image/webp")


def read(path: Path, mime: str, workers: int = 1, limits: Limits = DEFAULT, progress=None) -> ReadResult:
    try:
        with Image.open(path) as im:
            frames = getattr(im, "n_frames", 1)
            check_pages(frames, limits)
            for i in range(frames):          # sizes from the headers: nothing decoded yet
                im.seek(i)
                check_image(im.width, im.height, limits, i + 1)
            im.seek(0)
            im.load()
        if progress:
            progress(0, frames)
        results = ocr_many([("image", str(path), i) for i in range(frames)], workers, progress,
                           timeout=limits.page_seconds)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise IngestError(f"ảnh bị hỏng hoặc không đọc được ({exc.__class__.__name__})", "corrupt") from exc
    pages = [Page(i + 1, r.text, "ocr", r.confidence, r.metadata) for i, r in enumerate(results)]
    if not any(p.text.strip() for p in pages):
        raise IngestError("không nhận dạng được chữ nào trong ảnh", "empty")
    return ReadResult(mime, "image", pages, first_stamp(pages))
