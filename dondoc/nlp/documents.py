"""Where the documents in one file start: a second national motto heads a second document (a
cover letter and the draft it submits). Text and its folded form only, no language models: the
readers name a file's second documents with it in their own limited processes."""
from __future__ import annotations

import re

from .layout import iter_lines

# "Cộng hòa xã hội chủ nghĩa Việt Nam", folded, as OCR without Vietnamese may read it
MOTTO_RE = re.compile(r"c[o0][a-z0-9]{0,2}\s*h[o0][a-z0-9]{0,2}\s+x[a-z0-9]{1,2}\s+h[o0][a-z0-9!|\]]{0,2}\s+ch[uưi][a-z0-9]?\s+ngh[i1][a-z0-9]?\s+vi[e3e€][a-z0-9]?t\s+n[a-z0-9]m")
# "Độc lập - Tự do - Hạnh phúc", also as OCR without Vietnamese reads it ("Tudo", "phtc"), as
# its repair may leave it ("Tao"), and with its dashes doubled by a scan ("Độc lập —- Tự do")
MOTTO2_RE = re.compile(r"d[^\s]{0,4}c\s+[1l][a-z0-9]{1,2}p\s*[-–—]{1,3}\s*t[a-z0-9]{0,3}(?:\s+d[a-z0-9]{0,2})?\s*[-–—]{1,3}\s*h[a-z0-9]{1,3}nh\s+ph[a-z0-9]{1,3}")


def split_documents(text: str, folded: str) -> list[int]:
    """Start offsets of the documents in one file (a cover letter and the draft it submits).
    Text and its folded form only: the readers name a file's second documents with it."""
    starts = [0]
    lines = list(iter_lines(text))
    for m in _motto_lines(text, folded, lines)[1:]:
        idx = next(i for i, (s, e, _) in enumerate(lines) if s <= m <= e)
        j = idx
        while j > 0:
            prev = lines[j - 1][2].strip()
            if prev and not (prev.isupper() or prev.strip("*_-— ") == "" or len(prev) < 3):
                break
            if j < idx - 8:
                break
            j -= 1
        while j < idx and not lines[j][2].strip():
            j += 1
        starts.append(lines[j][0])
    return starts


def _motto_lines(text: str, folded: str, lines: list[tuple[int, int, str]]) -> list[int]:
    """Where the national motto heads a document: on a line of its own, in capitals or with
    `Độc lập - Tự do - Hạnh phúc` under it (not `nước Cộng hòa ...` inside a sentence)."""
    out = []
    for i, (s, e, _line) in enumerate(lines):
        m = MOTTO_RE.search(folded, s, e)
        if not m:
            continue
        nxt = folded[lines[i + 1][0]:lines[i + 1][1]] if i + 1 < len(lines) else ""
        if text[m.start():m.end()].isupper() or MOTTO2_RE.search(nxt) or MOTTO2_RE.search(folded, m.end(), e):
            out.append(m.start())
    return out
