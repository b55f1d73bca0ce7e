"""Task tables of action programmes, in the two shapes text extraction leaves them:
`cell | cell | cell` rows, or one cell a line under a header (`TT / Tên nhiệm vụ / Cơ quan chủ
trì / Cơ quan phối hợp / Kết quả / Thời gian hoàn thành`) repeated on every page.

A row is a task: its name column is the text, the lead column its lead, the time column its
deadline. A pipe table's header row says which column is which (`Nội dung công việc`, `Thời
gian thực hiện`, `Đơn vị chủ trì/phối hợp`); a table whose header names no work, time or lead
column describes (a scope list) and assigns nothing. Rows without a lead cell take the lead of
the scope the table stands in (the walker resolves it: `TableRow.lead` is then empty).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from rapidfuzz.distance import Levenshtein

from .agency import Found
from .bodies import Phrase, noun_phrases
from .deadline import Context, read_deadlines
from .doc import Doc
from .fold import fold
from .layout import APPENDIX_RE, dangles, iter_lines
from .record import Deadline, Task
from .textprep import collapse

_HEADER_WORDS = ("tt", "stt", "ten nhiem vu", "nhiem vu", "noi dung", "cong viec", "co quan", "chu tri",
                 "co quan chu tri", "co quan phoi hop", "phoi hop", "ket qua", "san pham", "thoi gian",
                 "hoan thanh", "thoi gian hoan thanh", "thoi han", "can cu", "bo sung", "can cu bo sung",
                 "ghi chu", "don vi chu tri", "don vi phoi hop", "ngay", "thoi gian thuc hien", "tien do")
_ROW_START = re.compile(r"^\s*(?P<n>\d{1,3})(?:\s*[.)])?(?:\s+(?P<rest>\S.*))?$")
# a group row: a Roman numeral alone on its line or before the group's title
_GROUP_ROW = re.compile(r"^\s*[IVX]{1,5}(?:\s*[.)])?(?:\s+[^\W\d_][^\n]*)?\s*$")
_LEAD_HEADER = re.compile(r"\bchu\s+tri\b|\b(?:co quan|don vi)\s+(?:thuc hien|phu trach)\b")
# a row numbered under its group: "1.2", "3.10."
_SUB_ROW = re.compile(r"^\s*(?P<n>\d{1,3})\.(?P<sub>\d{1,2})\.?(?:\s+(?P<rest>\S.*))?$")
_RANGE_YEARS = re.compile(r"\b(20\d\d)\s*[-–]\s*(20\d\d)\b")
# what an OCR engine reads for the digit 1 or the numeral I in a table's number column
_ONE_GLYPHS = "lLiI|[]!1"
_OCR_MARKER = re.compile(r"^(?P<lead>\s*)(?P<tok>[0-9lLiI|\[\]!]{1,3})(?P<punct>[.,)]?)(?=\s|$)")


@dataclass
class _Row:
    start: int
    end: int
    lines: list[tuple[int, int, str]]


def is_column_header(line: str) -> bool:
    """A task table's column title (`Cơ quan phối hợp`, `Thời gian hoàn thành`), on one line or broken over several."""
    if len(line) > 40:
        return False        # the longest title, `Thời gian hoàn thành`, with its line breaks
    # OCR reads the i of PHỐI and THỜI as `!` or `|`: `CO QUAN PHO! HOP`, `THO! HAN`
    f = re.sub(r"\s+", " ", re.sub(r"[^a-z ]+", " ", fold(line).replace("!", "i").replace("|", "i"))).strip()
    return bool(f) and f in _HEADER_WORDS


def _numbers_column(line: str, ocr: bool) -> bool:
    """The title of a table's number column, `TT` or `STT`; as OCR reads it (`rT`, `TE`, `STI`, `SET`)
    in a text read by OCR."""
    letters = re.sub(r"[^a-z]", "", fold(line))
    if letters in ("tt", "stt"):
        return True
    return ocr and len(line.strip()) <= 4 and "t" in letters and 1 <= len(letters) <= 3 \
        and min(Levenshtein.distance(letters, w) for w in ("tt", "stt")) <= 1


