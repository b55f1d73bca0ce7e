"""Status messages owed to the senders of edXML messages, kept in the database until written.

What a sender is told follows from the dispatch's state, by one rule (`due_codes`): arrived when
stored (01), received and registered (03) and assigned (04) when a clerk confirms it, in progress
(05) when any of its tasks is, done (06) when every task is, refused (02) when the clerk refuses
it — and should the clerk take the refusal back and confirm it after all, received and assigned
follow (the sender must not be left believing it refused). Each status is owed once per message: `queue` records what the state calls for in the
writer's transaction's wake, `send` writes what is owed into the gateway's folder (kept for the
next pass when the folder cannot be written). A writer calls `sync` with the dispatches it
changed, the watch folder calls `flush` after every pass; neither fails the caller: a gateway's
folder being away must not undo a clerk's work.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..config import Settings
from ..domain import Review, Status
from ..storage import models as m
from ..storage.db import session_scope
from . import status as st
from .model import Organ, ResponseFor, StaffInfo, StatusMessage

log = logging.getLogger(__name__)


def _review(d: m.Dispatch) -> Review:
    """The dispatch's review state (a confirmed flag before review states were stored)."""
    review = getattr(d, "review", None)
    if review is not None:
        return Review(review)
    return Review.CONFIRMED if d.confirmed else Review.PENDING


def due_codes(d: m.Dispatch | None) -> list[str]:
    """The statuses a dispatch's state calls for, in the order they are told."""
    if d is None:
        return [st.ARRIVED]
    review = _review(d)
    if review == Review.REFUSED:
        return [st.ARRIVED, st.REFUSED]
    codes = [st.ARRIVED]
    if review != Review.CONFIRMED:
        return codes
    codes += [st.RECEIVED, st.ASSIGNED]
    states = [Status(t.status) for t in d.tasks]
    if states and all(s == Status.DONE for s in states):
        codes.append(st.DONE)
    elif any(s in (Status.IN_PROGRESS, Status.DONE) for s in states):
        codes.append(st.IN_PROGRESS)
    return codes


def describe(code: str, d: m.Dispatch | None) -> str:
    """The Description a status carries: what happened, in the office's words."""
    base = st.CODES[code]
    if d is None:
        return base
    if code == st.ARRIVED:
        return "Đã đến: phần mềm quản lý văn bản đã nhận, văn thư chưa xử lý"
    if code == st.RECEIVED:
        arrival = getattr(d, "arrival", "")
        return f"{base}, số đến {arrival}" if arrival else base
    if code == st.ASSIGNED:
        leads = list(dict.fromkeys(n for t in d.tasks for n in t.names("lead")))
        return f"{base}: chủ trì {'; '.join(leads)}" if leads else base
    if code in (st.IN_PROGRESS, st.DONE):
        done = sum(1 for t in d.tasks if t.status == Status.DONE)
        return f"{base}: {done}/{len(d.tasks)} nhiệm vụ đã hoàn thành"
    if code == st.REFUSED:
        reason = getattr(d, "refusal_reason", None)
        return f"{base}: {reason}" if reason else base
    return base


def _closed():
    """Messages nothing more is owed to: told done, or told refused while the dispatch stays so."""
    done = select(m.EdxmlStatus.message_id).where(m.EdxmlStatus.code == st.DONE)
    refused = (select(m.EdxmlStatus.message_id)
               .join(m.EdxmlMessage, m.EdxmlMessage.id == m.EdxmlStatus.message_id)
               .join(m.Dispatch, m.Dispatch.document_id == m.EdxmlMessage.document_id)
               .where(m.EdxmlStatus.code == st.REFUSED, m.Dispatch.review == Review.REFUSED.value))
    return done.union(refused)


def queue(session: Session, dispatch_ids: Iterable[int] | None = None) -> int:
    """Record the statuses owed to the messages of these dispatches (all, by default) that are
    still open."""
    stmt = select(m.EdxmlMessage).where(m.EdxmlMessage.id.not_in(_closed()))
    if dispatch_ids is not None:
        docs = select(m.Dispatch.document_id).where(m.Dispatch.id.in_(list(dispatch_ids)))
        stmt = stmt.where(m.EdxmlMessage.document_id.in_(docs))
    added = 0
    for msg in session.scalars(stmt):
        d = msg.document.dispatch if msg.document is not None else None
        told = {s.code for s in msg.statuses}
        for code in due_codes(d):
            if code not in told:
                msg.statuses.append(m.EdxmlStatus(code=code, description=describe(code, d)))
                told.add(code)
                added += 1
    return added


def _office(settings: Settings, msg: m.EdxmlMessage) -> Organ:
    """Who the status comes from: the office as configured, or the body the message was sent to."""
    if settings.edxml_organ_id:
        return Organ(id=settings.edxml_organ_id, name=settings.edxml_organ_name or msg.recipient_name)
    return Organ(id=msg.recipient_id, name=settings.edxml_organ_name or msg.recipient_name)


def message_for(settings: Settings, row: m.EdxmlStatus) -> StatusMessage:
    msg = row.message
    at = row.created_at or datetime.now(timezone.utc)
    if at.tzinfo is None:          # SQLite gives back UTC without its zone
        at = at.replace(tzinfo=timezone.utc)
    local = at.astimezone(ZoneInfo(settings.timezone)).replace(tzinfo=None, microsecond=0)
    return StatusMessage(code=row.code, description=row.description, timestamp=local.isoformat(),
                         sender=_office(settings, msg),
                         response_for=ResponseFor(organ_id=msg.sender_id, code=msg.code,
                                                  promulgation_date=msg.issued.isoformat() if msg.issued else None,
                                                  document_id=msg.document_ref),
                         staff=StaffInfo(department=settings.edxml_department or None))


def send(session: Session, settings: Settings) -> list[Path]:
    """Write every owed status into the gateway's folder, oldest first; none without a folder."""
    if not settings.edxml_outbox:
        return []
    folder = Path(settings.edxml_outbox)
    written = []
    for row in session.scalars(select(m.EdxmlStatus).where(m.EdxmlStatus.written_at.is_(None))
                               .order_by(m.EdxmlStatus.id)):
        try:
            path = st.write(folder, message_for(settings, row))
        except OSError as exc:
            row.attempts += 1
            row.last_error = f"không ghi được vào {folder}: {exc}"
            log.warning("edXML status not written, kept for the next pass: %s", exc)
            break                  # the folder is away: the rest waits too, in order
        row.written_at = m.utcnow()
        row.file = path.name
        row.attempts += 1
        row.last_error = None
        written.append(path)
    return written


def sync(settings: Settings, dispatch_ids: Iterable[int] | None = None) -> list[Path]:
    """After a write: queue what the states of these dispatches (all, by default) call for, and
    write everything owed. Errors are logged, never raised."""
    try:
        with session_scope(settings) as s:
            queue(s, dispatch_ids)
        return flush(settings)
    except Exception as exc:  # never undo the caller's work for a status message
        log.warning("edXML statuses not sent: %s", exc)
        return []


def flush(settings: Settings) -> list[Path]:
    """Write what is owed (a folder that was away is back); errors are logged, never raised."""
    try:
        with session_scope(settings) as s:
            return send(s, settings)
    except Exception as exc:
        log.warning("edXML statuses not sent: %s", exc)
        return []
