"""Tesseract (`vie`) through pytesseract: orientation from OSD, small-angle deskew, confidence.

Pages are OCR'd in separate processes, one per core; each Tesseract runs single-threaded
(OMP_THREAD_LIMIT=1) so two pages on two cores do not fight over them.
"""
from __future__ import annotations

import os
import re
import tempfile
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pytesseract
from PIL import Image, ImageOps

from .stamp import find_stamp

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
LANG = os.environ.get("DONDOC_OCR_LANG", "vie")
Progress = Callable[[int, int], None]     # (pages read, pages in the file)


@dataclass
class OcrResult:
    text: str
    confidence: float | None
    rotated: int = 0
    skew: float = 0.0
    stamp: dict | None = None      # the incoming stamp found on the page (kept out of `text`)

    @property
    def metadata(self) -> dict:
        out: dict = {}
        if self.rotated:
            out["rotated"] = self.rotated
        if self.stamp:
            out["stamp"] = self.stamp
        return out


def orientation(img: Image.Image) -> int:
    """Degrees to rotate the page counter-clockwise so that text stands upright (OSD)."""
    try:
        osd = pytesseract.image_to_osd(img, config="--psm 0 -c min_characters_to_try=5")
    except pytesseract.TesseractError:
        return 0  # too little text to tell: leave as is
    m = re.search(r"Rotate:\s*(\d+)", osd)
    c = re.search(r"Orientation confidence:\s*([\d.]+)", osd)
    if not m or (c and float(c.group(1)) < 2.0):
        return 0
    return int(m.group(1)) % 360


def skew_angle(img: Image.Image, limit: float = 5.0) -> float:
    """The small rotation that makes text lines horizontal: maximises the row-profile variance,
    coarse (0.5°) then fine (0.1°), on a reduced copy of the page."""
    g = ImageOps.grayscale(img)
    scale = 600 / max(g.size)
    if scale < 1:
        g = g.resize((int(g.width * scale), int(g.height * scale)))
    ink = ImageOps.invert(g).point(lambda p: 255 if p > 100 else 0)

    def score(a: float) -> float:
        return float(np.var(np.asarray(ink.rotate(a), dtype=np.float32).sum(axis=1)))

    coarse = max((a * 0.5 for a in range(int(-2 * limit), int(2 * limit) + 1)), key=score)
    return round(max((coarse + d * 0.1 for d in range(-4, 5)), key=score), 2)


def _tesseract(img: Image.Image, lang: str) -> dict:
    # A raw grayscale PGM handed to tesseract by path: encoding a full-colour PNG, as pytesseract
    # does for an image object, costs nearly as much as reading the page.
    with tempfile.NamedTemporaryFile(suffix=".pgm") as fh:
        img.save(fh.name)
        return pytesseract.image_to_data(fh.name, lang=lang, config="--psm 3", output_type=pytesseract.Output.DICT)


def _rescored(data: dict, lang: str) -> dict:
    """The tone marks Tesseract `vie` confused, chosen again among each word's diacritic variants
    in context by the diacritic restorer's model (dondoc.restore.ocr; DONDOC_OCR_RESCORE=0: off)."""
    if "vie" not in lang.split("+") or os.environ.get("DONDOC_OCR_RESCORE", "1") == "0":
        return data
    from ..restore.ocr import rescore_tesseract
    return rescore_tesseract(data)


def _assemble(data: dict, exclude: tuple[int, int, int, int] | None = None) -> tuple[str, float | None, int]:
    """The page's text from Tesseract's words, leaving out those inside `exclude` (a stamp)."""
    lines: dict[tuple, list[str]] = {}
    confs = []
    order = []
    for i, word in enumerate(data["text"]):
        if not word.strip():
            continue
        if exclude is not None:
            cx, cy = data["left"][i] + data["width"][i] / 2, data["top"][i] + data["height"][i] / 2
            if exclude[0] <= cx <= exclude[2] and exclude[1] <= cy <= exclude[3]:
                continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        if key not in lines:
            lines[key] = []
            order.append(key)
        lines[key].append(word)
        c = float(data["conf"][i])
        if c >= 0:
            confs.append(c)
    out, prev_par = [], None
    for key in order:
        par = key[:2]
        if prev_par is not None and par != prev_par:
            out.append("")
        out.append(" ".join(lines[key]))
        prev_par = par
    conf = round(sum(confs) / len(confs), 1) if confs else None
    return "\n".join(out), conf, len(confs)


