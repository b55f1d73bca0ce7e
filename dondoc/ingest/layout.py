"""The page's layout: its text blocks, and the order a reader takes them in.

A Vietnamese administrative document (NĐ 30/2020, appendix I) is laid out as a table without
rules in two places: the header (the issuing body, its number and the trích yếu on the left; the
national motto and the place and date on the right) and the closing (the recipients on the left;
the signer's title, signature, seal and name on the right). A person, and the typed texts dondoc
is measured against, reads each side whole, left then right. Tesseract's page segmentation
reads such a table row by row across both sides, or splits it unevenly, so that lines of the two
sides are interleaved.

Blocks are found on the ink itself (run-length smearing, Wong, Casey & Wahl 1982): ink closed
over word spaces and line gaps, never over the gutter between two sides; the blocks standing
side by side in a band of the page are read left then right, the bands top to bottom. Tesseract's
words are then handed out to the blocks they stand in (`order_words`), each block keeping
Tesseract's own line order inside it.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

Box = tuple[int, int, int, int]      # x0, y0, x1, y1 in page pixels


@dataclass
class Block:
    box: Box
    band: int = 0        # the band of the page it stands in (blocks side by side share one)
    row: int = 0         # blocks on one row of a table's side share it: their words make one line


def ink_of(gray: np.ndarray, exclude: Sequence[Box] = ()) -> np.ndarray:
    """Ink as a 0/255 mask (Otsu), with specks of scanner noise and the `exclude` boxes (a stamp)
    cleared."""
    import cv2
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    for x0, y0, x1, y1 in exclude:
        ink[max(y0, 0):y1, max(x0, 0):x1] = 0
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    small = stats[:, cv2.CC_STAT_AREA] < 12
    small[0] = False
    ink[small[labels]] = 0
    return ink


def blocks(gray: np.ndarray, dpi: float, exclude: Sequence[Box] = ()) -> list[Block]:
    """The page's text blocks, in reading order. Word spaces (under ~0.12 in) and line gaps
    (under ~0.09 in) are closed, a gutter between two sides of a table (over 0.25 in) is not."""
    import cv2
    ink = ink_of(gray, exclude)
    kx, ky = max(int(dpi * 0.12), 3), max(int(dpi * 0.09), 3)
    smeared = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (kx, 1)))
    smeared = cv2.morphologyEx(smeared, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, ky)))
    smeared = cv2.dilate(smeared, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    n, _, stats, _ = cv2.connectedComponentsWithStats(smeared, connectivity=8)
    found = []
    for i in range(1, n):
        x, y, w, h = (int(v) for v in stats[i, :4])
        # a letter at least: not a speck, not a rule or the scanner's edge shadow
        if h < dpi * 0.06 or w < dpi * 0.06 or (w < dpi * 0.1 and h > dpi * 1.0):
            continue
        found.append((x, y, x + w, y + h))
    return reading_order(found, int(dpi * 0.3))


def reading_order(boxes: list[Box], near: int = 90) -> list[Block]:
    """Blocks in bands: a band is a run of blocks side by side (`_overlap`); bands top to bottom,
    the blocks of a band left to right, the two sides of a table (`_tables`) each whole."""
    bands = _bands(boxes)
    bands.sort(key=lambda band: min(b[1] for b in band))
    out: list[Block] = []
    for k, table in enumerate(_tables([sorted(band) for band in bands], near)):
        gutter = _gutter(table)
        if gutter is None:
            out += [Block(b, k, len(out) + j) for j, b in enumerate(sorted(table[0]))]
            continue
        # the two sides of a table, each read whole: the left side top to bottom, then the right
        cells = [b for band in table for b in band]
        for side in (_rows([b for b in cells if b[2] <= gutter[1]]), _rows([b for b in cells if b[2] > gutter[1]])):
            for row in side:
                out += [Block(b, k, len(out)) for b in row]
    return out


def _bands(boxes: list[Box]) -> list[list[Box]]:
    """The blocks grouped into runs side by side (a block joining two runs joins them)."""
    bands: list[list[Box]] = []
    for b in sorted(boxes, key=lambda b: (b[1], b[0])):
        hit = [band for band in bands if any(_overlap(b, o) for o in band)]
        for band in hit[1:]:
            hit[0] += band
            bands.remove(band)
        if hit:
            hit[0].append(b)
        else:
            bands.append([b])
    return bands


def _rows(cells: list[Box]) -> list[list[Box]]:
    """One side's blocks row by row, each row left to right ("Số:", the handwritten figure,
    "/QĐ-…"): a block starts a new row unless it shares half its height with the row's first."""
    rows: list[list[Box]] = []
    for b in sorted(cells, key=lambda b: (b[1], b[0])):
        first = rows[-1][0] if rows else None
        if first is not None and min(first[3], b[3]) - max(first[1], b[1]) >= min(first[3] - first[1], b[3] - b[1]) / 2:
            rows[-1].append(b)
        else:
            rows.append([b])
    return [sorted(row) for row in rows]