def ocr_row_marker(line: str, expected: int, in_group: bool, one_follows: bool = False) -> str | None:
    """A row number or group numeral as OCR misreads it (`i`, `Ll.`, `|`, `i27`, `Ill`, `2,`),
    rewritten in place (same length, so offsets hold) when the reading fits the table's numbering:
    the next number, or a Roman group numeral (two glyphs or more, or any 1-glyphs when the row
    numbered 1 follows: `| / Hoàn thiện thể chế … / 1 / Rà soát …`). None when it fits neither."""
    if _GROUP_ROW.match(line) or _ROW_START.match(line) or _SUB_ROW.match(line):
        return None
    m = _OCR_MARKER.match(line)
    if m is None:
        return None
    tok, punct = m.group("tok"), m.group("punct")
    if tok.isdigit() and punct != ",":
        return None
    only_ones = not tok[0].isdigit() and all(c in _ONE_GLYPHS for c in tok)
    digits = "".join("1" if c in _ONE_GLYPHS else c for c in tok)
    # only 1-glyphs: the digit 1 read as one or two glyphs, 11, or the numerals II, III
    numbers = [1, int(digits)] if only_ones else [int(digits)] if digits.isdigit() else []
    fix = "." if punct == "," else punct
    if only_ones and one_follows:
        return line[:m.start("tok")] + "I" * len(tok) + fix + line[m.end("punct"):]
    for n in numbers:
        if n in (expected, expected + 1) or (in_group and n == 1):
            return line[:m.start("tok")] + str(n).ljust(len(tok)) + fix + line[m.end("punct"):]
    if only_ones and len(tok) >= 2:
        return line[:m.start("tok")] + "I" * len(tok) + fix + line[m.end("punct"):]
    return None


def find_line_tables(doc: Doc, start: int, end: int) -> list[tuple[int, int, list[_Row]]]:
    """Tables written one cell a line: (start, end, rows)."""
    text = doc.text
    lines = [(s, e, ln) for s, e, ln in iter_lines(text) if s >= start and e <= end and ln.strip()]
    tables = []
    i = 0
    while i < len(lines):
        opens = _numbers_column(lines[i][2], doc.ocr)
        if not opens and doc.ocr and _titles_without_number_column(lines, i):
            opens, i = True, i - 1      # `TT` read as noise (`aes`): the header opens at the titles
        if opens:
            j, known = _skip_header(lines, i, doc.ocr)
            if known >= 3:
                # rows numbered under their group (1.1, 1.2) only where a column names who leads:
                # a form's sections are numbered so too ("3.1. Bên trong", "3.2. Bên ngoài")
                lead_column = any(_LEAD_HEADER.search(fold(ln)) for _s, _e, ln in lines[i:j])
                rows, k = _collect_rows(lines, j, lead_column, doc.ocr)
                if rows:
                    tables.append((lines[i][0], lines[k - 1][1], rows))
                i = k
                continue
        i += 1
    return tables


def _titles_without_number_column(lines, i: int) -> bool:
    """Line i opens a run of column titles (three or more in the next eight lines, one of them who
    leads) after a line that is no title: a header whose `TT` OCR could not read."""
    if i == 0 or not is_column_header(lines[i][2]) or is_column_header(lines[i - 1][2]):
        return False
    titles = [ln for _s, _e, ln in lines[i:i + 8] if is_column_header(ln)]
    return len(titles) >= 3 and any(_LEAD_HEADER.search(fold(ln)) for ln in titles)


def _skip_header(lines, i, ocr: bool = False, expected: int = 1):
    """Past a header that starts at line i: (next line, how many header words it had). A group row
    (`V / Thực hiện hiệu quả công tác kiểm tra`) ends it: on a new page the group may open there."""
    j, known = i + 1, 0
    while j < len(lines) and j < i + 16:
        line = lines[j][2]
        if ocr:
            line = ocr_row_marker(line, expected, True) or line
        if _ROW_START.match(line) or _SUB_ROW.match(line) or (known >= 3 and _GROUP_ROW.match(line)):
            break
        known += is_column_header(line)
        j += 1
    return j, known


