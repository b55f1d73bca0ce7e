"""Tesseract (`vie`) through pytesseract: orientation from OSD, small-angle deskew, confidence.

Pages are OCR'd in separate processes, one per core; each Tesseract runs single-threaded
(OMP_THREAD_LIMIT=1) so two pages on two cores do not fight over them.
"""
from __future__ import annotations

import io
import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
import pytesseract
from PIL import Image, ImageOps

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
LANG = os.environ.get("DONDOC_OCR_LANG", "vie")


@dataclass
class OcrResult:
    text: str
    confidence: float | None
    rotated: int = 0
    skew: float = 0.0


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


def skew_angle(img: Image.Image, limit: float = 5.0, step: float = 0.25) -> float:
    """The small rotation that makes text lines horizontal: maximises the row-profile variance."""
    g = ImageOps.grayscale(img)
    scale = 1000 / max(g.size)
    if scale < 1:
        g = g.resize((int(g.width * scale), int(g.height * scale)))
    ink = ImageOps.invert(g).point(lambda p: 255 if p > 100 else 0)
    best, best_score = 0.0, -1.0
    a = -limit
    while a <= limit + 1e-9:
        prof = np.asarray(ink.rotate(a, expand=False), dtype=np.float32).sum(axis=1)
        score = float(np.var(prof))
        if score > best_score:
            best, best_score = a, score
        a += step
    return best


def _prepare(img: Image.Image) -> tuple[Image.Image, int, float]:
    img = ImageOps.exif_transpose(img).convert("RGB")
    rot = orientation(img)
    if rot:
        img = img.rotate(-rot, expand=True, fillcolor="white")
    skew = skew_angle(img)
    if abs(skew) >= 0.3:
        img = img.rotate(skew, expand=True, fillcolor="white", resample=Image.BICUBIC)
    return img, rot, skew


def ocr_image(img: Image.Image, lang: str = LANG, prepare: bool = True) -> OcrResult:
    rot, skew = 0, 0.0
    if prepare:
        img, rot, skew = _prepare(img)
    data = pytesseract.image_to_data(img, lang=lang, config="--psm 3", output_type=pytesseract.Output.DICT)
    lines: dict[tuple, list[str]] = {}
    confs = []
    order = []
    for i, word in enumerate(data["text"]):
        if not word.strip():
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
    return OcrResult("\n".join(out), conf, rot, skew)


def _ocr_png(png: bytes) -> OcrResult:
    return ocr_image(Image.open(io.BytesIO(png)))


def ocr_many(images: list[Image.Image], workers: int) -> list[OcrResult]:
    """OCR pages in parallel, results in page order."""
    if not images:
        return []
    blobs = []
    for im in images:
        buf = io.BytesIO()
        im.save(buf, format="PNG")
        blobs.append(buf.getvalue())
    if workers <= 1 or len(blobs) == 1:
        return [_ocr_png(b) for b in blobs]
    with ProcessPoolExecutor(max_workers=min(workers, len(blobs))) as pool:
        return list(pool.map(_ocr_png, blobs))
