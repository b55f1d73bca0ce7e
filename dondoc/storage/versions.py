"""No lost update: every editable record carries a version (models.Versioned).

A form or an API call says which version it was made from; a save made from an older one is
refused with who saved the record last, when and what they changed, so the user can re-apply
their input. Every change to a task or a dispatch is written as a history event; the event is
what marks its record as saved (one listener, so no edit path can forget to).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import event
from sqlalchemy.orm import Session

from . import models as m
from .models import utcnow

NOTE_LIMIT = 400


@dataclass
class StaleEdit(Exception):
    """A save made from a version older than the stored one."""
    what: str                      # the record, in Vietnamese ("Nhiệm vụ #12")
    by: str | None
    at: datetime | None
    change: str | None
    saves_since: int

    def message(self, when: str) -> str:
        """`when`: the time of the last save as the page shows times."""
        who = self.by or "người khác"
        more = f" (và {self.saves_since - 1} lần lưu khác trước đó)" if self.saves_since > 1 else ""
        what = f": {self.change}" if self.change else ""
        return (f"Chưa lưu: {self.what} đã được {who} sửa lúc {when}{what}{more}, sau khi bạn mở trang. "
                "Nội dung bạn nhập vẫn còn dưới đây; xem lại bản mới rồi lưu lại.")


def check(record: m.Versioned, submitted, what: str) -> None:
    """Raise StaleEdit unless `submitted` (the version the form or request was made from; None
    when the caller did not say) is the record's current version."""
    if submitted in (None, ""):
        return
    try:
        given = int(submitted)
    except (TypeError, ValueError):
        given = -1
    if given != record.version:
        raise StaleEdit(what, record.updated_by, record.updated_at, record.change_note,
                        max(1, record.version - given) if given > 0 else 1)


def touch(record: m.Versioned, actor: str, note: str) -> None:
    """Mark a record saved by `actor` (its version moves on at the next flush)."""
    record.updated_by = actor
    record.updated_at = utcnow()
    record.change_note = note[:NOTE_LIMIT]


def describe(ev: m.TaskEvent | m.DispatchEvent) -> str:
    if ev.old and ev.new:
        return f"{ev.field}: {ev.old} → {ev.new}"
    return f"{ev.field}: {ev.new or ev.old or ''}".rstrip(": ")


@event.listens_for(Session, "before_flush")
def _events_mark_their_records(session: Session, flush_context, instances) -> None:
    notes: dict[int, tuple[m.Versioned, str, list[str]]] = {}
    for obj in session.new:
        if isinstance(obj, m.TaskEvent):
            record: m.Versioned | None = obj.task
        elif isinstance(obj, m.DispatchEvent):
            record = obj.dispatch
        else:
            continue
        if record is None:
            continue
        entry = notes.setdefault(id(record), (record, obj.actor, []))
        entry[2].append(describe(obj))
    for record, actor, parts in notes.values():
        touch(record, actor, "; ".join(parts))
