"""Deadlines as dispatches write them, read from the folded text of one task or table cell.

Every parser takes the folded text (see `fold.fold`: same offsets as the original) and a
`Context` (date and year of issue, the working-day calendar) and returns `Deadline`s whose spans
point into that text. `PARSERS` is the one registry prose, tables and meta lines all go through,
in order (an earlier parser's span wins over a later one's):
  range       từ ngày 30/4 đến hết ngày 02/5/2026 (its last day)
  absolute    trước ngày 20/11/2024, chậm nhất ngày 15 tháng 12 năm 2023, trước ngày 20/5
  relative    trong thời hạn 10 ngày (làm việc) kể từ ngày nhận được văn bản (from issue);
              kể từ ngày kết thúc đợt kiểm tra (an event of unknown day: no date, the event kept)
  weekday     vào thứ Năm hằng tuần, định kỳ thứ Hai hàng tuần (the first such day after issue)
  sitting     tại phiên họp tháng 9 năm 2022, kỳ họp ... (dự kiến tháng 12/2017) (the month's end)
  period_end  đến hết năm 2020, trong năm 2024, trong tháng 3/2024, quý II/2024, 6 tháng đầu năm
  cell        in a time column only: a bare period (Tháng 8/2026, 2026)
and then recurrences (định kỳ 6 tháng, hằng quý, hằng tháng, trước ngày 30/11 hằng năm) mark or
expand what was found. OCR without Vietnamese garbles the trigger words (`trudc ngay`, `ndm`),
so their vowels are matched loosely; digits are not guessed.
"""
from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Protocol

from ..domain import WorkingCalendar
from .record import Deadline

# Loose forms of the few words that carry dates; each tolerates OCR's vowel garbling.
_NGAY = r"ng[a-z0-9]{0,2}y"            # ngày
_THANG = r"th[a-z0-9]{1,2}ng"          # tháng
_NAM = r"n(?!h)[a-z0-9&@]{1,2}m"       # năm, garbled by OCR (`ndm`); `nhầm`, `nhóm` are other words
_TRUOC = r"tr[u][a-z0-9]{1,3}"         # trước (trudc, trude)
_SEP = r"\s*[/.\-]\s*"

TRIGGER = (
    rf"(?:{_TRUOC}|ch[a-z0-9]m nh[a-z0-9]t(?: l[a-z0-9])?|h[a-z0-9]n ch[o0]t|h[a-z0-9]n|"
    rf"d[e3]n(?: h[e3]t)?|xong|trong|h[o0][a-z0-9]n th[a-z0-9]nh(?: tr[a-z0-9]{{1,3}})?|k[e3]t th[u][c]|v[a-z0-9]o)"
)
_DMY = rf"(?P<d>\d{{1,2}}){_SEP}(?P<m>\d{{1,2}})(?:{_SEP}(?P<y>\d{{4}}))?(?!\d)"
_DMY_WORDS = rf"(?P<d2>\d{{1,2}})\s+{_THANG}\s+(?P<m2>\d{{1,2}})(?:\s*(?:{_NAM}|/)\s*(?P<y2>\d{{4}}))?"
DATE = rf"(?:{_NGAY}\s+)?(?:{_DMY}|{_DMY_WORDS})"

