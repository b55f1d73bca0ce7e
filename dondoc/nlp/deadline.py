"""Deadlines as dispatches write them, read from the folded text of one task.

Every parser takes the folded text (see `fold.fold`: same offsets as the original) and the date
of issue, and returns `Deadline`s whose spans point into that text. Styles:
  absolute    trước ngày 20/11/2024, chậm nhất ngày 15 tháng 12 năm 2023, trước ngày 20/5
  period_end  đến hết năm 2020, trong năm 2024, trong tháng 3/2024, quý II/2024, 6 tháng đầu năm
  relative    trong thời hạn 10 ngày (làm việc) kể từ ngày nhận được văn bản
  recurring   định kỳ 6 tháng ..., hằng quý, hằng tháng, trước ngày 30/11 hằng năm
OCR without Vietnamese garbles the trigger words (`trudc ngay`, `ndm`), so their vowels are
matched loosely; digits are not guessed.
"""
from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from .record import Deadline

# Loose forms of the few words that carry dates; each tolerates OCR's vowel garbling.
_NGAY = r"ng[a-z0-9]{0,2}y"            # ngày
_THANG = r"th[a-z0-9]{1,2}ng"          # tháng
_NAM = r"n[a-z0-9&@]{1,2}m"            # năm
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
CELL_MONTH_RE = re.compile(rf"\b{_THANG}\s+(?P<m>\d{{1,2}})\s*(?:/|{_NAM})\s*(?P<y>\d{{4}})")
CELL_YEAR_RE = re.compile(rf"(?:^|\b{_NAM}\s+|[\s(])(?P<y>20\d\d)(?![\d/\-–]|\s*[-–]\s*\d)")
QUARTER_RE = re.compile(rf"\bqu[yi]\s+(?P<q>iv|iii|ii|i|[1-4])\b\s*(?:/|{_NAM}|-)\s*(?P<y>\d{{4}})")
HALF_RE = re.compile(rf"\b6 {_THANG} (?P<which>dau|cuoi) {_NAM}(?: (?P<y>\d{{4}}))?")
RELATIVE_RE = re.compile(
    rf"\b(?:trong\s+(?:th[o0][a-z0-9]?i h[a-z0-9]n\s+|v[o0]ng\s+)?|ch[a-z0-9]m nh[a-z0-9]t\s+(?:l[a-z0-9]\s+)?|sau\s+)"
    rf"(?P<n>\d{{1,3}})\s+(?P<unit>{_NGAY}(?: l[a-z0-9]m vi[e3]c)?|tu[a-z0-9]n|{_THANG})"
    rf"(?:\s*,?\s*(?:k[e3] t[u]|t[i]nh t[u]|t[u]))?"
)
RECURRING_RE = re.compile(
    rf"\b(?:d[i]nh k[y]\s+)?(?:h[a-z0-9]ng|m[o0]i)\s+(?P<unit>{_THANG}|qu[y]|{_NAM}|tu[a-z0-9]n)\b|\bd[i]nh k[y]\s+(?P<six>6 {_THANG}|s[a-z0-9]u {_THANG}|{_THANG}|qu[y]|{_NAM})"
)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def _last_day(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _year_for(m: int, d: int, issued: date | None, year: int | None) -> int | None:
    """Year of a day-month date: the document's; next year if that would fall well before issue."""
    if year is None:
        return None
    y = year
    if issued is not None:
        cand = _safe_date(y, m, d)
        if cand is not None and (issued - cand).days > 45:
            y += 1
    return y


def _date_from_match(m: re.Match, issued: date | None, year: int | None) -> date | None:
    g = m.groupdict()
    d, mo, y = (g.get("d"), g.get("m"), g.get("y")) if g.get("d") else (g.get("d2"), g.get("m2"), g.get("y2"))
    if not d or not mo:
        return None
    d, mo = int(d), int(mo)
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    yy = int(y) if y else _year_for(mo, d, issued, year)
    if yy is None or not (1990 <= yy <= 2100):
        return None
    return _safe_date(yy, mo, d)


def _overlaps(span, taken) -> bool:
    return any(span[0] < e and s < span[1] for s, e in taken)


def parse_absolute(folded: str, issued: date | None, year: int | None) -> list[Deadline]:
    out = []
    for m in ABSOLUTE_RE.finditer(folded):
        dt = _date_from_match(m, issued, year)
        if dt:
            out.append(Deadline(dt.isoformat(), "", "absolute", None, m.span()))
    return out


def parse_period_range(folded: str, issued: date | None, year: int | None) -> list[Deadline]:
    """`từ ngày 30/4 đến hết ngày 02/5/2026`: the last day of the period."""
    out = []
    for m in PERIOD_RANGE_RE.finditer(folded):
        rest = m.group("rest")
        sub = re.match(rf"{DATE}", rest)
        dt = _date_from_match(sub, issued, year) if sub else None
        if dt:
            out.append(Deadline(dt.isoformat(), "", "absolute", None, m.span()))
    return out


def parse_period_end(folded: str, issued: date | None, year: int | None) -> list[Deadline]:
    out = []
    for m in YEAR_END_RE.finditer(folded):
        y = int(m.group("y"))
        if 1990 <= y <= 2100:
            out.append(Deadline(date(y, 12, 31).isoformat(), "", "period_end", None, m.span()))
    for m in MONTH_RE.finditer(folded):
        mo, y = int(m.group("m")), int(m.group("y"))
        if 1 <= mo <= 12 and 1990 <= y <= 2100:
            out.append(Deadline(_last_day(y, mo).isoformat(), "", "period_end", None, m.span()))
    for m in QUARTER_RE.finditer(folded):
        q = m.group("q")
        q = int(q) if q.isdigit() else _ROMAN[q]
        y = int(m.group("y"))
        out.append(Deadline(_last_day(y, q * 3).isoformat(), "", "period_end", None, m.span()))
    for m in HALF_RE.finditer(folded):
        y = int(m.group("y")) if m.group("y") else year
        if y:
            mo = 6 if m.group("which") == "dau" else 12
            out.append(Deadline(_last_day(y, mo).isoformat(), "", "period_end", None, m.span()))
    return out


def _add_working_days(start: date, n: int) -> date:
    d = start
    while n > 0:
        d += timedelta(days=1)
        if d.weekday() < 5:
            n -= 1
    return d


def parse_relative(folded: str, issued: date | None) -> list[Deadline]:
    """A period counted from receipt or signature, counted here from the date of issue."""
    out = []
    for m in RELATIVE_RE.finditer(folded):
        anchored = bool(re.search(r"k[e3] t[u]|t[i]nh t[u]|nh[a-z0-9]n d[u][a-z0-9]{0,2}c|ban h[a-z0-9]nh|k[y]\b", folded[m.start(): m.end() + 60]))
        if not anchored:
            continue
        n, unit = int(m.group("n")), m.group("unit")
        if issued is None:
            out.append(Deadline(None, "", "relative", None, m.span()))
            continue
        if unit.startswith("th"):
            mo = issued.month - 1 + n
            y, mo = issued.year + mo // 12, mo % 12 + 1
            dt = _safe_date(y, mo, min(issued.day, calendar.monthrange(y, mo)[1]))
        elif unit.startswith("tu"):
            dt = issued + timedelta(weeks=n)
        elif "vi" in unit:
            dt = _add_working_days(issued, n)
        else:
            dt = issued + timedelta(days=n)
        out.append(Deadline(dt.isoformat(), "", "relative", None, m.span()))
    return out


def recurrence_rule(folded: str) -> tuple[str, tuple[int, int]] | None:
    """The recurrence a task states, if any: monthly, quarterly, half_yearly or yearly."""
    m = RECURRING_RE.search(folded)
    if not m:
        return None
    unit = m.group("unit") or m.group("six")
    if unit.startswith("6") or unit.startswith("s"):
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


def expand_recurring(rule: str, issued: date | None, year: int | None) -> list[date]:
    """Occurrences with no day given: each period end from issue to year end (monthly, weekly:
    the first one only)."""
    if year is None:
        return []
    start = issued or date(year, 1, 1)
    if rule == "quarterly":
        ends = [_last_day(year, m) for m in (3, 6, 9, 12)]
    elif rule == "half_yearly":
        ends = [_last_day(year, 6), _last_day(year, 12)]
    elif rule == "yearly":
        ends = [date(year, 12, 31)]
    elif rule == "monthly":
        ends = [_last_day(start.year, start.month)]
        if ends[0] <= start:
            nm = start.month % 12 + 1
            ends = [_last_day(start.year + (start.month == 12), nm)]
        return ends
    elif rule == "weekly":
        return [start + timedelta(days=(6 - start.weekday()) or 7)]
    else:
        return []
    return [d for d in ends if d >= start]


def parse_time_cell(folded: str) -> list[Deadline]:
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


def find_deadlines(text: str, folded: str, issued: date | None, year: int | None = None,
                   time_cell: bool = False) -> list[Deadline]:
    """All deadlines stated in one task's text (original and folded forms, same offsets).
    `time_cell`: the text is a time column or a "Thời gian ...:" value, where bare periods count."""
    year = year or (issued.year if issued else None)
    found: list[Deadline] = []
    taken: list[tuple[int, int]] = []
    for parser in (
        lambda: parse_period_range(folded, issued, year),
        lambda: parse_absolute(folded, issued, year),
        lambda: parse_relative(folded, issued),
        lambda: parse_period_end(folded, issued, year),
    ):
        for d in parser():
            if not _overlaps(d.span, taken):
                taken.append(d.span)
                found.append(d)
    if time_cell and not found:
        for d in parse_time_cell(folded):
            if not _overlaps(d.span, taken):
                taken.append(d.span)
                found.append(d)
    rec = recurrence_rule(folded)
    # "thường xuyên" (continuously) is no deadline; a recurrence is one when something is due
    due = re.search(r"bao cao|gui|nop|tong hop|dinh k[y]|truoc ngay", folded) and not re.search(r"thuong xuyen", folded)
    if rec and (found or due):
        rule, span = rec
        if found:
            # explicit days with a recurrence ("trước ngày 30/11 hằng năm"): keep the days, mark the rule
            for d in found:
                if d.kind == "absolute":
                    d.kind, d.rule = "recurring", rule
        else:
            for dt in expand_recurring(rule, issued, year):
                found.append(Deadline(dt.isoformat(), "", "recurring", rule, span))
    for d in found:
        if d.span:
            d.source = text[d.span[0]: d.span[1]].strip()
    found.sort(key=lambda d: d.span or (0, 0))
    return found
