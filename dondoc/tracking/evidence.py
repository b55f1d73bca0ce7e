"""Evidence of a task, whatever its status: progress reports count as much as the final one.

A task holds any number of pieces: files (original names kept), notes, and dispatches the office
received — the reply document whose số ký hiệu the Sổ theo dõi giải quyết văn bản đến records.
Every addition and removal is in the task's history; a removed piece stays, marked removed.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..storage import models as m
from ..storage.models import utcnow


class EvidenceError(ValueError):
    """Evidence that cannot be added or removed, said in Vietnamese."""


def _event(task: m.Task, actor: str, field: str, old: str | None, new: str | None, reason: str | None = None) -> None:
    task.history.append(m.TaskEvent(actor=actor, field=field, old=old, new=new, reason=reason))


def describe(e: m.Evidence) -> str:
    if e.dispatch_id:
        d = e.dispatch
        return f"văn bản {d.number or '#' + str(d.id)}" + (f" của {d.issuer}" if d and d.issuer else "") if d else "văn bản"
    if e.filename:
        return f"tệp {e.filename}" + (f" ({e.note})" if e.note else "")
    return e.note or ""


def add_file(task: m.Task, actor: str, filename: str, stored_path: str, mime: str | None, size: int,
             note: str | None = None) -> m.Evidence:
    e = m.Evidence(filename=filename[:300], stored_path=stored_path, mime=mime, size=size, note=note or None, added_by=actor)
    task.evidence.append(e)
    _event(task, actor, "minh chứng", None, describe(e))
    return e


def add_note(task: m.Task, actor: str, note: str) -> m.Evidence:
    if not note or not note.strip():
        raise EvidenceError("ghi chú minh chứng trống")
    e = m.Evidence(note=note.strip(), added_by=actor)
    task.evidence.append(e)
    _event(task, actor, "minh chứng", None, e.note)
    return e


def link_dispatch(task: m.Task, actor: str, dispatch: m.Dispatch, note: str | None = None) -> m.Evidence:
    """An ingested document (a report, the reply) as evidence of `task`."""
    if dispatch.id == task.dispatch_id:
        raise EvidenceError("không lấy chính văn bản giao nhiệm vụ làm minh chứng")
    if any(e.live and e.dispatch_id == dispatch.id for e in task.evidence):
        raise EvidenceError(f"văn bản {dispatch.number or '#' + str(dispatch.id)} đã là minh chứng của nhiệm vụ này")
    e = m.Evidence(dispatch=dispatch, note=note or None, added_by=actor)
    task.evidence.append(e)
    _event(task, actor, "minh chứng", None, describe(e))
    return e


def remove(e: m.Evidence, actor: str, reason: str) -> None:
    if not e.live:
        raise EvidenceError("minh chứng này đã được bỏ")
    if not reason or not reason.strip():
        raise EvidenceError("cần nêu lý do bỏ minh chứng")
    e.removed_by, e.removed_at, e.removed_reason = actor, utcnow(), reason.strip()
    _event(e.task, actor, "bỏ minh chứng", describe(e), None, reason.strip())


def live(task: m.Task) -> list[m.Evidence]:
    return [e for e in task.evidence if e.live]


def find_reply(session: Session, written: str) -> m.Dispatch | None:
    """A received dispatch named by its số ký hiệu (`1201/SLĐTBXH-TTr`) or its số đến (`15/2026`)."""
    text = " ".join((written or "").split())
    if not text:
        return None
    d = session.scalar(select(m.Dispatch).where(m.Dispatch.number == text).order_by(m.Dispatch.id.desc()))
    if d is None and "/" in text:
        number, _, year = text.partition("/")
        if number.isdigit() and year.isdigit():
            d = session.scalar(select(m.Dispatch).where(m.Dispatch.arrival_number == int(number),
                                                        m.Dispatch.arrival_year == int(year)))
    return d


def reply_numbers(task: m.Task) -> str:
    """The số ký hiệu of the documents that answer a task, for the register."""
    return "; ".join(e.dispatch.number or f"#{e.dispatch.id}" for e in live(task) if e.dispatch is not None)