ABSOLUTE_RE = re.compile(rf"\b{TRIGGER}\s+(?:(?:c[a-z0-9]c|h[e3]t)\s+)?{DATE}")
PERIOD_RANGE_RE = re.compile(
    rf"\bt[u][a-z0-9]?\s+{DATE}\s*(?:-|–|den(?: het)?(?: {_NGAY})?)\s*(?P<end>{_NGAY}\s+)?(?P<rest>\d{{1,2}}(?:{_SEP}\d{{1,2}}(?:{_SEP}\d{{4}})?|\s+{_THANG}\s+\d{{1,2}}(?:\s+{_NAM}\s+\d{{4}})?))"
)
YEAR_END_RE = re.compile(
    rf"\b(?:d[e3]n h[e3]t|d[e3]n|trong|cu[o0]i|h[o0][a-z0-9]n th[a-z0-9]nh(?: trong)?|tr[u][a-z0-9]{{1,3}}|tr[o0]ng c[a-z0-9]{{1,2}})\s+{_NAM}\s+(?P<y>\d{{4}})(?![\d/]|\s*[-–]\s*\d{{4}})"
)
MONTH_RE = re.compile(rf"(?<!\d\s)\b(?:trong\s+|tr[u][a-z0-9]{{1,3}}\s+|den het\s+|h[o0][a-z0-9]n th[a-z0-9]nh\s+(?:trong\s+)?)(?:{_THANG})\s+(?P<m>\d{{1,2}})\s*(?:/|{_NAM})\s*(?P<y>\d{{4}})")
# In a time column or a "Thời gian hoàn thành:" line the period stands alone ("Tháng 8/2026", "2026").
# a time cell may list months of one year ("Tháng 11, 12/2013"): the last one ends it
CELL_MONTH_RE = re.compile(rf"\b{_THANG}\s+(?:\d{{1,2}}\s*(?:,|va|-|–)\s*)*(?P<m>\d{{1,2}})\s*(?:/|{_NAM})\s*(?P<y>\d{{4}})")
CELL_YEAR_RE = re.compile(rf"(?:^|\b{_NAM}\s+|[\s(])(?P<y>20\d\d)(?![\d/\-–]|\s*[-–]\s*\d)")
# the quarter's numeral as OCR reads its I with the glyphs of 1 (`Quy 11/2026` for Quý II/2026)
QUARTER_RE = re.compile(rf"\bqu[yi]\s+(?P<q>[1l]{{2,3}}|[1l]v|iv|iii|ii|i|l|[1-4])\b\s*(?:/|{_NAM}|-)\s*(?P<y>\d{{4}})")
HALF_RE = re.compile(rf"\b6 {_THANG} (?P<which>dau|cuoi) {_NAM}(?: (?P<y>\d{{4}}))?")
RELATIVE_RE = re.compile(
    rf"\b(?:trong\s+(?:th[o0][a-z0-9]?i h[a-z0-9]n\s+|v[o0]ng\s+)?|ch[a-z0-9]m nh[a-z0-9]t\s+(?:l[a-z0-9]\s+)?|sau\s+|kh[o0]ng qu[a-z0-9]\s+)"
    rf"(?P<n>\d{{1,3}})\s+(?:\([^)]{{1,20}}\)\s+)?(?P<unit>{_NGAY}(?: l[a-z0-9]m vi[e3]c)?|tu[a-z0-9]n|{_THANG})"
)
# what a relative period is counted from: the text's own issue or receipt, or another event
_FROM_RE = re.compile(r"\s*[,(]?\s*(?:k[e3] t[u]|t[i]nh t[u]|t[u])\s+(?:ng[a-z0-9]{0,2}y\s+|khi\s+|thoi diem\s+)?(?P<event>[^.;:)\n]{0,80})")
_FROM_ISSUE_RE = re.compile(r"(?:nh[a-z0-9]n d[u][a-z0-9]{0,2}c|ban h[a-z0-9]nh|k[y]\b|van ban (?:nay )?co hieu luc|phat hanh)")
_WEEKDAYS = {"hai": 0, "ba": 1, "tu": 2, "nam": 3, "sau": 4, "bay": 5}
WEEKDAY_RE = re.compile(r"\bth[u]\s+(?P<wd>hai|ba|tu|nam|sau|bay)\s+(?:h[a-z0-9]ng|m[o0]i)\s+tu[a-z0-9]n\b")
MONTHDAY_RE = re.compile(r"\bng[a-z0-9]y\s+(?P<d>\d{1,2})\s+(?:h[a-z0-9]ng|m[o0]i)\s+th[a-z0-9]ng\b")
SITTING_RE = re.compile(
    rf"\b(?:t[a-z0-9]i|v[a-z0-9]o)\s+(?:phi[e3]n h[o0]p|k[y] h[o0]p|cu[o0]c h[o0]p|h[o0]i ngh[i1])\b[^.;()]{{0,60}}?"
    rf"(?:\(\s*d[u][a-z0-9]? ki[e3]n[^)]{{0,30}}?)?{_THANG}\s+(?P<m>\d{{1,2}})\s*(?:/|\s+{_NAM}\s+)\s*(?P<y>\d{{4}})")
RECURRING_RE = re.compile(
    rf"\b(?:d[i]nh k[y]\s+)?(?:h[a-z0-9]ng|m[o0]i)\s+(?P<unit>{_THANG}|qu[y]|{_NAM}|tu[a-z0-9]n)\b|\bd[i]nh k[y]\s+(?P<six>6 {_THANG}|s[a-z0-9]u {_THANG}|{_THANG}|qu[y]|{_NAM})"
)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


class Calendar(Protocol):
    def add_working_days(self, start: date, n: int) -> date: ...


