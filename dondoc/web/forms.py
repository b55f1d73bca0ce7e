"""What people type into forms, read the Vietnamese way, and shown back the same way.

Dates are written `dd/mm/yyyy` (also `d/m/yy`, `10-7-2026`, `10.7.2026`, `ngày 10 tháng 7 năm
2026` and ISO `2026-07-10`) and always shown `dd/mm/yyyy`. A value that cannot be read is a
`FieldError` naming the field, so the page shows the message beside it and keeps everything else
the user typed.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

DATE_HINT = "dd/mm/yyyy"
_DMY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_WORDS = re.compile(r"^(?:ngày\s*)?(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})$", re.IGNORECASE)


class FieldError(ValueError):
    """A value a user typed that cannot be used: `field` is the form field's name."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def parse_date(value: str | None, field: str = "") -> date | None:
    """A date as Vietnamese offices write it; None when empty."""
    text = " ".join((value or "").split()).strip(" .,;")
    if not text:
        return None
    m = _DMY.match(text)
    if m:
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if len(m.group(3)) == 2:
            year += 2000
    else:
        m = _ISO.match(text) or _WORDS.match(text)
        if not m:
            raise FieldError(field, f"“{value}” không phải là ngày (viết {DATE_HINT}, ví dụ 10/07/2026)")
        if m.re is _ISO:
            year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
        else:
            day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    try:
        return date(year, month, day)
    except ValueError:
        raise FieldError(field, f"không có ngày {day:02d}/{month:02d}/{year}") from None


def parse_dates(value: str | None, field: str = "") -> list[date]:
    """Several dates, separated by commas, semicolons or new lines (or spaces between numeric dates)."""
    out: list[date] = []
    for piece in re.split(r"[,;\n]+", value or ""):
        piece = piece.strip()
        if not piece:
            continue
        words = piece.split()
        if len(words) > 1 and all(_DMY.match(w) or _ISO.match(w) for w in words):
            out.extend(d for w in words if (d := parse_date(w, field)))
        else:
            d = parse_date(piece, field)
            if d:
                out.append(d)
    return out


def vndate(value: date | datetime | str | None) -> str:
    """`dd/mm/yyyy` (an ISO string is read first); empty for None."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value.strftime("%d/%m/%Y")


_ISO_IN_TEXT = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def vndates(text: str | None) -> str:
    """Free text (a history entry, a change note) with its ISO dates written dd/mm/yyyy."""
    return _ISO_IN_TEXT.sub(r"\3/\2/\1", text or "")


def vntime(value: datetime | None, tz: str = "Asia/Ho_Chi_Minh") -> str:
    """`HH:MM dd/mm/yyyy` in the office's time (stored times are UTC)."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(ZoneInfo(tz)).strftime("%H:%M %d/%m/%Y")


def parse_int(value: str | None, field: str, what: str) -> int | None:
    text = (value or "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise FieldError(field, f"{what} phải là số nguyên dương, không phải “{value}”")
    return int(text)


ORIG = "__orig"      # beside each field, the value it had when the page was made


def edited(f, name: str) -> bool:
    """Did the user change this field? (A field sent without its original counts as changed.)
    Only changed fields are written: a stale page must not put back what it merely showed."""
    if name not in f:
        return False
    if name + ORIG not in f:
        return True
    def norm(v):
        return (v or "").replace("\r\n", "\n").strip()
    return norm(f.get(name)) != norm(f.get(name + ORIG))


def shown(stored) -> str:
    if isinstance(stored, (date, datetime)):
        return vndate(stored)
    return "" if stored is None else str(stored)


class FormState:
    """What a page's form fields show: after a refused save, what the user typed; else the
    stored values. Templates ask `fs.val(name, stored)` and `fs.error(name)`.

    Beside each field the page keeps the value it started from (`fs.orig`) and the record's
    version (`fs.version`), so a save writes only what the user changed and is refused when that
    record changed meanwhile. After such a refusal (`rebased`) they are the stored ones again:
    the user sees what changed, and saving their kept input then applies it knowingly."""

    def __init__(self, submitted=None, errors: dict | None = None, rebased: bool = False):
        self.submitted = submitted
        self.errors = errors or {}
        self.rebased = rebased

    def val(self, name: str, stored="") -> str:
        if self.submitted is not None and name in self.submitted:
            return self.submitted.get(name, "")
        return shown(stored)

    def orig(self, name: str, stored="") -> str:
        key = name + ORIG
        if self.submitted is not None and not self.rebased and key in self.submitted:
            return self.submitted.get(key, "")
        return shown(stored)

    def version(self, name: str, stored) -> str:
        if self.submitted is not None and not self.rebased and name in self.submitted:
            return self.submitted.get(name, "")
        return shown(stored)

    def checked(self, name: str, stored: bool = False) -> bool:
        if self.submitted is not None:
            return bool(self.submitted.get(name))
        return stored

    def error(self, name: str) -> str | None:
        return self.errors.get(name)