@dataclass
class _Numbering:
    """Which numbers may open the next row: 1, 2, 3 … (from 1 again after a group row `II`), or
    1.1, 1.2 … under a numbered group (`1. / Rà soát, hoàn thiện thể chế / 1.1 / Nghiên cứu …`)."""
    expected: int = 1
    in_group: bool = False
    sub_of: int | None = None
    sub_next: int = 1
    last_int: _Row | None = None      # the row a whole number opened last: a group's, if 1.1 follows

    def opens_sub_row(self, m: re.Match, rows: list[_Row]) -> bool:
        n, sub = int(m.group("n")), int(m.group("sub"))
        if self.sub_of == n and sub in (self.sub_next, self.sub_next + 1):
            self.sub_next = sub + 1
            return True
        group = rows[-1] if rows and rows[-1] is self.last_int else None
        if sub != 1 or not (n in (self.expected, self.expected + 1) or group):
            return False
        own = _ROW_START.match(group.lines[0][2]) if group else None
        if own is not None and own.group("n") == m.group("n"):
            rows.pop()            # the group's own row: its number and title, no task
        self.sub_of, self.sub_next, self.expected, self.in_group = n, 2, n + 1, False
        return True


def _row_numbers_after(lines, k: int, span: int):
    """The numbers of the rows that open in the `span` lines after line k."""
    for _s, _e, ln in lines[k + 1:k + 1 + span]:
        m = _ROW_START.match(ln)
        if m:
            yield int(m.group("n"))


def _one_follows(lines, k: int) -> bool:
    """The row numbered 1 opens next, within a few lines."""
    return next(_row_numbers_after(lines, k, 7), None) == 1


def _is_footnote(m: re.Match | None, line: str, num: _Numbering) -> bool:
    """`3 Chương trình số 12-CTr/BCĐ ...`: a footnote at a page's foot, no cell of the row."""
    return m is not None and int(m.group("n")) not in (num.expected, num.expected + 1) and len(line) > 60 \
        and (m.group("rest") or "")[:1].isupper()


def _opens_row(m: re.Match | None, num: _Numbering, first: bool) -> bool:
    """The line opens the next row. The first row of a table may have any number (`first`, checked
    by the caller): where OCR lost the header on the table's first page, the table is found at the
    next page's header."""
    if m is None or (m.group("rest") or "")[:1].isdigit():
        return False
    n = int(m.group("n"))
    return n in (num.expected, num.expected + 1) or (num.in_group and n == 1) or first


def _numbering_goes_on(lines, k: int, n: int) -> bool:
    """The row numbered n + 1 opens within the next lines: n numbers rows, not amounts in a cell."""
    return n + 1 in _row_numbers_after(lines, k, 79)


def _repeated_header(lines, k: int, ocr: bool) -> bool:
    """The header printed again on a new page (as OCR misreads `TT` only when a column title follows)."""
    return _numbers_column(lines[k][2], ocr) and (not ocr or k + 1 < len(lines) and is_column_header(lines[k + 1][2]))


