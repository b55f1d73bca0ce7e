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

from . import figures, layout, regions
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
    low_confidence: list | None = None   # words read unsurely, with their offsets in `text`
    unreadable: list | None = None       # header figures (number, day, month) left out as unreadable

    @property
    def metadata(self) -> dict:
        out: dict = {}
        if self.rotated:
            out["rotated"] = self.rotated
        if self.stamp:
            out["stamp"] = self.stamp
        if self.low_confidence:
            out["low_confidence"] = self.low_confidence
        if self.unreadable:
            out["figures"] = {"unreadable": self.unreadable}
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


def _tesseract(img: Image.Image, lang: str, timeout: float = 0, psm: int = 3) -> dict:
    # A raw grayscale PGM handed to tesseract by path: encoding a full-colour PNG, as pytesseract
    # does for an image object, costs nearly as much as reading the page.
    with tempfile.NamedTemporaryFile(suffix=".pgm") as fh:
        img.save(fh.name)
        return pytesseract.image_to_data(fh.name, lang=lang, config=f"--psm {psm}", output_type=pytesseract.Output.DICT,
                                         timeout=timeout)


def _rescored(data: dict, lang: str) -> dict:
    """The tone marks Tesseract `vie` confused, chosen again among each word's diacritic variants
    in context by the diacritic restorer's model (dondoc.restore.ocr; DONDOC_OCR_RESCORE=0: off)."""
    if "vie" not in lang.split("+") or os.environ.get("DONDOC_OCR_RESCORE", "1") == "0":
        return data
    from ..restore.ocr import rescore_tesseract
    return rescore_tesseract(data)


LOW_CONF = 50   # a word Tesseract is less sure of than this is listed for the extractor and the clerk


def _assemble(data: dict, exclude: tuple[int, int, int, int] | None = None,
              low: list | None = None) -> tuple[str, float | None, int]:
    """The page's text from Tesseract's words, leaving out those inside `exclude` (a stamp).
    `low`, when given, receives the words read with less than LOW_CONF confidence, with where
    they stand in the text ({"start", "end", "text", "conf"}): a handwritten number or day."""
    lines: dict[tuple, list[tuple[str, float]]] = {}
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
        c = float(data["conf"][i])
        lines[key].append((word, c))
        if c >= 0:
            confs.append(c)
    out, prev_par, pos = [], None, 0
    for key in order:
        par = key[:2]
        if prev_par is not None and par != prev_par:
            out.append("")
            pos += 1
        for j, (word, c) in enumerate(lines[key]):
            if low is not None and 0 <= c < LOW_CONF:
                low.append({"start": pos, "end": pos + len(word), "text": word, "conf": c})
            pos += len(word) + (1 if j < len(lines[key]) - 1 else 0)
        out.append(" ".join(w for w, _ in lines[key]))
        pos += 1
        prev_par = par
    conf = round(sum(confs) / len(confs), 1) if confs else None
    return "\n".join(out), conf, len(confs)


def page_dpi(img: Image.Image) -> float:
    """The resolution of a page image, taking the page for A4 (a scan's own dpi tag is often
    missing or wrong in photos)."""
    return max(img.size) / 11.69


def in_colour(img: Image.Image) -> bool:
    """Whether a page has coloured ink on it (a red seal, a blue signature or stamp)."""
    if img.mode not in ("RGB", "RGBA", "CMYK", "P"):
        return False
    a = np.asarray(img.convert("RGB").reduce(4), dtype=np.int16)
    return float(((a.max(axis=2) - a.min(axis=2)) > 60).mean()) > 0.0005


def black_ink(img: Image.Image) -> Image.Image:
    """The page as grey levels with coloured ink dropped: each pixel its lightest channel, so a
    red seal or a blue signature over the title turns to paper while black type stays black
    (the luminance keeps them as grey strokes that garble the words beneath)."""
    return Image.fromarray(np.asarray(img.convert("RGB")).max(axis=2))


