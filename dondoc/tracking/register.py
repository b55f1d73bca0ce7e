"""The review of an incoming dispatch and its line in the office's register (NĐ 30/2020/NĐ-CP,
art. 22 and appendix IV).

A dispatch is pending until a clerk confirms it: only then are its tasks obligations anyone
tracks. Confirming registers it: it gets số đến, the office's own sequence of the year (a number
read from a stamp or an envelope is only a proposal the clerk may keep), and ngày đến. A clerk
may instead refuse it (not a document this office tracks); it can be put back for review.
"""
from __future__ import annotations

from datetime import date, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..domain import REVIEW_LABELS, Review
from ..storage import models as m
from ..storage.models import utcnow


class RegisterError(ValueError):
    """A register entry that cannot be made, said in Vietnamese."""


def _event(d: m.Dispatch, actor: str, field: str, old, new, reason: str | None = None) -> None:
    d.history.append(m.DispatchEvent(actor=actor, field=field, old=None if old is None else str(old),
                                     new=None if new is None else str(new), reason=reason))


def next_arrival_number(session: Session, year: int) -> int:
    """The next số đến of `year` in the office's sequence."""
    return (session.scalar(select(func.max(m.Dispatch.arrival_number)).where(m.Dispatch.arrival_year == year)) or 0) + 1


def number_taken(session: Session, year: int, number: int, but: int | None = None) -> m.Dispatch | None:
    stmt = select(m.Dispatch).where(m.Dispatch.arrival_year == year, m.Dispatch.arrival_number == number)
    if but is not None:
        stmt = stmt.where(m.Dispatch.id != but)
    return session.scalar(stmt)


def received_on(d: m.Dispatch, tz: str) -> date:
    """Ngày đến when the clerk gave none: the day the file reached the office, office time."""
    at = d.document.created_at if d.document is not None and d.document.created_at else utcnow()
    if at.tzinfo is None:               # SQLite gives back UTC without its zone
        at = at.replace(tzinfo=timezone.utc)
    return at.astimezone(ZoneInfo(tz)).date()


def confirm(session: Session, d: m.Dispatch, actor: str, tz: str = "Asia/Ho_Chi_Minh",
            number: int | None = None) -> None:
    """Put a dispatch under tracking and register it. `number`: the số đến the clerk chose (a
    stamp's or an envelope's); by default the next of the year. A number already given in the
    year is refused."""
    if d.review == Review.CONFIRMED:
        return
    d.arrival_date = d.arrival_date or received_on(d, tz)
    year = d.arrival_date.year
    if d.arrival_number is None or d.arrival_year != year:
        _assign_number(session, d, year, number)
    old = REVIEW_LABELS[Review(d.review)]
    d.review = Review.CONFIRMED
    d.reviewed_by, d.reviewed_at = actor, utcnow()
    d.refusal_reason = None
    _event(d, actor, "soát xét", old, REVIEW_LABELS[Review.CONFIRMED], f"số đến {d.arrival}")


def _assign_number(session: Session, d: m.Dispatch, year: int, number: int | None) -> None:
    if number is not None:
        if number < 1:
            raise RegisterError("số đến phải là số dương")
        other = number_taken(session, year, number, but=d.id)
        if other is not None:
            raise RegisterError(f"số đến {number}/{year} đã cấp cho văn bản {other.number or '#' + str(other.id)}")
        d.arrival_year, d.arrival_number = year, number
        return
    # two clerks registering at once: the unique (year, number) refuses one, who takes the next
    session.flush()
    for _ in range(20):
        candidate = next_arrival_number(session, year)
        try:
            with session.begin_nested():
                d.arrival_year, d.arrival_number = year, candidate
                session.flush()
            return
        except IntegrityError:
            continue
    raise RegisterError("không cấp được số đến, vui lòng thử lại")


def refuse(session: Session, d: m.Dispatch, actor: str, reason: str) -> None:
    """Not a document the office tracks (a duplicate, a misdirected one): its tasks are never
    obligations. The reason is required."""
    if not reason or not reason.strip():
        raise RegisterError("cần nêu lý do từ chối")
    if d.review == Review.CONFIRMED:
        raise RegisterError("văn bản đã được xác nhận và đang theo dõi; không từ chối được")
    old = REVIEW_LABELS[Review(d.review)]
    d.review = Review.REFUSED
    d.reviewed_by, d.reviewed_at = actor, utcnow()
    d.refusal_reason = reason.strip()
    _event(d, actor, "soát xét", old, REVIEW_LABELS[Review.REFUSED], reason.strip())


def reopen(session: Session, d: m.Dispatch, actor: str) -> None:
    """A refused dispatch back in the review queue."""
    if d.review != Review.REFUSED:
        raise RegisterError("chỉ văn bản đã từ chối mới đưa lại soát xét được")
    d.review = Review.PENDING
    d.reviewed_by, d.reviewed_at = actor, utcnow()
    _event(d, actor, "soát xét", REVIEW_LABELS[Review.REFUSED], REVIEW_LABELS[Review.PENDING], None)


def proposed_entry(doc: m.Document | None) -> dict:
    """The số đến and ngày đến a reader found on the document — an incoming stamp's
    (`meta["stamp"]`: number, date) or an edXML envelope's (`meta["edxml"]`: arrival_number,
    arrival_date) — as a proposal the clerk checks: {"number", "date", "source"}; empty if none."""
    meta = (doc.meta if doc is not None else None) or {}
    for key, number_key, date_key, source in (("stamp", "number", "date", "dấu “Đến” trên văn bản"),
                                               ("edxml", "arrival_number", "arrival_date", "gói tin edXML")):
        found = meta.get(key) or {}
        number = str(found.get(number_key) or "").strip()
        if number.isdigit():
            day = None
            try:
                day = date.fromisoformat(str(found.get(date_key))[:10]) if found.get(date_key) else None
            except ValueError:
                pass
            return {"number": int(number), "date": day, "source": source}
    return {}


def pending_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(m.Dispatch).where(m.Dispatch.review == Review.PENDING)) or 0