def _collect_rows(lines, j, sub_rows: bool, ocr: bool = False):
    rows: list[_Row] = []
    num = _Numbering()
    k = j
    while k < len(lines):
        s, e, line = lines[k]
        if APPENDIX_RE.match(fold(line)):
            break               # the next appendix (`Phụ lục II`): the table ended with the last row
        if _repeated_header(lines, k, ocr):
            k, _ = _skip_header(lines, k, ocr, num.expected)
            continue
        if ocr and _OCR_MARKER.match(line):
            line = ocr_row_marker(line, num.expected, num.in_group, _one_follows(lines, k)) or line
        k += 1
        if _GROUP_ROW.match(line):
            # "II / Phân công, phân cấp …": a group of rows, numbered on or from 1 again; its
            # title is no cell of the row before
            num.in_group = True
            continue
        sub = _SUB_ROW.match(line) if sub_rows else None
        if sub and num.opens_sub_row(sub, rows):
            rows.append(_Row(s, e, [(s, e, line)]))
            continue
        m = _ROW_START.match(line)
        if _is_footnote(m, line, num):
            continue
        first = not rows and ocr and m is not None and _numbering_goes_on(lines, k - 1, int(m.group("n")))
        if m and _opens_row(m, num, first):
            rows.append(_Row(s, e, [(s, e, line)]))
            num.expected, num.in_group, num.last_int = int(m.group("n")) + 1, False, rows[-1]
        elif rows and not num.in_group:
            rows[-1].lines.append((s, e, line))
            rows[-1].end = e
    return rows, k


def _body_lines(row: _Row) -> list[tuple[int, int, str]]:
    """The row's lines past its number (`12 Rà soát …`: the words after the number open the task)."""
    first = _ROW_START.match(row.lines[0][2]) or _SUB_ROW.match(row.lines[0][2])
    body_lines = row.lines[1:]
    if first and first.group("rest"):
        off = row.lines[0][0] + first.start("rest")
        body_lines = [(off, row.lines[0][1], first.group("rest"))] + body_lines
    return body_lines


def _merged(first: list[Deadline], more: list[Deadline]) -> list[Deadline]:
    return first + [d for d in more if not any(x.date == d.date for x in first)]


@dataclass
class _LeadCells:
    name_end: int               # the line where the task's name ends and the lead cell opens
    chained: list[Found]        # the names of the lead cell and those listed after it
    numbered: tuple[list[str], int] | None = None   # a numbered lead cell's bodies and its end


def _lead_cells(doc: Doc, body_lines: list[tuple[int, int, str]], found: list[Found], row_end: int) -> _LeadCells:
    """Where the lead cell opens: at a name the gazetteer knows that fills a cell, an unnamed body
    before it, or a lead cell that numbers its bodies."""
    line_starts = {s + (len(ln) - len(ln.lstrip())): i for i, (s, _e, ln) in enumerate(body_lines)}
    cell_agencies = _cell_agencies(doc, found, body_lines, line_starts, row_end)
    # chained agencies of one cell: "Các bộ, ngành,\nUBND tỉnh, thành phố"
    cells = _LeadCells(line_starts[cell_agencies[0].start] if cell_agencies else len(body_lines),
                       [f for f in found if any(f.start >= c.start for c in cell_agencies[:1])])
    # a name the gazetteer knows at a line's start opens a cell: an unnamed body before it ends there
    cell_ends = sorted(f.start for f in found if f.start in line_starts) + [row_end]
    unnamed = _unnamed_lead_cell(doc, body_lines, cells.name_end, cell_ends)
    if unnamed is not None:
        cells.name_end, phrases, stop = unnamed
        cells.chained = [Found(p.start, p.end, p.name, "body") for p in phrases] + [f for f in found if f.start >= stop]
    numbered = _numbered_lead_cell(doc, body_lines, cells.name_end)
    if numbered is not None:
        # `1. Bộ Tài chính tổng kết … / 2. Bộ Tư pháp … tham mưu …`: each item's body leads its part
        cells.name_end, lead, cell_end = numbered
        cells.chained = [f for f in found if f.start >= cell_end]
        cells.numbered = (lead, cell_end)
    return cells