@lru_cache(maxsize=1)
def _public_calendar() -> Calendar:
    """Vietnam's working days with its public holidays, when the office passes in no calendar of
    its own (the admin's swapped and compensatory days: `tracking.workdays.working_calendar`)."""
    return WorkingCalendar()


@dataclass(frozen=True)
class Context:
    """What dates are read against: the date of issue, its year, the working-day calendar."""
    issued: date | None
    year: int | None
    calendar: Calendar = field(default_factory=_public_calendar)

    @classmethod
    def of(cls, issued: date | None, year: int | None = None, calendar: Calendar | None = None) -> Context:
        return cls(issued, year or (issued.year if issued else None), calendar or _public_calendar())


def _last_day(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _year_for(m: int, d: int, ctx: Context) -> int | None:
    """Year of a day-month date: the document's; next year if that would fall well before issue."""
    if ctx.year is None:
        return None
    y = ctx.year
    if ctx.issued is not None:
        cand = _safe_date(y, m, d)
        if cand is not None and (ctx.issued - cand).days > 45:
            y += 1
    return y


def _date_from_match(m: re.Match, ctx: Context) -> date | None:
    g = m.groupdict()
    d, mo, y = (g.get("d"), g.get("m"), g.get("y")) if g.get("d") else (g.get("d2"), g.get("m2"), g.get("y2"))
    if not d or not mo:
        return None
    d, mo = int(d), int(mo)
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    yy = int(y) if y else _year_for(mo, d, ctx)
    if yy is None or not (1990 <= yy <= 2100):
        return None
    return _safe_date(yy, mo, d)


def parse_range(folded: str, ctx: Context) -> list[Deadline]:
    """`từ ngày 30/4 đến hết ngày 02/5/2026`: the last day of the period."""
    out = []
    for m in PERIOD_RANGE_RE.finditer(folded):
        sub = re.match(rf"{DATE}", m.group("rest"))
        dt = _date_from_match(sub, ctx) if sub else None
        if dt:
            out.append(Deadline(dt.isoformat(), "", "absolute", None, m.span()))
    return out


def parse_absolute(folded: str, ctx: Context) -> list[Deadline]:
    out = []
    for m in ABSOLUTE_RE.finditer(folded):
        dt = _date_from_match(m, ctx)
        if dt:
            out.append(Deadline(dt.isoformat(), "", "absolute", None, m.span()))
    return out


def _count(start: date, n: int, unit: str, cal: Calendar) -> date | None:
    if unit.startswith("th"):
        mo = start.month - 1 + n
        y, mo = start.year + mo // 12, mo % 12 + 1
        return _safe_date(y, mo, min(start.day, calendar.monthrange(y, mo)[1]))
    if unit.startswith("tu"):
        return start + timedelta(weeks=n)
    if "vi" in unit:
        return cal.add_working_days(start, n)
    return start + timedelta(days=n)


# what a receipt or signature may name after it and still be this text's: its kind, "này"
_THIS_TEXT_RE = re.compile(r"\s*(?:ban hanh\s*)?(?:(?:cong van|van ban|ke hoach|quyet dinh|thong bao|chi thi|nghi quyet|thong tu)\s*)?"
                           r"(?:nay\s*)?(?:$|[,(–-])")


def _counts_from_this_text(event: str) -> bool:
    """`kể từ ngày nhận được Công văn này`, `… ngày ký`: from this text's own issue; `kể từ ngày
    nhận được văn bản đề nghị của UBND xã`, `… nhận đủ hồ sơ`: from another text's receipt, an
    event of unknown day."""
    m = _FROM_ISSUE_RE.match(event)
    return m is not None and bool(_THIS_TEXT_RE.match(event, m.end()))


def parse_relative(folded: str, ctx: Context) -> list[Deadline]:
    """A period counted from receipt or signature is counted from the date of issue; counted
    from another event (`kể từ ngày kết thúc đợt kiểm tra`) it has no date: the event is kept
    as its condition. A period counted from nothing is no deadline (`trong 10 ngày đầu tháng`)."""
    out = []
    for m in RELATIVE_RE.finditer(folded):
        frm = _FROM_RE.match(folded, m.end())
        if not frm:
            continue
        event = frm.group("event").rstrip(" ,")
        span = (m.start(), frm.start("event") + len(event))
        event = event.strip()
        if not _counts_from_this_text(event):
            out.append(Deadline(None, "", "relative", None, span, condition=event))
            continue
        dt = _count(ctx.issued, int(m.group("n")), m.group("unit"), ctx.calendar) if ctx.issued else None
        out.append(Deadline(dt.isoformat() if dt else None, "", "relative", None, span))
    return out


def parse_weekday(folded: str, ctx: Context) -> list[Deadline]:
    """`vào thứ Sáu hàng tuần`: the first such weekday after issue (later ones follow weekly)."""
    out = []
    for m in WEEKDAY_RE.finditer(folded):
        if ctx.issued is None:
            out.append(Deadline(None, "", "recurring", "weekly", m.span()))
            continue
        wd = _WEEKDAYS[m.group("wd")]
        ahead = (wd - ctx.issued.weekday()) % 7 or 7
        out.append(Deadline((ctx.issued + timedelta(days=ahead)).isoformat(), "", "recurring", "weekly", m.span()))
    return out


def parse_monthday(folded: str, ctx: Context) -> list[Deadline]:
    """`trước ngày 25 hằng tháng`: the first such day after issue (later ones follow monthly)."""
    out = []
    for m in MONTHDAY_RE.finditer(folded):
        day = int(m.group("d"))
        if not 1 <= day <= 31:
            continue
        first = None
        if ctx.issued is not None:
            y, mo = ctx.issued.year, ctx.issued.month
            for _ in range(3):          # this month, else the next that has the day
                if day <= calendar.monthrange(y, mo)[1] and date(y, mo, day) > ctx.issued:
                    first = date(y, mo, day)
                    break
                y, mo = (y + 1, 1) if mo == 12 else (y, mo + 1)
        out.append(Deadline(first.isoformat() if first else None, "", "recurring", "monthly", m.span()))
    return out


def parse_sitting(folded: str, ctx: Context) -> list[Deadline]:
    """`báo cáo tại phiên họp tháng 9 năm 2022`: by the end of the sitting's month."""
    out = []
    for m in SITTING_RE.finditer(folded):
        mo, y = int(m.group("m")), int(m.group("y"))
        if 1 <= mo <= 12 and 1990 <= y <= 2100:
            out.append(Deadline(_last_day(y, mo).isoformat(), "", "period_end", None, m.span()))
    return out


# a strategy's or programme's horizon, part of its name ("Chiến lược … đến năm 2030, tầm nhìn đến năm 2045")
_HORIZON_BEFORE = re.compile(r"(?:tam nhin|dinh huong)\s*$")
_HORIZON_AFTER = re.compile(r"\s*(?:,|va)?\s*(?:tam nhin|dinh huong)\s+(?:den|toi)?\s*" + _NAM + r"\s+\d{4}")


def _horizon(folded: str, m: re.Match) -> bool:
    return bool(_HORIZON_BEFORE.search(folded, max(0, m.start() - 14), m.start())
                or _HORIZON_AFTER.match(folded, m.end()))


def parse_period_end(folded: str, ctx: Context) -> list[Deadline]:
    out = []
    for m in YEAR_END_RE.finditer(folded):
        y = int(m.group("y"))
        if 1990 <= y <= 2100 and not _horizon(folded, m):
            out.append(Deadline(date(y, 12, 31).isoformat(), "", "period_end", None, m.span()))
    for m in MONTH_RE.finditer(folded):
        mo, y = int(m.group("m")), int(m.group("y"))
        if 1 <= mo <= 12 and 1990 <= y <= 2100:
            out.append(Deadline(_last_day(y, mo).isoformat(), "", "period_end", None, m.span()))
    for m in QUARTER_RE.finditer(folded):
        q = m.group("q")
        qn = int(q) if q in "1234" else _ROMAN[q.replace("1", "i").replace("l", "i")]
        out.append(Deadline(_last_day(int(m.group("y")), qn * 3).isoformat(), "", "period_end", None, m.span()))
    for m in HALF_RE.finditer(folded):
        half_year = int(m.group("y")) if m.group("y") else ctx.year
        if half_year:
            mo = 6 if m.group("which") == "dau" else 12
            out.append(Deadline(_last_day(half_year, mo).isoformat(), "", "period_end", None, m.span()))
    return out


def parse_time_cell(folded: str, ctx: Context) -> list[Deadline]:
    """A time column or a "Thời gian hoàn thành:" value, where a bare period is the deadline."""
    out = []
    for m in CELL_MONTH_RE.finditer(folded):
        mo, y = int(m.group("m")), int(m.group("y"))
        if 1 <= mo <= 12:
            out.append(Deadline(_last_day(y, mo).isoformat(), "", "period_end", None, m.span()))
    if not out:
        for m in CELL_YEAR_RE.finditer(folded):
            out.append(Deadline(date(int(m.group("y")), 12, 31).isoformat(), "", "period_end", None, m.span("y")))
            break
    return out


@dataclass(frozen=True)
class Parser:
    name: str
    parse: Callable[[str, Context], list[Deadline]]
    cells_only: bool = False     # a bare period is a deadline only in a time column


PARSERS: tuple[Parser, ...] = (
    Parser("range", parse_range),
    Parser("absolute", parse_absolute),
    Parser("relative", parse_relative),
    Parser("weekday", parse_weekday),
    Parser("monthday", parse_monthday),
    Parser("sitting", parse_sitting),
    Parser("period_end", parse_period_end),
    Parser("cell", parse_time_cell, cells_only=True),
)


def recurrence_rule(folded: str) -> tuple[str, tuple[int, int]] | None:
    """The recurrence a task states, if any: weekly, monthly, quarterly, half_yearly or yearly."""
    m = RECURRING_RE.search(folded)
    if not m:
        return None
    unit = m.group("unit") or m.group("six")
    if unit.startswith(("6", "s")):
        rule = "half_yearly"
    elif unit.startswith("qu"):
        rule = "quarterly"
    elif unit.startswith("tu"):
        rule = "weekly"
    elif unit.startswith("th"):
        rule = "monthly"
    else:
        rule = "yearly"
    return rule, m.span()


def expand_recurring(rule: str, ctx: Context) -> list[date]:
    """Occurrences with no day given: each period end from issue to year end (monthly, weekly:
    the first one only)."""
    year = ctx.year
    if year is None:
        return []
    start = ctx.issued or date(year, 1, 1)
    if rule == "monthly":
        end = _last_day(start.year, start.month)
        if end <= start:
            end = _last_day(start.year + (start.month == 12), start.month % 12 + 1)
        return [end]
    if rule == "weekly":
        return [start + timedelta(days=(6 - start.weekday()) or 7)]
    months = {"quarterly": (3, 6, 9, 12), "half_yearly": (6, 12), "yearly": (12,)}.get(rule, ())
    return [d for d in (_last_day(year, m) for m in months) if d >= start]


_DUE_WORDS = re.compile(r"bao cao|gui|nop|tong hop|dinh k[y]|truoc ngay")


def _apply_recurrence(folded: str, found: list[Deadline], ctx: Context) -> None:
    """`thường xuyên` (continuously) is no deadline; a recurrence is one when something is due."""
    rec = recurrence_rule(folded)
    if not rec or rec[0] == "weekly" and any(d.rule == "weekly" for d in found):
        return
    if not (found or _DUE_WORDS.search(folded)) or re.search(r"thuong xuyen", folded):
        return
    rule, span = rec
    if found:
        # explicit days with a recurrence ("trước ngày 30/11 hằng năm"): keep the days, mark the rule
        for d in found:
            if d.kind == "absolute":
                d.kind, d.rule = "recurring", rule
        return
    for dt in expand_recurring(rule, ctx):
        found.append(Deadline(dt.isoformat(), "", "recurring", rule, span))


def _overlaps(span, taken) -> bool:
    return any(span[0] < e and s < span[1] for s, e in taken)


def read_deadlines(text: str, folded: str, ctx: Context, time_cell: bool = False) -> list[Deadline]:
    """All deadlines stated in one task's text (original and folded forms, same offsets).
    `time_cell`: the text is a time column or a "Thời gian ...:" value, where bare periods count."""
    found: list[Deadline] = []
    taken: list[tuple[int, int]] = []
    for parser in PARSERS:
        if parser.cells_only and (not time_cell or found):
            continue
        for d in parser.parse(folded, ctx):
            if not _overlaps(d.span, taken):
                taken.append(d.span)
                found.append(d)
    _apply_recurrence(folded, found, ctx)
    for d in found:
        d.source = text[d.span[0]: d.span[1]].strip()
        if d.condition:        # the event as written (the parser read its folded form)
            d.condition = text[d.span[1] - len(d.condition): d.span[1]]
    found.sort(key=lambda d: d.span)
    return found


def find_deadlines(text: str, folded: str, issued: date | None, year: int | None = None,
                   time_cell: bool = False, calendar: Calendar | None = None) -> list[Deadline]:
    """`read_deadlines` with the context built from the date (and year) of issue."""
    return read_deadlines(text, folded, Context.of(issued, year, calendar), time_cell)
