"""The dispatch's own number and date in the header, right or empty, never wrong.

A paper dispatch is printed with a blank after "Số:" (and often after "ngày" and "tháng" of the
date line: `Hà Nội, ngày   tháng 4 năm 2026`) that the văn thư fills in by hand or with a
numbering stamp when it is issued. Tesseract reads such figures as other figures with full
confidence (a handwritten 115 as 445) or as specks (`#2?`, `ngày?3`). A figure in these places
is kept only when a second, independent reading of it — the figure alone, digits only, by the
`eng` model (`stamp._figures`) — gives the same digits; otherwise it is left out of the text, so
that the header reader leaves the field empty and asks the clerk for it, and named in the page's
`figures.unreadable` ("number", "day", "month").

A number typed in one piece with its symbol (`3722/VPCP-CN`) is no filled-in blank and is left
as read.
"""
from __future__ import annotations

import re

from PIL import Image

from ..nlp.fold import fold
from .stamp import _figures

HEADER = 0.4          # the header's fields stand in the top part of the first page


def _box(data: dict, idx: list[int]) -> tuple[int, int, int, int]:
    x0 = min(data["left"][i] for i in idx)
    y0 = min(data["top"][i] for i in idx)
    x1 = max(data["left"][i] + data["width"][i] for i in idx)
    y1 = max(data["top"][i] + data["height"][i] for i in idx)
    return x0, y0, x1, y1


def _agrees(img: Image.Image, data: dict, idx: list[int], digits: str) -> bool:
    """Whether the figure alone, read for digits, reads as `digits`."""
    x0, y0, x1, y1 = _box(data, idx)
    h = y1 - y0
    crop = img.crop((max(x0 - h // 3, 0), max(y0 - h // 3, 0), min(x1 + h // 3, img.width), min(y1 + h // 3, img.height)))
    again, _ = _figures(crop)
    return re.sub(r"\D", "", again) == digits


def _check(img: Image.Image, data: dict, idx: list[int], longest: int, most: int | None) -> bool:
    """Whether the words `idx` are a figure read right (else they are blanked)."""
    digits = "".join(data["text"][i] for i in idx)
    if not re.fullmatch(rf"\d{{1,{longest}}}", digits) or (most is not None and not 1 <= int(digits) <= most):
        return False
    return _agrees(img, data, idx, digits)


def _blank(data: dict, idx: list[int]) -> None:
    for i in idx:
        data["text"][i] = ""


def _after(data: dict, i: int, words: list[int]) -> list[int]:
    """The words standing on the same row as word `i`, right of it, left to right (the page's
    layout may have put a figure written apart from its label in a block of its own)."""
    y0, y1 = data["top"][i], data["top"][i] + data["height"][i]
    x1 = data["left"][i] + data["width"][i]

    def beside(k: int) -> bool:
        cy = data["top"][k] + data["height"][k] / 2
        return data["left"][k] >= x1 - 2 and y0 - (y1 - y0) / 2 <= cy <= y1 + (y1 - y0) / 2
    return sorted((k for k in words if k != i and beside(k)), key=lambda k: data["left"][k])


def _number(img: Image.Image, data: dict, words: list[int]) -> str | None:
    """The figures between a row's opening "Số:" and its "/SYMBOL": checked, or blanked."""
    for i in words:
        if not re.fullmatch(r"s[o0]\s*:", fold(data["text"][i])):
            continue
        fig = []
        for k in _after(data, i, words):
            if "/" in data["text"][k]:
                break      # the symbol, or the number typed with it ("3722/VPCP-CN")
            fig.append(k)
        if fig and not _check(img, data, fig, 6, None):
            _blank(data, fig)
            return "number"
        return None
    return None


def _date(img: Image.Image, data: dict, words: list[int]) -> list[str]:
    """The day and month of the date line ("<place>, ngày D tháng M năm YYYY"): checked, or blanked."""
    out: list[str] = []
    for j, i in enumerate(words):
        f = fold(data["text"][i])
        if not f.startswith("ngay") or j == 0 or not data["text"][words[j - 1]].endswith(","):
            continue
        line = [i] + _after(data, i, words)
        folded = [fold(data["text"][k]) for k in line]
        if "thang" not in folded or "nam" not in folded[folded.index("thang"):]:
            continue
        t = folded.index("thang")
        n = t + folded[t:].index("nam")
        if f != "ngay":          # the day run into the word ("ngày?3"): never a reading to keep
            data["text"][i] = data["text"][i][:4]
            out.append("day")
        elif line[1:t] and not _check(img, data, line[1:t], 2, 31):
            _blank(data, line[1:t])
            out.append("day")
        if line[t + 1:n] and not _check(img, data, line[t + 1:n], 2, 12):
            _blank(data, line[t + 1:n])
            out.append("month")
        return out
    return out


def check(img: Image.Image, data: dict) -> list[str]:
    """Blank, in `data` (Tesseract's words in reading order), the number and the day and month of
    the header's date line that do not read the same twice; the fields blanked."""
    words = [i for i, w in enumerate(data["text"]) if w.strip() and data["top"][i] < img.height * HEADER]
    out = []
    num = _number(img, data, words)
    if num:
        out.append(num)
    return out + _date(img, data, words)