def row_task(doc: Doc, row: _Row, ctx: Context) -> Task | None:
    text = doc.text
    body_lines = _body_lines(row)
    if not body_lines:
        return None
    found = doc.agencies_in(body_lines[0][0], row.end)
    cells = _lead_cells(doc, body_lines, found, row.end)
    name_end = cells.name_end
    time_at = _time_cell_before_lead(doc, body_lines, name_end)
    lead_time = _tail_deadlines(doc, body_lines[time_at][0], body_lines[name_end - 1][1], ctx) if time_at else []
    name_span = (body_lines[0][0], body_lines[(time_at or name_end) - 1][1])
    lead, support, last_end = _lead_and_support(text, cells.chained)
    if cells.numbered is not None:
        numbered_lead, cell_end = cells.numbered
        # the support cell after it, named or not (`Các địa phương và cơ quan, đơn vị liên quan`)
        after = next((s for s, _e, _ln in body_lines if s > cell_end), None)
        phrases, stop = noun_phrases(doc, after, row.end) if after is not None else ([], cell_end)
        named = [p.name for p in phrases if p.kind in ("body", "collective")]
        lead, support = numbered_lead, [n for n in named or lead if n not in numbered_lead]
        lead_time = _merged(lead_time, _tail_deadlines(doc, body_lines[name_end][0], cell_end, ctx))
        last_end = max(last_end or cell_end, stop if named else cell_end)
    tail_from = len(body_lines)
    if last_end is not None:
        tail_from = next((i for i, (s, _e, _ln) in enumerate(body_lines) if s >= last_end), len(body_lines))
    tail = body_lines[tail_from:]
    deadlines = _merged(lead_time, _tail_deadlines(doc, tail[0][0], tail[-1][1], ctx) if tail else [])
    span = (name_span[0], row.end)
    return Task(collapse(text[span[0]:span[1]]), span, lead, support, deadlines)


# a time cell standing alone on its line: `Tháng 12/2026`, `Quý IV/2026`, `Năm 2026`, `2026 - 2027`,
# `Quý II/2026 và` (its cell wrapping on)
_TIME_CELL = re.compile(r"\s*(?:trong\s+|truoc\s+|den\s+)?(?:(?:thang|quy)\s+[0-9ivx]{1,4}\s*/?\s*20\d\d|nam\s+20\d\d|20\d\d(?:\s*[-–]\s*20\d\d)?)"
                        r"\s*(?:va|,)?\s*$")


_CELL_ITEM = re.compile(r"[ \t]*(?P<n>\d{1,2})[.)][ \t]+")


def _bodies_at(doc: Doc, at: int, end: int) -> list[Phrase]:
    """The bodies (named or collective) listed from `at`, when one opens right there."""
    phrases, _stop = noun_phrases(doc, at, end)
    if not phrases or phrases[0].start != at or phrases[0].kind not in ("body", "collective"):
        return []
    return [p for p in phrases if p.kind in ("body", "collective")]


def _opens_with_body(doc: Doc, line: tuple[int, int, str]) -> bool:
    s, e, ln = line
    return bool(_bodies_at(doc, s + len(ln) - len(ln.lstrip()), e))


def _numbered_lead_cell(doc: Doc, body_lines: list[tuple[int, int, str]], upto: int) -> tuple[int, list[str], int] | None:
    """A lead cell that numbers its bodies and their parts (`1. Bộ Tài chính tổng kết …` / `2. Bộ Tư
    pháp, các bộ, cơ quan tham mưu …`), after the task's first line and before the first cell the
    gazetteer opens: (its first line, the bodies, where the cell ends)."""
    for i in range(1, min(upto + 1, len(body_lines))):
        m = _CELL_ITEM.match(body_lines[i][2])
        if m is None or m.group("n") != "1":
            continue
        lead: list[str] = []
        k, expected = i, 1
        while k < len(body_lines):
            m = _CELL_ITEM.match(body_lines[k][2])
            if m is not None and int(m.group("n")) == expected:
                bodies = _bodies_at(doc, body_lines[k][0] + m.end(), body_lines[k][1])
                if not bodies:
                    break
                lead += [p.name for p in bodies if p.name not in lead]
                expected += 1
            elif _opens_with_body(doc, body_lines[k]) and not dangles(body_lines[k - 1][2]):
                break           # a body opens the line: the next cell
            k += 1
        if expected > 1:
            return i, lead, body_lines[k - 1][1]
    return None


