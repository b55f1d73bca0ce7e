"""Blocks the page's reading passed over, read again on their own.

Tesseract's page segmentation takes a block of type for a picture when something is drawn over
it: the signer's title and name under a round seal and a signature, a line crossed by a
handwritten note. The words of such a block are missing from the page's read (or are specks).
A text block of the layout (dondoc.ingest.layout) that holds much ink but few words read surely
is cropped and read as one block of text (`--psm 6`); its sure words take the block's place in
the reading order, where it stands on the page, not at the page's end.
"""
from __future__ import annotations

import re
from typing import Callable

from PIL import Image

from .layout import Block

SURE = 60            # a word read again is kept when Tesseract is at least this sure of it
MAX_REREADS = 4      # blocks read again on one page, at most (each costs a Tesseract call)
_WORDISH = re.compile(r"\w")


def _sure(word: str, conf: float) -> bool:
    # a word, not a stroke of the signature: two letters or digits at least, most of it letters
    n = len(_WORDISH.findall(word))
    return conf >= SURE and n >= 2 and n >= len(word) / 2


def passed_over(data: dict, found: list[Block], dpi: float) -> list[int]:
    """The blocks (indices into `found`) of some size whose surely read words cover less than a
    tenth of them: taken for pictures, or read as specks."""
    covered = [0.0] * len(found)
    for i, w in enumerate(data["text"]):
        k = data["block_num"][i] // 1000 - 1
        if 0 <= k < len(found) and _sure(w, float(data["conf"][i])):
            covered[k] += data["width"][i] * data["height"][i]
    out = []
    for k, b in enumerate(found):
        x0, y0, x1, y1 = b.box
        area = (x1 - x0) * (y1 - y0)
        if (y1 - y0) >= dpi * 0.3 and (x1 - x0) >= dpi * 1.0 and covered[k] < 0.1 * area:
            out.append(k)
    return sorted(out, key=lambda k: -(found[k].box[2] - found[k].box[0]) * (found[k].box[3] - found[k].box[1]))[:MAX_REREADS]


def _in_block(data: dict, k: int) -> list[int]:
    return [i for i, b in enumerate(data["block_num"]) if b // 1000 - 1 == k]


def _letters(data: dict, idx: list[int]) -> int:
    return sum(len(data["text"][i]) for i in idx if _sure(data["text"][i], float(data["conf"][i])))


def _splice(data: dict, keys: list[str], k: int, rows: list[dict]) -> dict:
    """`data` with block `k`'s words replaced by `rows`, standing where the block's words stood
    (or before the next block's)."""
    mine = set(_in_block(data, k))
    n = len(data["text"])
    at = min(mine) if mine else next((i for i in range(n) if data["block_num"][i] // 1000 - 1 > k), n)
    keep = [i for i in range(n) if i not in mine]
    before, after = [i for i in keep if i < at], [i for i in keep if i >= at]
    return {key: [data[key][i] for i in before] + [r[key] for r in rows] + [data[key][i] for i in after] for key in keys}


def reread(img: Image.Image, data: dict, found: list[Block], dpi: float,
           read: Callable[[Image.Image], dict]) -> dict:
    """`data` (words in layout order, block numbers as `layout.order_words` gives them) with the
    blocks the page's read passed over read again by `read` (a crop -> Tesseract's data): a
    block's sure words replace its own when they are more."""
    keys = [k for k in data if isinstance(data[k], list) and len(data[k]) == len(data["text"])]
    for k in passed_over(data, found, dpi):
        x0, y0, x1, y1 = found[k].box
        again = read(img.crop((x0, y0, x1, y1)))
        new = [i for i, w in enumerate(again["text"]) if _sure(w, float(again["conf"][i]))]
        if _letters(again, new) <= _letters(data, _in_block(data, k)):
            continue
        rows = [{**{key: again.get(key, [0] * len(again["text"]))[i] for key in keys},
                 "left": again["left"][i] + x0, "top": again["top"][i] + y0,
                 "block_num": (k + 1) * 1000 + again["block_num"][i]} for i in new]
        data = _splice(data, keys, k, rows)
    return data
