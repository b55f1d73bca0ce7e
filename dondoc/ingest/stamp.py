"""The incoming stamp a văn thư presses on a paper dispatch ("CÔNG VĂN ĐẾN — Số: … Ngày: …",
NĐ 30/2020 appendix): found on the page image, read on its own, and blanked out before the page
is read, so that its number and date never pass for the dispatch's own.

A stamp is a ruled box (a rubber stamp's frame, or three sides of it) whose text has the word
ĐẾN and a Số or Ngày label, or two of the labels Số, Ngày, Giờ. Its number and date become a *proposal* (the register's số đến is the office's own
sequence, given when the clerk registers the dispatch). A handwritten figure that does not read
as one — low OCR confidence, or a date that is not a date — is left empty and listed in
`unreadable`, for the clerk to fill in.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pytesseract
from PIL import Image

from ..nlp.fold import fold

MIN_CONF = 60          # a word read less surely than this is not taken as a stamp's figure
_DEN = re.compile(r"\bden\b")
_LABELS = ("so", "ngay", "gio")
_LABEL = re.compile(r"\b(so|ngay|gio)\b")


@dataclass
class Stamp:
    box: tuple[int, int, int, int]          # x0, y0, x1, y1 in page pixels
    text: str
    number: str | None = None
    date: str | None = None                 # ISO
    unreadable: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"number": self.number, "date": self.date, "unreadable": self.unreadable,
                "text": self.text, "box": list(self.box)}


def candidate_boxes(gray: np.ndarray, dpi: float) -> list[tuple[int, int, int, int]]:
    """Ruled rectangles of a stamp's size (about 1–4 in wide, 0.4–2 in high), top of page first."""
    import cv2
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    horiz = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(int(dpi * 0.4), 8), 1)))
    vert = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(int(dpi * 0.2), 6))))
    frame = cv2.dilate(horiz | vert, np.ones((5, 5), np.uint8))
    contours, _ = cv2.findContours(frame, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    out = []
    for c in contours:
        x, y, w, h = cv2.boundingRect(c)
        if not (dpi * 1.0 <= w <= dpi * 4.5 and dpi * 0.35 <= h <= dpi * 2.2 and w > h):
            continue
        bh, bw = max(h // 6, 3), max(w // 8, 3)    # the frame's edges lie within these margins
        top = horiz[y:y + bh, x:x + w].max(axis=0).mean() / 255
        bottom = horiz[y + h - bh:y + h, x:x + w].max(axis=0).mean() / 255
        left = vert[y:y + h, x:x + bw].max(axis=1).mean() / 255
        right = vert[y:y + h, x + w - bw:x + w].max(axis=1).mean() / 255
        # a frame: ruled above and below along most of its width, and on both sides
        if min(top, bottom) >= 0.6 and min(left, right) >= 0.5:
            out.append((x, y, x + w, y + h))
    out += [b for b in open_frames(horiz, vert, dpi) if not any(_contains(o, b) for o in out)]
    return sorted(out, key=lambda b: (b[1], b[0]))[:8]


def _contains(a: tuple[int, int, int, int], b: tuple[int, int, int, int], slack: int = 10) -> bool:
    return a[0] - slack <= b[0] and a[1] - slack <= b[1] and b[2] <= a[2] + slack and b[3] <= a[3] + slack


def _segments(mask: np.ndarray) -> list[tuple[int, int, int, int]]:
    import cv2
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    return [(x, y, x + w, y + h) for x, y, w, h in (cv2.boundingRect(c) for c in contours)]


def open_frames(horiz: np.ndarray, vert: np.ndarray, dpi: float) -> list[tuple[int, int, int, int]]:
    """Frames a stamp pressed unevenly left open on one side, or whose top rule ran into a line
    of the page (the motto's underline): a vertical rule of a stamp's height with a horizontal
    rule at each end, both going on the same way for a stamp's width. The box spans the rule and
    the stretch the two horizontal rules share on that side."""
    tol = max(int(dpi * 0.08), 4)
    rules = [s for s in _segments(horiz) if s[2] - s[0] >= dpi * 0.8]
    out = []
    for vx0, vy0, vx1, vy1 in _segments(vert):
        if not dpi * 0.35 <= vy1 - vy0 <= dpi * 2.2 or vx1 - vx0 > dpi * 0.1:
            continue
        tops = [r for r in rules if abs(r[1] - vy0) <= tol or abs(r[3] - vy0) <= tol]
        bottoms = [r for r in rules if abs(r[1] - vy1) <= tol or abs(r[3] - vy1) <= tol]
        for t in tops:
            for b in bottoms:
                if b is t:
                    continue
                right = min(t[2], b[2]) - vx1          # how far both go on right of the rule
                left = vx0 - max(t[0], b[0])           # and left of it
                y0, y1 = min(t[1], vy0), max(b[3], vy1)
                if right >= dpi * 1.0 and dpi * 0.35 <= y1 - y0 and right <= dpi * 4.5:
                    out.append((vx0, y0, min(t[2], b[2]), y1))
                elif left >= dpi * 1.0 and left <= dpi * 4.5:
                    out.append((max(t[0], b[0]), y0, vx1, y1))
    return out


@dataclass
class _Word:
    text: str
    conf: float
    line: int
    box: tuple[int, int, int, int]


def words_of(data: dict) -> list[_Word]:
    """The words of Tesseract's `image_to_data`, with their line and box."""
    return [_Word(w, float(data["conf"][i]), data["block_num"][i] * 10000 + data["par_num"][i] * 100 + data["line_num"][i],
                  (data["left"][i], data["top"][i], data["left"][i] + data["width"][i], data["top"][i] + data["height"][i]))
            for i, w in enumerate(data["text"]) if w.strip()]


def inside(w: _Word, box: tuple[int, int, int, int]) -> bool:
    cx, cy = (w.box[0] + w.box[2]) / 2, (w.box[1] + w.box[3]) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


def _is_den(w: _Word) -> bool:
    # ĐẾN, printed in capitals on every incoming stamp ("đến" in a sentence is not one)
    return fold(w.text).strip(":.") == "den" and w.text.isupper()


def _label_of(w: _Word) -> str | None:
    # the label's letters, with what a pen or the stamp's dotted line ran into them ("Giờ....C...")
    m = re.match(r"\W*([a-z]+)(?:$|[:.;,]|\W)", fold(w.text))
    return m.group(1) if m and m.group(1) in _LABELS else None


def _is_stamp(words: list[_Word]) -> bool:
    """ĐẾN and a label; or, ĐẾN blurred by what was written over it, two of the stamp's labels."""
    labels = {_label_of(w) for w in words} - {None}
    return bool(labels) and (any(_is_den(w) for w in words) or len(labels) >= 2)


def _figures(crop: Image.Image) -> tuple[str, float]:
    """A handwritten or stamped figure read as one line of digits and date separators."""
    d = pytesseract.image_to_data(crop, lang="eng", config="--psm 7 -c tessedit_char_whitelist=0123456789/.-",
                                  output_type=pytesseract.Output.DICT)
    words = [(w, float(c)) for w, c in zip(d["text"], d["conf"]) if w.strip()]
    if not words:
        return "", 0.0
    return " ".join(w for w, _ in words), min(c for _, c in words)


def _value(label: str, words: list[_Word], img: Image.Image, right: int) -> tuple[str, float] | None:
    """What is written after a label ("Số:", "Ngày:"): the strip right of the label, up to the next
    label on its line or the stamp's edge, read for figures only; None when there is no label."""
    for i, w in enumerate(words):
        if _label_of(w) != label:
            continue
        x0 = w.box[2]
        nxt = next((v for v in words[i + 1:] if v.line == w.line and _label_of(v)), None)
        x1 = nxt.box[0] if nxt else right
        h = w.box[3] - w.box[1]
        y0, y1 = max(w.box[1] - h, 0), min(w.box[3] + h // 2, img.height)
        if x1 - x0 < h:
            return "", 0.0
        return _figures(img.crop((x0, y0, x1, y1)))
    return None


def _date(text: str) -> str | None:
    m = re.search(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4}|\d{2})\b", text)
    if not m:
        return None
    d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    y = y + 2000 if y < 100 else y
    try:
        return date(y, mo, d).isoformat() if 1990 <= y <= 2100 else None
    except ValueError:
        return None


def find_stamp(img: Image.Image, data: dict, dpi: float, lang: str = "vie", reread: bool = False) -> Stamp | None:
    """The incoming stamp on a grayscale page, from the page's own OCR (`data`, Tesseract's
    `image_to_data`): a stamp-sized ruled box holding the capitals ĐẾN and a Số or Ngày label.
    `reread`: the page's OCR saw a copy without coloured ink, so every box is read on its own."""
    words = words_of(data)
    for box in candidate_boxes(np.asarray(img.convert("L")), dpi):
        mine = [w for w in words if inside(w, box)]
        if not reread and not any(_is_den(w) or _label_of(w) for w in mine):
            continue
        # the box read again on its own, as one block: a page's layout analysis often splits a
        # stamp's two columns (ĐẾN | Số, Ngày) or takes the written figures for specks
        pad = max(int(dpi * 0.02), 2)          # inside the frame's rule
        ox, oy = box[0] + pad, box[1] + pad
        crop = img.crop((ox, oy, box[2] - pad, box[3] - pad))
        again = [_Word(w.text, w.conf, w.line, (w.box[0] + ox, w.box[1] + oy, w.box[2] + ox, w.box[3] + oy))
                 for w in words_of(pytesseract.image_to_data(crop, lang=lang, config="--psm 6",
                                                            output_type=pytesseract.Output.DICT))]
        if not _is_stamp(mine + again):
            continue
        if sum(1 for w in again if _label_of(w)) >= sum(1 for w in mine if _label_of(w)):
            mine = again
        st = Stamp(box, " ".join(w.text for w in mine))
        num = _value("so", mine, img, box[2])
        if num is not None:
            digits = re.fullmatch(r"\d{1,7}", num[0].replace(" ", ""))
            if digits and num[1] >= MIN_CONF:
                st.number = digits.group()
            else:
                st.unreadable.append("number")
        day = _value("ngay", mine, img, box[2])
        iso = _date(day[0]) if day is not None else None
        if iso and day[1] >= MIN_CONF:
            st.date = iso
        else:                                  # every incoming stamp has its Ngày
            st.unreadable.append("date")
        return st
    return None
