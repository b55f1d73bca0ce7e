"""Task tables of action programmes, in the two shapes text extraction leaves them:
`cell | cell | cell` rows, or one cell a line under a header (`TT / Tên nhiệm vụ / Cơ quan chủ
trì / Cơ quan phối hợp / Kết quả / Thời gian hoàn thành`) repeated on every page.

A row is a task: its name column is the text, the lead column its lead, the time column its
deadline.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .agency import gazetteer
from .deadline import find_deadlines
from .fold import fold
from .layout import DANGLING_RE, iter_lines
from .record import Deadline, Task
from .textprep import collapse

_HEADER_WORDS = ("tt", "stt", "ten nhiem vu", "nhiem vu", "noi dung", "cong viec", "co quan", "chu tri",
                 "co quan chu tri", "co quan phoi hop", "phoi hop", "ket qua", "san pham", "thoi gian",
                 "hoan thanh", "thoi gian hoan thanh", "thoi han", "can cu", "bo sung", "can cu bo sung",
                 "ghi chu", "don vi chu tri", "don vi phoi hop", "ngay", "thoi gian thuc hien", "tien do")
_ROW_START = re.compile(r"^\s*(?P<n>\d{1,3})(?:\s*[.)])?(?:\s+(?P<rest>\S.*))?$")
_RANGE_YEARS = re.compile(r"\b(20\d\d)\s*[-–]\s*(20\d\d)\b")


@dataclass
class _Row:
    start: int
    end: int
    lines: list[tuple[int, int, str]]


def _is_header_line(line: str) -> bool:
    f = re.sub(r"[^a-z ]+", " ", fold(line)).strip()
    return bool(f) and f in _HEADER_WORDS


def find_line_tables(text: str, start: int, end: int) -> list[tuple[int, int, list[_Row]]]:
    """Tables written one cell a line: (start, end, rows)."""
    lines = [(s, e, l) for s, e, l in iter_lines(text) if s >= start and e <= end and l.strip()]
    tables = []
    i = 0
    while i < len(lines):
        if re.sub(r"[^a-z]", "", fold(lines[i][2])) in ("tt", "stt"):
            j, known = _skip_header(lines, i)
            if known >= 3:
                rows, k = _collect_rows(lines, j)
                if rows:
                    tables.append((lines[i][0], lines[k - 1][1], rows))
                i = k
                continue
        i += 1
    return tables


def _skip_header(lines, i):
    """Past a header that starts at line i: (next line, how many header words it had)."""
    j, known = i + 1, 0
    while j < len(lines) and j < i + 16 and not _ROW_START.match(lines[j][2]):
        known += _is_header_line(lines[j][2])
        j += 1
    return j, known


def _collect_rows(lines, j):
    rows: list[_Row] = []
    expected = 1
    k = j
    while k < len(lines):
        s, e, line = lines[k]
        if re.sub(r"[^a-z]", "", fold(line)) in ("tt", "stt"):
            # the header again, on a new page: skip it
            k, _ = _skip_header(lines, k)
            continue
        m = _ROW_START.match(line)
        if m and int(m.group("n")) in (expected, expected + 1) and (m.group("rest") is None or not m.group("rest")[:1].isdigit()):
            rows.append(_Row(s, e, [(s, e, line)]))
            expected = int(m.group("n")) + 1
        elif rows:
            rows[-1].lines.append((s, e, line))
            rows[-1].end = e
        k += 1
    return rows, k


def row_task(text: str, folded: str, row: _Row, issued: date | None, year: int | None) -> Task | None:
    g = gazetteer()
    first = _ROW_START.match(row.lines[0][2])
    body_lines = row.lines[1:]
    if first and first.group("rest"):
        off = row.lines[0][0] + first.start("rest")
        body_lines = [(off, row.lines[0][1], first.group("rest"))] + body_lines
    if not body_lines:
        return None
    # Agencies over the whole row (a cell may wrap over lines); a cell holds a name by itself,
    # so a column starts at a line that begins with an agency which ends at a line end.
    rs, re_ = body_lines[0][0], row.end
    found = g.find(text[rs:re_], folded[rs:re_])
    found = [type(f)(f.start + rs, f.end + rs, f.canonical, f.kind) for f in found]
    line_starts = {s + (len(l) - len(l.lstrip())): i for i, (s, e, l) in enumerate(body_lines)}

    def ends_cell(f) -> bool:
        # the name, a remark in brackets after it ("Bộ Tư pháp (đối với ...)"), then the line ends
        m = re.compile(r"(?:\s*\([^()]{0,200}\))?[ \t,;]*(?:\n|$)").match(text, f.end, re_)
        return bool(m) or f.end >= re_

    def chain_ends_cell(i) -> bool:
        # "Các bộ, cơ quan / ngang bộ, UBND / tỉnh, thành phố": names listed on from one
        # line's start, the last of them ending the cell
        j = i
        while j + 1 < len(found) and re.fullmatch(r"[\s,;]*(?:và|va)?[\s,;]*", text[found[j].end:found[j + 1].start]):
            if ends_cell(found[j]):
                return True
            j += 1
        return ends_cell(found[j])

    def continues_line_before(f) -> bool:
        # "... Nghị quyết số 72-NQ/TW của / Bộ Chính trị": a cell does not end on a word that
        # needs what follows, so the name on the next line is still the task's text
        prev = body_lines[line_starts[f.start] - 1]
        return bool(DANGLING_RE.search(folded[prev[0]:prev[1]]))

    cell_agencies = [f for i, f in enumerate(found) if f.start in line_starts and line_starts[f.start] >= 1
                     and chain_ends_cell(i) and not continues_line_before(f)]
    # chained agencies of one cell: "Các bộ, ngành,\nUBND tỉnh, thành phố"
    chained = [f for f in found if any(f.start >= c.start for c in cell_agencies[:1])]
    name_end = line_starts[cell_agencies[0].start] if cell_agencies else len(body_lines)
    name_span = (body_lines[0][0], body_lines[name_end - 1][1])
    lead, support = [], []
    last_end = None
    target = lead
    for f in chained:
        if last_end is not None:
            gap = re.sub(r"\([^()]*\)", " ", text[last_end:f.start])      # a remark on the name before
            if "," not in gap and ";" not in gap and not re.fullmatch(r"\s*(?:và|va)\s*", gap):
                if target is support:
                    break
                target = support
            if len(gap) > 3 and not re.fullmatch(r"[\s,;]*(?:và|va)?[\s,;]*", gap):
                break
        if f.canonical not in lead and f.canonical not in support:
            target.append(f.canonical)
        last_end = f.end
    tail_from = len(body_lines)
    if last_end is not None:
        tail_from = next((i for i, (s, e, l) in enumerate(body_lines) if s >= last_end), len(body_lines))
    tail = body_lines[tail_from:]
    deadlines: list[Deadline] = []
    if tail:
        ts, te = tail[0][0], tail[-1][1]
        joined = folded[ts:te]
        for m in _RANGE_YEARS.finditer(joined):
            deadlines.append(Deadline(date(int(m.group(2)), 12, 31).isoformat(), text[ts + m.start(): ts + m.end()], "period_end", None, (ts + m.start(), ts + m.end())))
        dl = find_deadlines(text[ts:te], joined, issued, year, time_cell=True)
        for d in dl:
            d.span = (d.span[0] + ts, d.span[1] + ts)
            if not any(x.date == d.date for x in deadlines) and not any(x.span[0] <= d.span[0] < x.span[1] for x in deadlines):
                deadlines.append(d)
    span = (name_span[0], row.end)
    return Task(collapse(text[span[0]:span[1]]), span, lead, support, deadlines)


def pipe_row_task(text: str, folded: str, s: int, e: int, issued: date | None, year: int | None) -> Task | None:
    """`1 | 24/03/2014 | P.ĐTĐH gửi danh sách ...`: the date column is the deadline, the work
    column names who does it."""
    g = gazetteer()
    line = text[s:e]
    cells, pos = [], s
    for part in line.split("|"):
        cells.append((pos, pos + len(part)))
        pos += len(part) + 1
    deadlines: list[Deadline] = []
    work = None
    for cs, ce in cells:
        cell = folded[cs:ce].strip()
        if re.fullmatch(r"\d{1,3}", cell):
            continue
        dates = re.findall(r"\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{4})?", cell)
        if dates and len(re.sub(r"[\d/\s\-–.]|den|tu|ngay", "", cell)) <= 3:
            last = dates[-1]
            sub = find_deadlines("truoc ngay " + last, "truoc ngay " + last, issued, year)
            for d in sub:
                deadlines.append(Deadline(d.date, text[cs:ce].strip(), "absolute", None, (cs, ce)))
            continue
        if work is None or (ce - cs) > (work[1] - work[0]):
            work = (cs, ce)
    if work is None:
        return None
    lead = []
    found = g.find(text[work[0]:work[1]], folded[work[0]:work[1]])
    if found and found[0].start <= 2:
        lead = [found[0].canonical]
    return Task(collapse(line), (s, e), lead, [], deadlines)