def _time_cell_before_lead(doc: Doc, body_lines: list[tuple[int, int, str]], name_end: int) -> int | None:
    """A table whose time column stands before its lead column (`TT / Nhiệm vụ / Thời hạn / Cơ quan chủ
    trì`): the line after the task's first that is a time cell alone, where the name ends."""
    for i in range(1, name_end):
        s, e, _ln = body_lines[i]
        if _TIME_CELL.fullmatch(doc.folded, s, e) and not dangles(body_lines[i - 1][2]):
            return i
    return None


def _unnamed_lead_cell(doc: Doc, body_lines: list[tuple[int, int, str]], upto: int,
                       cell_ends: list[int]) -> tuple[int, list[Phrase], int] | None:
    """A lead cell before any the gazetteer names: a line after the task's first that opens
    with bodies filling the cell (`Các / bộ / ở / Trung ương,`, `Cơ sở khám / bệnh, chữa bệnh`),
    the line before it not stopping mid-phrase. (line index, phrases, where they end)"""
    for i in range(1, upto):
        s, _e, ln = body_lines[i]
        if not ln.lstrip()[:1].isupper() or dangles(body_lines[i - 1][2]):
            continue
        at = s + len(ln) - len(ln.lstrip())
        end = next(c for c in cell_ends if c > at)
        phrases, stop = noun_phrases(doc, at, end)
        if phrases and all(p.kind in ("body", "collective") for p in phrases) and \
                (re.match(r"[ \t,;.]*(?:\n|$)", doc.text[stop:end]) or (len(phrases) > 1 and _takes_lead(doc, stop, end))):
            return i, phrases, stop
    return None


_SPACE_CAPITAL = re.compile(r"[ \t]+(?=[A-ZĐÀ-Ỹ])")


def _next_cell_on_line(doc: Doc, pos: int, end: int) -> bool:
    """`Bộ Nông nghiệp và Môi trường Các bộ, cơ quan, địa`: the next cell's bodies follow the name on
    its line, after a space and a capital (two cells a PDF's text put on one line)."""
    m = _SPACE_CAPITAL.match(doc.text, pos, end)
    return m is not None and bool(_bodies_at(doc, m.end(), min(end, m.end() + 120)))


_TAKES_LEAD = re.compile(r"[ \t]*(?:chu tri|lam dau moi|dau moi|theo chuc nang)(?![0-9a-z])")


def _takes_lead(doc: Doc, pos: int, end: int) -> bool:
    """After the names of a lead cell, what they do in words: `Bộ Tư pháp chủ trì hướng dẫn`, `Bộ Nội
    vụ, Bộ Tài chính nghiên / cứu, hoàn thiện`, `Các Bộ: Tài chính, … theo chức năng, nhiệm vụ …`."""
    return bool(_TAKES_LEAD.match(doc.folded, pos, end)) or bool(doc.lexicon.agency_verb_re.match(doc.folded, pos, end))


def _cell_agencies(doc: Doc, found: list[Found], body_lines: list[tuple[int, int, str]],
                   line_starts: dict[int, int], row_end: int) -> list[Found]:
    """Agencies that fill a cell of their own. A cell may wrap over lines and holds a name by
    itself, so a column starts at a line that begins with an agency which ends at a line end."""
    text = doc.text

    def ends_cell(f: Found) -> bool:
        # the name, a remark in brackets after it ("Bộ Tư pháp (đối với ...)"), then the line ends;
        # or the name taking the lead in words (`Bộ Tư pháp chủ trì hướng dẫn, / tổng hợp, báo cáo`)
        m = re.compile(r"(?:\s*\([^()]{0,200}\))?[ \t,;]*(?:\n|$)").match(text, f.end, row_end)
        return bool(m) or f.end >= row_end or _takes_lead(doc, f.end, row_end) or _next_cell_on_line(doc, f.end, row_end)

    def chain_ends_cell(i: int) -> bool:
        # "Các bộ, cơ quan / ngang bộ, UBND / tỉnh, thành phố": names listed on from one
        # line's start, the last of them ending the cell
        j = i
        while j + 1 < len(found) and _LISTED_ON.fullmatch(text[found[j].end:found[j + 1].start]):
            if ends_cell(found[j]):
                return True
            j += 1
        return ends_cell(found[j])

    def continues_line_before(f: Found) -> bool:
        # "... Nghị quyết số 72-NQ/TW của / Bộ Chính trị": a cell does not end on a word that
        # needs what follows, so the name on the next line is still the task's text
        prev = body_lines[line_starts[f.start] - 1]
        return dangles(doc.text[prev[0]:prev[1]])

    return [f for i, f in enumerate(found) if f.start in line_starts and line_starts[f.start] >= 1
            and chain_ends_cell(i) and not continues_line_before(f)]