def _read(img: Image.Image, lang: str, full: Image.Image | None = None,
          timeout: float = 0) -> tuple[str, float | None, int, dict | None]:
    """`img` is read for the text; the stamp is looked for on `full` (all inks: a stamp is often
    blue or violet) when it differs."""
    data = _rescored(_tesseract(img, lang, timeout), lang)
    stamp = find_stamp(full or img, data, page_dpi(img), lang, reread=full is not None)
    if os.environ.get("DONDOC_OCR_LAYOUT", "1") != "0":
        found = layout.blocks(np.asarray(img), page_dpi(img), [stamp.box] if stamp else [])
        data = regions.reread(img, layout.order_words(data, found), found, page_dpi(img),
                              lambda crop: _rescored(_tesseract(crop, lang, timeout, psm=6), lang))
        data = layout.join_rows(data, found)
    unreadable = figures.check(img, data) if os.environ.get("DONDOC_OCR_FIGURES", "1") != "0" else []
    low: list = []
    text, conf, words = _assemble(data, stamp.box if stamp else None, low)
    return text, conf, words, {"stamp": stamp.as_dict() if stamp else None, "low_confidence": low,
                               "unreadable": unreadable}


def ocr_image(img: Image.Image, lang: str = LANG, timeout: float = 0) -> OcrResult:
    """Deskew, read; a page that reads badly is asked of OSD whether it is turned, and read again.
    Coloured ink is dropped before reading; an incoming stamp is recognised and kept out of the text."""
    img = ImageOps.exif_transpose(img)
    full = ImageOps.grayscale(img) if in_colour(img) else None
    img = black_ink(img) if full is not None else ImageOps.grayscale(img)
    skew = skew_angle(img)
    if abs(skew) >= 0.5:   # below that Tesseract's own line finding copes
        img = img.rotate(skew, expand=True, fillcolor=255, resample=Image.NEAREST)
        full = full.rotate(skew, expand=True, fillcolor=255, resample=Image.NEAREST) if full else None
    text, conf, words, found = _read(img, lang, full, timeout)
    rot = 0
    if conf is None or conf < 60 or words < 20:
        rot = orientation(img)
        if rot:
            turned = img.rotate(-rot, expand=True, fillcolor=255)
            t2, c2, w2, f2 = _read(turned, lang, full.rotate(-rot, expand=True, fillcolor=255) if full else None, timeout)
            if (c2 or 0) > (conf or 0):
                text, conf, found = t2, c2, f2
            else:
                rot = 0
    return OcrResult(text, conf, rot, skew, found["stamp"], found["low_confidence"], found["unreadable"])


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
            return im.copy() if im.mode in ("L", "RGB") else im.convert("RGB" if im.mode in ("P", "RGBA", "CMYK") else "L")
    import pdfplumber
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[src[2]].to_image(resolution=src[3]).original
        return page if in_colour(page) else page.convert("L")     # colour kept for the seal's sake


def _ocr_source(src, timeout: float = 0) -> OcrResult:
    return ocr_image(load_page(src), timeout=timeout)


def _die_with_parent() -> None:
    try:
        import ctypes
        import signal
        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGKILL)    # PR_SET_PDEATHSIG
    except OSError:
        pass


def ocr_many(sources: list, workers: int, progress: Progress | None = None, done_before: int = 0,
             total: int | None = None, timeout: float = 0) -> list[OcrResult]:
    """OCR pages in parallel (one process a core), results in page order. A source is what
    `load_page` takes; each worker loads its own page. `progress(done, total)` hears of each page
    finished, counted after `done_before` pages the caller read otherwise, of `total` pages;
    tesseract is stopped after `timeout` seconds a page (0: no limit)."""
    if not sources:
        return []
    total = total or done_before + len(sources)
    tell = progress or (lambda done, total: None)
    if workers <= 1 or len(sources) == 1:
        out = []
        for src in sources:
            out.append(_ocr_source(src, timeout))
            tell(done_before + len(out), total)
        return out
    pool = ProcessPoolExecutor(max_workers=min(workers, len(sources)), initializer=_die_with_parent)
    try:
        futures = [pool.submit(_ocr_source, src, timeout) for src in sources]
        for n, f in enumerate(as_completed(futures), 1):
            f.result()              # a failed page stops the file's other pages
            tell(done_before + n, total)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return [f.result() for f in futures]