def _free(band: list[Box]) -> list[tuple[int, int]]:
    """The x-intervals between a band's blocks that no block covers."""
    spans = sorted((b[0], b[2]) for b in band)
    out, reach = [], spans[0][1]
    for x0, x1 in spans[1:]:
        if x0 > reach:
            out.append((reach, x0))
        reach = max(reach, x1)
    return out


def _common(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return [(max(p[0], q[0]), min(p[1], q[1])) for p in a for q in b if min(p[1], q[1]) > max(p[0], q[0])]


def _gutter(table: list[list[Box]]) -> tuple[int, int] | None:
    """The widest gap between blocks that runs down every band of `table` with blocks on both
    sides of it (None: a band of one column)."""
    free: list[tuple[int, int]] | None = None
    for band in table:
        if len(band) < 2:
            continue
        free = _free(band) if free is None else _common(free, _free(band))
    if not free:
        return None
    return max(free, key=lambda g: g[1] - g[0])


def _tables(bands: list[list[Box]], near: int) -> list[list[list[Box]]]:
    """Consecutive bands of two sides or more sharing a gutter, joined into one table; a band of
    one block joins the table above it when it keeps to one side of the gutter and stands within
    `near` of it (the trích yếu's lines under the number, the signer's name under the seal), or
    when it stands between two tables of the same gutter."""
    out: list[list[list[Box]]] = []
    for band in bands:
        prev = out[-1] if out else None
        if prev is not None and any(len(b) > 1 for b in prev):
            g = _gutter(prev + [band]) if len(band) > 1 else _gutter(prev)
            bottom = max(b[3] for b in prev[-1])
            if g is not None and (len(band) > 1 or (_one_side(band[0], g) and band[0][1] - bottom <= near)):
                prev.append(band)
                continue
        out.append([band])
    merged: list[list[list[Box]]] = []
    i = 0
    while i < len(out):
        t = out[i]
        if merged and len(t) == 1 and len(t[0]) == 1 and i + 1 < len(out) and _sided(merged[-1], out[i + 1], t[0][0]):
            merged[-1] += t + out[i + 1]
            i += 2
            continue
        merged.append(t)
        i += 1
    return merged


def _one_side(box: Box, gutter: tuple[int, int]) -> bool:
    """Whether a block keeps to one side of a gutter: it may reach into it, not across it."""
    return box[2] <= gutter[1] or box[0] >= gutter[0]


def _sided(before: list[list[Box]], after: list[list[Box]], box: Box) -> bool:
    g = _gutter(before + after)
    if g is None or _gutter(before) is None or _gutter(after) is None:
        return False
    return _one_side(box, g)


def _overlap(a: Box, b: Box) -> bool:
    """Side by side: sharing half the lower block's height and a fifth of the taller's (a speck
    or a one-line block between two paragraphs joins neither)."""
    inter = min(a[3], b[3]) - max(a[1], b[1])
    ha, hb = a[3] - a[1], b[3] - b[1]
    return inter >= min(ha, hb) / 2 and inter >= max(ha, hb) / 5


def block_of(box: Box, found: list[Block]) -> int | None:
    """The block a word stands in: the one holding its centre, else the nearest (None: no blocks)."""
    if not found:
        return None
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2

    def dist(b: Block) -> float:
        x0, y0, x1, y1 = b.box
        return max(x0 - cx, 0, cx - x1) + max(y0 - cy, 0, cy - y1)
    return min(range(len(found)), key=lambda i: dist(found[i]))


def order_words(data: dict, found: list[Block]) -> dict:
    """Tesseract's `image_to_data` with its words in the blocks' reading order: each word goes to
    the block it stands in, keeps its place among that block's words, and its block number
    becomes its layout block's (so a line Tesseract read across two sides is cut in two)."""
    if not found:
        return data
    n = len(data["text"])
    where = []
    for i in range(n):
        box = (data["left"][i], data["top"][i], data["left"][i] + data["width"][i], data["top"][i] + data["height"][i])
        where.append(block_of(box, found) if data["text"][i].strip() else None)
    # inside a block, Tesseract's paragraphs top to bottom: it may list one it took apart from the
    # rest (a centred "QUYẾT NGHỊ:" beside a seal's edge) after the paragraph beneath it
    tops: dict[tuple, int] = {}
    for i in range(n):
        if where[i] is not None:
            unit = (where[i], data["block_num"][i], data["par_num"][i])
            tops[unit] = min(tops.get(unit, data["top"][i]), data["top"][i])
    order = sorted((i for i in range(n) if where[i] is not None),
                   key=lambda i: (where[i], tops[(where[i], data["block_num"][i], data["par_num"][i])], i))
    out = {k: [v[i] for i in order] for k, v in data.items() if isinstance(v, list) and len(v) == n}
    out["block_num"] = [(where[i] or 0) * 1000 + 1000 + data["block_num"][i] for i in order]
    return out


def join_rows(data: dict, found: list[Block]) -> dict:
    """`data` as `order_words` gives it, the words of blocks on one row of a table's side made one
    block, so that what Tesseract read as one line stays one ("Số:", a figure written apart,
    "/NQ-CP")."""
    if not found:
        return data
    out = dict(data)
    out["block_num"] = [(found[b // 1000 - 1].row + 1) * 1000 + b % 1000 for b in data["block_num"]]
    return out