_LISTED_ON = re.compile(r"[\s,;]*(?:và|va)?[\s,;]*")


def _lead_and_support(text: str, chained: list[Found]) -> tuple[list[str], list[str], int | None]:
    """The lead cell's names, then the support cell's (a gap that is no list separator moves
    to the next cell), and where the last name read ends."""
    lead: list[str] = []
    support: list[str] = []
    last_end = None
    target = lead
    for f in chained:
        if last_end is not None:
            gap = re.sub(r"\([^()]*\)", " ", text[last_end:f.start])      # a remark on the name before
            if "," not in gap and ";" not in gap and not re.fullmatch(r"\s*(?:và|va)\s*", gap):
                if target is support:
                    break
                target = support
            if len(gap) > 3 and not _LISTED_ON.fullmatch(gap):
                break
        if f.canonical not in lead and f.canonical not in support:
            target.append(f.canonical)
        last_end = f.end
    return lead, support, last_end


def _tail_deadlines(doc: Doc, ts: int, te: int, ctx: Context) -> list[Deadline]:
    """The time cell after the names: a span of years ends on the last one's 31 December."""
    text, joined = doc.text, doc.folded[ts:te]
    deadlines = [Deadline(date(int(m.group(2)), 12, 31).isoformat(), text[ts + m.start(): ts + m.end()], "period_end", None,
                          (ts + m.start(), ts + m.end())) for m in _RANGE_YEARS.finditer(joined)]
    for d in read_deadlines(text[ts:te], joined, ctx, time_cell=True):
        d.span = (d.span[0] + ts, d.span[1] + ts)
        if not any(x.date == d.date for x in deadlines) and not any(x.span[0] <= d.span[0] < x.span[1] for x in deadlines):
            deadlines.append(d)
    return deadlines


_PIPE_ROLES = (
    ("number", re.compile(r"^(?:s?tt|so tt|so)$")),
    ("time", re.compile(r"(?:thoi gian|thoi han|tien do|^ngay|han hoan thanh|moc)")),
    ("support", re.compile(r"^(?:co quan |don vi )?phoi hop$")),
    ("lead", re.compile(r"(?:chu tri|^(?:don vi |co quan |nguoi |bo phan )?thuc hien|phu trach|dau moi|^don vi|^co quan|^bo phan)")),
    ("work", re.compile(r"(?:noi dung|cong viec|nhiem vu|hoat dong|^ten|cong tac|viec)")),
)


@dataclass
class TableRow:
    task: Task
    lead_given: bool          # the lead came from a lead cell (else the scope's)


def pipe_header(folded_line: str) -> list[str] | None:
    """The role of each column of a pipe table's header row (`TT | Nội dung | Thời gian | Đơn vị
    chủ trì/phối hợp`), or None when the line is no header (it opens with a row number)."""
    cells = [re.sub(r"[^a-z/ ]+", " ", c).strip() for c in folded_line.split("|")]
    if not cells or re.fullmatch(r"\d{1,3}", cells[0]) or re.match(r"^\s*\d", folded_line):
        return None
    roles = []
    for c in cells:
        c = re.sub(r"\s+", " ", c)
        role = next((r for r, rx in _PIPE_ROLES if rx.search(c)), "other")
        if role == "lead" and "phoi hop" in c:
            role = "lead_support"
        roles.append(role)
    return roles


