"""Working days of a Vietnamese public office, as a pure calculation over data passed in.

Monday to Friday are working days, less the public holidays Vietnam's law gives (Tết included,
with the compensatory days and swapped Saturdays of the government's yearly decisions), which
the maintained `holidays` package knows; plus the days an administrator enters for the year
(a swapped or compensatory day the package does not know yet, a local day off). What the admin
entered wins over the package.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import holidays

WEEKDAY_NAMES = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


class DayKind(StrEnum):
    """An admin's entry for one day."""
    OFF = "off"         # a day off that would be a working day (nghỉ bù, nghỉ hoán đổi)
    WORK = "work"       # a working day that would be a day off (làm bù)

    @property
    def label(self) -> str:
        return DAY_KIND_LABELS[self]


DAY_KIND_LABELS: dict[DayKind, str] = {DayKind.OFF: "Ngày nghỉ thêm", DayKind.WORK: "Ngày làm việc bù"}


@dataclass(frozen=True)
class DayChange:
    day: date
    kind: DayKind
    note: str = ""


class WorkingCalendar:
    """Is a day a working day, and counting in working days (`N ngày làm việc`)."""

    def __init__(self, changes: Iterable[DayChange] = (), country: str = "VN"):
        self._changes = {c.day: c for c in changes}
        self._country = country
        self._holidays: holidays.HolidayBase | None = None
        self._known: dict[date, bool] = {}

    @property
    def _public(self) -> holidays.HolidayBase:
        # deferred: every extraction builds a calendar, few count working days with it, and the
        # package takes a tenth of a second to import (start-up time of every command)
        if self._holidays is None:
            import holidays
            self._holidays = holidays.country_holidays(self._country, language="vi")
        return self._holidays

    def is_working_day(self, day: date) -> bool:
        known = self._known.get(day)
        if known is None:
            change = self._changes.get(day)
            if change is not None:
                known = change.kind == DayKind.WORK
            else:
                _ = day in self._public          # loads the year, its swapped Saturdays with it
                known = self._public.is_working_day(day)
            self._known[day] = known
        return known

    def public_holidays(self, year: int) -> list[tuple[date, str]]:
        """The year's public holidays and compensatory days off the package knows, with their names."""
        _ = date(year, 1, 1) in self._public       # loads the year
        return sorted((d, str(n)) for d, n in self._public.items() if d.year == year)

    def swapped_working_days(self, year: int) -> list[date]:
        """The year's weekend days worked in exchange for a day off, as the package knows them."""
        _ = date(year, 1, 1) in self._public
        return sorted(d for d in self._public.weekend_workdays if d.year == year)

    def why_off(self, day: date) -> str | None:
        """Why a day is not a working day, in Vietnamese (None on a working day)."""
        if self.is_working_day(day):
            return None
        change = self._changes.get(day)
        if change is not None:
            return change.note or DayKind.OFF.label
        return self._public.get(day) or WEEKDAY_NAMES[day.weekday()]

    def next_working_day(self, day: date) -> date:
        """`day` itself when it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start` (before it when n < 0); `start` itself for n = 0.
        `trong 10 ngày làm việc kể từ ngày nhận` is `add_working_days(received, 10)`: the day of
        receipt is not counted."""
        step = timedelta(days=1 if n >= 0 else -1)
        day, left = start, abs(n)
        while left:
            day += step
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (negative when `end` is before
        `start`): a task due on `start` and done on `end` is that many working days late."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(1 for i in range(1, (end - start).days + 1) if self.is_working_day(start + timedelta(days=i)))