def page_dpi(img: Image.Image) -> float:
    """The resolution of a page image, taking the page for A4 (a scan's own dpi tag is often
    missing or wrong in photos)."""
    return max(img.size) / 11.69


def _read(img: Image.Image, lang: str) -> tuple[str, float | None, int, dict | None]:
    data = _rescored(_tesseract(img, lang), lang)
    stamp = find_stamp(img, data, page_dpi(img), lang)
    text, conf, words = _assemble(data, stamp.box if stamp else None)
    return text, conf, words, (stamp.as_dict() if stamp else None)


def ocr_image(img: Image.Image, lang: str = LANG) -> OcrResult:
    """Deskew, read; a page that reads badly is asked of OSD whether it is turned, and read again.
    An incoming stamp is recognised and kept out of the text."""
    img = ImageOps.grayscale(ImageOps.exif_transpose(img))
    skew = skew_angle(img)
    if abs(skew) >= 0.5:   # below that Tesseract's own line finding copes
        img = img.rotate(skew, expand=True, fillcolor=255, resample=Image.NEAREST)
    text, conf, words, stamp = _read(img, lang)
    rot = 0
    if conf is None or conf < 60 or words < 20:
        rot = orientation(img)
        if rot:
            turned = img.rotate(-rot, expand=True, fillcolor=255)
            t2, c2, w2, s2 = _read(turned, lang)
            if (c2 or 0) > (conf or 0):
                text, conf, stamp = t2, c2, s2
            else:
                rot = 0
    return OcrResult(text, conf, rot, skew, stamp)


def first_stamp(pages) -> dict:
    """The document's metadata from its pages' stamps: the first page's that has one, with its
    page number (the proposed số đến and ngày đến)."""
    for p in pages:
        if "stamp" in p.metadata:
            return {"stamp": {**p.metadata["stamp"], "page": p.number}}
    return {}


def load_page(src) -> Image.Image:
    """A page from its source: ("image", path, frame) or ("pdf", path, index, dpi). Workers load
    their own pages, so decoding and rendering run in parallel too."""
    kind, path = src[0], src[1]
    if kind == "image":
        with Image.open(path) as im:
            im.seek(src[2])
            return im.convert("L") if im.mode not in ("L", "RGB") else im.copy()
    import pdfplumber
    with pdfplumber.open(path) as pdf:
        return pdf.pages[src[2]].to_image(resolution=src[3]).original.convert("L")


def _ocr_source(src) -> OcrResult:
    return ocr_image(load_page(src))


def ocr_many(sources: list, workers: int, progress: Progress | None = None, done_before: int = 0,
             total: int | None = None) -> list[OcrResult]:
    """OCR pages in parallel (one process a core), results in page order. A source is what
    `load_page` takes; each worker loads its own page. `progress(done, total)` hears of each page
    finished, counted after `done_before` pages the caller read otherwise, of `total` pages."""
    if not sources:
        return []
    total = total or done_before + len(sources)
    tell = progress or (lambda done, total: None)
    if workers <= 1 or len(sources) == 1:
        out = []
        for src in sources:
            out.append(_ocr_source(src))
            tell(done_before + len(out), total)
        return out
    with ProcessPoolExecutor(max_workers=min(workers, len(sources))) as pool:
        futures = [pool.submit(_ocr_source, src) for src in sources]
        for n, _ in enumerate(as_completed(futures), 1):
            tell(done_before + n, total)
        return [f.result() for f in futures]
