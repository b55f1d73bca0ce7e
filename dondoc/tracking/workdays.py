"""The office's working-day calendar: the domain's calendar with the days an administrator
entered (swapped and compensatory days, local days off), kept in `calendar_days`."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain import DayChange, DayKind, WorkingCalendar
from ..storage import models as m


def entered_days(session: Session) -> list[m.CalendarDay]:
    return list(session.scalars(select(m.CalendarDay).order_by(m.CalendarDay.day)))


def working_calendar(session: Session) -> WorkingCalendar:
    """The calendar every count of working days in dondoc uses."""
    return WorkingCalendar(DayChange(r.day, DayKind(r.kind), r.note) for r in entered_days(session))


def set_day(session: Session, day: date, kind: str, note: str, actor: str) -> m.CalendarDay:
    """Make `day` a day off or a working day (replacing what was entered for it before)."""
    try:
        k = DayKind(kind)
    except ValueError:
        raise ValueError(f"loại ngày không hợp lệ: {kind}") from None
    row = session.scalar(select(m.CalendarDay).where(m.CalendarDay.day == day))
    if row is None:
        row = m.CalendarDay(day=day)
        session.add(row)
    row.kind, row.note, row.created_by = k.value, (note or "").strip()[:300], actor
    return row


def remove_day(session: Session, day: date) -> bool:
    row = session.scalar(select(m.CalendarDay).where(m.CalendarDay.day == day))
    if row is None:
        return False
    session.delete(row)
    return True
