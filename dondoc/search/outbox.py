"""The index outbox: index work kept in the database (`index_jobs`), written in the same
transaction as the change it follows, so the database and the pending work commit together.
Writers drain it after their commit and the worker drains what is left (the index was down);
reading never does. `dondoc check` compares database and index and repairs the rest."""
from __future__ import annotations

import logging

from sqlalchemy import delete, func, select, tuple_
from sqlalchemy.orm import Session

from ..config import Settings
from ..storage import models as m
from ..storage.db import session_scope
from .backends import backend
from .documents import load_dispatches

log = logging.getLogger(__name__)


def enqueue(session: Session, dispatch_ids: list[int], op: str = "upsert") -> None:
    """Record index work in the caller's transaction: it is committed with the change it follows."""
    for i in dispatch_ids:
        session.add(m.IndexJob(entity="dispatch", entity_id=i, op=op))


def pending(settings: Settings) -> int:
    with session_scope(settings) as s:
        return s.scalar(select(func.count()).select_from(m.IndexJob)) or 0


def drain(settings: Settings, limit: int = 500) -> int:
    """Index what is pending, a batch at a time. On failure the jobs stay (with their error) and
    the error rises."""
    with session_scope(settings) as s:
        jobs = s.scalars(select(m.IndexJob).order_by(m.IndexJob.id).limit(limit)).all()
        if not jobs:
            return 0      # nothing pending: no round trip to the index
        ids = sorted({j.entity_id for j in jobs})
        job_keys = [(j.id, j.entity_id, j.created_at) for j in jobs]
    b = backend(settings)
    if not b.ping():
        raise ConnectionError(f"chỉ mục tìm kiếm ({b.name}) không phản hồi")
    with session_scope(settings) as s:
        docs = list(load_dispatches(s, ids))
    found = {d["id"] for d in docs}
    try:
        if docs:
            b.upsert(docs)
        gone = [i for i in ids if i not in found]
        if gone:
            b.delete(gone)
    except Exception as exc:
        with session_scope(settings) as s:
            for j in s.scalars(select(m.IndexJob).where(_these(job_keys))):
                j.attempts += 1
                j.last_error = str(exc)[:500]
        raise
    with session_scope(settings) as s:
        s.execute(delete(m.IndexJob).where(_these(job_keys)))
    log.debug("indexed %d dispatches in %s", len(ids), b.name)
    return len(ids)


def _these(job_keys: list):
    """The jobs this drain read, and no others: SQLite hands a deleted job's id to the next one
    written, so a job read here may be gone (another drain did it) and its id taken by newer work,
    which only its entity and time tell apart."""
    return tuple_(m.IndexJob.id, m.IndexJob.entity_id, m.IndexJob.created_at).in_(job_keys)


def drain_quietly(settings: Settings) -> int:
    """`drain` for a writer that has committed: the index being down must not fail the write;
    the work stays for the worker."""
    try:
        return drain(settings)
    except Exception:
        log.warning("search index unavailable, index work kept in the outbox for later", exc_info=True)
        return 0


def clear(session: Session) -> None:
    """Forget the pending work (a rebuild from the database has just covered it)."""
    session.execute(delete(m.IndexJob))