def is_descriptive(roles: list[str]) -> bool:
    """A table that names no work, time or lead column lists things; it assigns nothing."""
    return not any(r in ("work", "time", "lead", "lead_support") for r in roles)


def _cells(line: str, start: int) -> list[tuple[int, int]]:
    out, pos = [], start
    for part in line.split("|"):
        lead = len(part) - len(part.lstrip())
        out.append((pos + lead, pos + len(part.rstrip())))
        pos += len(part) + 1
    return out


def _cell_deadlines(doc: Doc, cs: int, ce: int, ctx: Context) -> list[Deadline]:
    """A time cell: a range or a bare date gives its last day; words (`Trước ngày 27/6/2026`) are
    read like prose; a bare period (`Quý IV/2026`) counts in a time column."""
    folded = doc.folded[cs:ce]
    dates = re.findall(r"\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{4})?", folded)
    if dates and len(re.sub(r"[\d/\s\-–.]|den|tu|ngay", "", folded)) <= 3:
        probe = "truoc ngay " + dates[-1]
        return [Deadline(d.date, doc.text[cs:ce].strip(), "absolute", None, (cs, ce))
                for d in read_deadlines(probe, probe, ctx)]
    out = read_deadlines(doc.text[cs:ce], folded, ctx, time_cell=True)
    for d in out:
        d.span = (d.span[0] + cs, d.span[1] + cs)
    return out


def _lead_cell(doc: Doc, cs: int, ce: int) -> tuple[list[str], list[str]]:
    """Names of a lead cell (`Phòng Đào tạo; Trung tâm QLCL`), first the lead, then the rest."""
    names: list[str] = []
    pos = cs
    for piece in re.split(r"[;,]", doc.text[cs:ce]):
        phrases, _ = noun_phrases(doc, pos, pos + len(piece))
        if phrases:
            names.extend(p.name for p in phrases)
        elif piece.strip():
            names.append(collapse(piece))
        pos += len(piece) + 1
    names = [n[:1].upper() + n[1:] for n in dict.fromkeys(names) if n]
    return names, []


def pipe_row(doc: Doc, s: int, e: int, roles: list[str] | None, ctx: Context) -> TableRow | None:
    """`1 | 24/03/2014 | P.ĐTĐH gửi danh sách ...`: the time column is the deadline, the work
    column the task's text, the lead column (if any) its lead."""
    cells = _cells(doc.text[s:e], s)
    if roles is None or len(roles) != len(cells):
        roles = [_guess_role(doc, cs, ce) for cs, ce in cells]
    deadlines: list[Deadline] = []
    lead: list[str] = []
    support: list[str] = []
    for (cs, ce), role in zip(cells, roles):
        if cs >= ce:
            continue
        if role == "time":
            deadlines.extend(_cell_deadlines(doc, cs, ce, ctx))
        elif role in ("lead", "lead_support"):
            names, _ = _lead_cell(doc, cs, ce)
            lead, support = (names[:1], names[1:]) if role == "lead" else (names, [])
        elif role == "support":
            support = _lead_cell(doc, cs, ce)[0]
    work = [c for c, r in zip(cells, roles) if r == "work" and c[1] > c[0]] or \
        sorted((c for c, r in zip(cells, roles) if r == "other"), key=lambda c: c[0] - c[1])[:1]
    if not work or work[0][1] - work[0][0] < 3:
        return None
    task = Task(collapse(doc.text[s:e]), (s, e), lead, support, deadlines)
    return TableRow(task, bool(lead))


def _guess_role(doc: Doc, cs: int, ce: int) -> str:
    cell = doc.folded[cs:ce].strip()
    if re.fullmatch(r"\d{1,3}", cell):
        return "number"
    dates = re.findall(r"\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{4})?", cell)
    if dates and len(re.sub(r"[\d/\s\-–.]|den|tu|ngay", "", cell)) <= 3:
        return "time"
    return "other"
