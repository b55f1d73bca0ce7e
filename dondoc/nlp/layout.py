"""Lines -> blocks: the paragraphs, numbered items and bullets of a dispatch, with offsets.

Text copied from PDFs and scans is hard-wrapped, broken by page numbers and blank lines inside
a sentence; a block is rebuilt from its lines. A new block starts at a list marker, after a line
that closes a sentence when the next one starts with a capital, or after a blank line unless the
text plainly runs on (next line in lower case).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .fold import fold

MARKER_RE = re.compile(
    r"^\s*(?P<m>"
    r"(?P<article>[ĐD]i[eềé]u\s+\d+\s*[.:])"
    r"|(?P<roman>[IVX]{1,5}\s*[.)/])(?=\s|[A-ZĐ])"
    r"|(?P<num>\d{1,2}(?:\s*\.\s*\d{1,2}){0,3}\s*[.)])(?=\s*\S)(?!\d)"
    r"|(?P<numc>\d{1,2},)(?=\s+[A-ZĐ])"          # "5, Sở Tài chính": OCR reads the period as a comma
    r"|(?P<alpha>[a-zđ](?:\.\d{1,2})?\s*\))"
    r"|(?P<bullet>[-–—+•*∙●▪➢✓]\s*)(?=\S)"
    r")"
)
# A line ending on one of these words stops mid-phrase ("... của / Bộ Chính trị", "trước ngày /
# 15/11"): whatever follows it, even past a blank line, continues it.
_DANGLING_FOLDED = re.compile(r"\b(?:cua|theo|voi|ve|cho|tai|va|do|boi|tu|den|trong|thuoc|giua|tren|ngay|truoc)\s*$")
# other words that fold the same and need nothing after them: "nguyên tử", "thuốc", "cửa", "đó"
_NOT_DANGLING = frozenset("tử tự tư tú tù tủ thuốc đó đỏ độ đỗ vé vẻ vẽ chó chợ chỗ tài tái tải vá vả đen đèn đền "
                          "vội vơi cửa cùa bồi bơi bội trọng trồng".split())


def dangles(line: str) -> bool:
    """The line stops on a word that needs what follows (`của`, `trước ngày`), unless the word as
    written is another one (the folded list alone reads "nguyên tử" as ending on "từ")."""
    if not _DANGLING_FOLDED.search(fold(line)):
        return False
    words = unicodedata.normalize("NFC", line).split()
    return not words or words[-1].lower().strip(",;:") not in _NOT_DANGLING


# the enacting formula after a decision's or resolution's preamble: its articles follow
ENACTING_RE = re.compile(r"\s*quyet (?:dinh|nghi)\s*:\s*$")
# "Chính phủ ban hành Nghị định …", "Bộ trưởng Bộ Công Thương ban hành Thông tư …": the sentence
# that closes a normative text's preamble (Decree 154/2020's forms), naming who enacts it
ENACTS_RE = re.compile(r"[ \t]*(?P<who>[^\n,;:.]{3,120}?)\s+ban\s+hanh\s+(?:nghi dinh|thong tu|quyet dinh|nghi quyet|chi thi)\b")
# the label of a chapter, part or section (`Chương III`, `Phần thứ hai`, `Mục 2`), folded; and of an appendix
PART_LABEL = r"(?:chuong|phan|muc)\s+(?:[ivxlc]+|\d+|thu \w+)\b"
APPENDIX_RE = re.compile(r"\s*phu luc(?:\s+(?:[ivxlc]+|\d+|so \d+))?\s*$")
SEPARATOR_LINE = re.compile(r"^\s*[-_–—=*.]{3,}\s*$")
PAGE_NO_RE = re.compile(r"^\s*(?:-\s*)?\d{1,3}(?:\s*-)?\s*$")
_END_SENT = re.compile(r"[.:;!?…\"”)»]\s*$")
_SPECK_COLON = re.compile(r"[^\W\d_]\s+:\s*$")


@dataclass
class Block:
    start: int
    end: int
    marker: str | None = None
    kind: str = "plain"        # article | roman | num | alpha | bullet | plain | row
    level: int = 0             # 1 for "1.", 2 for "1.1.", ...
    lines: list[tuple[int, int]] = field(default_factory=list)

    def text(self, doc: str) -> str:
        return doc[self.start:self.end]

    def body_start(self, doc: str) -> int:
        """Offset just after the list marker."""
        m = MARKER_RE.match(doc[self.start:self.end]) if self.marker else None
        if not m:
            return self.start
        i = self.start + m.end()
        while i < self.end and doc[i] == " ":
            i += 1
        return i


def iter_lines(text: str):
    pos = 0
    for line in text.split("\n"):
        yield pos, pos + len(line), line
        pos += len(line) + 1


def classify_marker(line: str) -> tuple[str | None, str, int]:
    m = MARKER_RE.match(line)
    if not m:
        if " | " in line and re.match(r"^\s*\d{1,3}\s*\|", line):
            return line.split("|")[0].strip(), "row", 1
        return None, "plain", 0
    for kind in ("article", "roman", "num", "numc", "alpha", "bullet"):
        if m.group(kind):
            mk = m.group(kind).strip()
            level = 1
            if kind == "num":
                level = len(re.findall(r"\d+", mk))
            return mk, ("num" if kind == "numc" else kind), level
    return None, "plain", 0


def _starts_upper(line: str) -> bool:
    s = line.lstrip(" \"“'(")
    return bool(s) and (s[0].isupper() or s[0].isdigit())


def wrap_width(text: str) -> int:
    """The width the text is hard-wrapped at (its long lines' length), 0 when it is not."""
    lengths = sorted(len(line.rstrip()) for line in text.split("\n") if len(line.strip()) > 20)
    if len(lengths) < 5:
        return 0
    w = lengths[int(len(lengths) * 0.9)]
    return w if w <= 110 else 0


def _ends_title_line(prev: str, cur: Block, line: str, width: int) -> bool:
    """A line standing alone as a title (`Điều 2. Áp dụng văn bản ...`, `CHÍNH PHỦ`) ends its
    block though the next line opens without a blank line: it is short of the wrap width, or in
    capitals over running text."""
    if len(cur.lines) != 1 or not _starts_upper(line) or dangles(prev):
        return False
    if is_heading(prev) and not is_heading(line):
        return True
    return cur.kind in ("article", "roman") and width > 0 and len(prev.rstrip()) < 0.8 * width


def _wrapped_remainder(prev: str, cur: Block) -> bool:
    """The short last line of a long paragraph that ends no sentence, clause or heading: words a
    narrower scan carried over from the line above (`… trên địa bàn` / blank / `Thành phố treo cờ …`)."""
    words = prev.split()
    return cur.end - cur.start > 150 and len(words) <= 3 and not prev.rstrip().endswith((":", ";")) \
        and not prev.strip().isupper()


def _starts_block(text: str, cur: Block, line: str, gap: bool, width: int) -> bool:
    """An unmarked line after block `cur` starts a block of its own (else it wraps `cur`)."""
    if ENACTING_RE.match(fold(line)):
        return True             # `QUYẾT ĐỊNH:` stands apart, even after a recital ending on a comma
    prev = text[cur.lines[-1][0]:cur.lines[-1][1]]
    ends_sentence = bool(_END_SENT.search(prev))
    lower_next = not _starts_upper(line)
    if (lower_next and (not ends_sentence or _SPECK_COLON.search(prev))) or dangles(prev):
        # the sentence runs on, across a wrap or a page break (a scan's speck read as a colon
        # standing apart, `xây :` / `dựng Phương án …`, ends nothing)
        return False
    if prev.rstrip().endswith(",") and cur.end - cur.start > 200:
        return False            # no paragraph ends on a comma: a page break inside one
    if gap and not ends_sentence and _wrapped_remainder(prev, cur):
        return False            # a scan rewrapped the sentence: its line's last words, then a gap
    if gap or _ends_title_line(prev, cur, line, width):
        return True
    # a hard wrap goes on below an unfinished sentence (a table row's cells have no full stops)
    return (ends_sentence or cur.kind == "row") and not lower_next


def blocks(text: str, start: int = 0, end: int | None = None) -> list[Block]:
    """Blocks of text[start:end]."""
    end = len(text) if end is None else end
    width = wrap_width(text)
    out: list[Block] = []
    cur: Block | None = None
    gap = False
    for s, e, line in iter_lines(text):
        if e <= start or s >= end:
            continue
        if not line.strip() or SEPARATOR_LINE.match(line):
            gap = True              # a rule under a title ("_______") ends its block like a blank line
            continue
        if PAGE_NO_RE.match(line) and gap:
            continue  # a page number between blank lines
        marker, kind, level = classify_marker(line)
        if cur is not None and kind == "bullet" and marker == "-" and not gap:
            prev = text[cur.lines[-1][0]:cur.lines[-1][1]]
            if len(prev) > 40 and not _END_SENT.search(prev) and not prev.rstrip()[-1:].isdigit():
                marker, kind, level = None, "plain", 0   # a hyphen inside a wrapped name
        new = cur is None or marker is not None or _starts_block(text, cur, line, gap, width)
        if new:
            ls = s + (len(line) - len(line.lstrip()))
            cur = Block(ls, e, marker, kind, level, [(ls, e)])
            out.append(cur)
        elif cur is not None:        # a continuation line of the block above
            cur.end = e
            cur.lines.append((s, e))
        gap = False
    return out


SENT_SPLIT_RE = re.compile(r"(?<=[.!?…])[\"”»]?\s+(?=[\"“«(]?[A-ZĐÀ-ỸÁÉÍÓÚÝ])")
# a period after these does not end a sentence; after a year ("giai đoạn 2016 - 2021.") it does
_ABBREV_END = re.compile(r"(?:\b[A-ZĐ]{1,4}|\bv\.v|\bTp|\bTS|\bThS|\bPGS|\bGS|\bĐ/c|\bNo|\bSố|(?<![0-9]{3})(?<!\d\.)\d)\.$")


def sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans inside text[start:end] (abbreviations like `P.ĐTĐH`, `TP.` do not end one)."""
    spans = []
    s = start
    for m in SENT_SPLIT_RE.finditer(text, start, end):
        cut = m.start()
        head = text[max(s, cut - 8):cut]
        if _ABBREV_END.search(head):
            continue
        if cut - s > 0:
            spans.append((s, cut))
        s = m.end()
    if end > s:
        spans.append((s, end))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def is_heading(text: str) -> bool:
    """Upper-case title lines (`II. NỘI DUNG HOẠT ĐỘNG`, `QUYẾT ĐỊNH:`)."""
    letters = list(filter(str.isalpha, text))        # counted in C: called on every line
    return bool(letters) and sum(map(str.isupper, letters)) / len(letters) > 0.8


def folded_start(text: str, n: int = 60) -> str:
    return fold(text[:n]).strip()
