"""The two books an office keeps of incoming documents (NĐ 30/2020/NĐ-CP, appendix IV), as
rows of plain values (dates stay dates: a spreadsheet shows them as dates).

- Sổ đăng ký văn bản đến: one row per registered dispatch, in số đến order.
- Sổ theo dõi giải quyết văn bản đến: one row per task under tracking; the reply document that
  fulfils it is its evidence.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..domain.register import SECRECY_LABELS, URGENCY_LABELS, Secrecy, Urgency
from ..storage import models as m
from . import evidence
from .scope import EVERYTHING, Scope
from ..domain import CLASS_LABELS, STATUS_LABELS, Status, classify, current_due


@dataclass(frozen=True)
class Column:
    title: str
    width: int                 # characters, for a spreadsheet
    kind: str = "text"         # text | date | number


INCOMING = (Column("Ngày đến", 12, "date"), Column("Số đến", 9, "number"), Column("Tác giả", 34),
            Column("Số, ký hiệu", 20), Column("Ngày tháng văn bản", 12, "date"), Column("Tên loại và trích yếu", 60),
            Column("Đơn vị hoặc người nhận", 30), Column("Ngày chuyển", 12, "date"), Column("Ký nhận", 14),
            Column("Ghi chú", 30), Column("Độ khẩn", 12), Column("Độ mật", 10))

RESOLUTION = (Column("Số đến", 9, "number"), Column("Tên loại, số, ký hiệu, ngày tháng và cơ quan ban hành", 48),
              Column("Đơn vị hoặc người nhận", 40), Column("Thời hạn giải quyết", 14, "date"),
              Column("Tiến độ giải quyết", 30), Column("Số, ký hiệu văn bản trả lời", 24), Column("Ghi chú", 40),
              Column("Nhiệm vụ", 70))

BATCH = 1000


def _receiver(d: m.Dispatch) -> str:
    return " — ".join(x for x in (d.handler_unit, d.handler_person) if x)


def incoming_rows(dispatches: Iterable[m.Dispatch]) -> Iterator[list]:
    for d in dispatches:
        kind_subject = " ".join(x for x in (d.kind, d.subject) if x)
        yield [d.arrival_date, d.arrival_number, d.issuer or "", d.number or "", d.issued, kind_subject,
               _receiver(d), d.handed_on, "", d.register_note or "", URGENCY_LABELS[Urgency(d.urgency)],
               SECRECY_LABELS[Secrecy(d.secrecy)]]


def _document_line(d: m.Dispatch) -> str:
    issued = f"ngày {d.issued:%d/%m/%Y}" if d.issued else ""
    return ", ".join(x for x in (" ".join(y for y in (d.kind, d.number) if y), issued, d.issuer or "") if x)


def _receivers(t: m.Task) -> str:
    lead, support = t.names("lead"), t.names("support")
    parts = []
    if lead:
        parts.append("Chủ trì: " + "; ".join(lead))
    if support:
        parts.append("Phối hợp: " + "; ".join(support))
    return ". ".join(parts)


def _progress(t: m.Task, today: date) -> str:
    cls = classify(t, today)
    text = f"{STATUS_LABELS[Status(t.status)]} — {CLASS_LABELS[cls]}"
    if t.completed_on:
        text += f" ({t.completed_on:%d/%m/%Y})"
    return text


def resolution_rows(tasks: Iterable[m.Task], today: date) -> Iterator[list]:
    for t in tasks:
        d = t.dispatch
        extended = [x for x in t.deadlines if x.original_due and x.due and x.original_due != x.due]
        notes = [f"gia hạn từ {x.original_due:%d/%m/%Y}" for x in extended]
        notes += [e.note for e in evidence.live(t) if e.note and e.dispatch_id is None]
        yield [d.arrival_number, _document_line(d), _receivers(t), current_due(t.deadlines), _progress(t, today),
               evidence.reply_numbers(t), "; ".join(notes), t.shown_text]


def registered(session: Session, ids: list[int] | None = None) -> Iterator[m.Dispatch]:
    """Registered dispatches (with số đến) in register order, a batch at a time."""
    stmt = select(m.Dispatch).where(m.Dispatch.arrival_number.is_not(None), m.Dispatch.confirmed)
    if ids is not None:
        stmt = stmt.where(m.Dispatch.id.in_(ids))
    yield from session.scalars(stmt.order_by(m.Dispatch.arrival_year, m.Dispatch.arrival_number)
                               .execution_options(yield_per=BATCH))


def _task_batch(session: Session, stmt, ids: list[int]) -> list[m.Task]:
    rows = session.scalars(stmt.where(m.Task.id.in_(ids))).all()
    place = {i: k for k, i in enumerate(ids)}
    return sorted(rows, key=lambda t: place[t.id])


def tracked_tasks(session: Session, ids: list[int] | None = None, scope: Scope = EVERYTHING) -> Iterator[m.Task]:
    """The tasks under tracking that `scope` holds — all of them by id, or those of `ids` in that
    order — a batch at a time, so an export of the whole register holds only one batch in memory."""
    stmt = (select(m.Task).join(m.Dispatch, m.Task.dispatch_id == m.Dispatch.id)
            .where(m.Dispatch.confirmed, scope.tasks_clause(m.Task.id))
            .options(selectinload(m.Task.deadlines), selectinload(m.Task.agencies).selectinload(m.TaskAgency.agency),
                     selectinload(m.Task.dispatch), selectinload(m.Task.evidence).selectinload(m.Evidence.dispatch)))
    if ids is not None:
        for k in range(0, len(ids), BATCH):
            yield from _task_batch(session, stmt, ids[k:k + BATCH])
            session.expunge_all()
        return
    last = 0
    while True:
        rows = session.scalars(stmt.where(m.Task.id > last).order_by(m.Task.id).limit(BATCH)).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].id
        session.expunge_all()
