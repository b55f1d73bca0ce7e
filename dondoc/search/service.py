"""What the rest of dondoc calls: the configured backend, agency names resolved from any alias,
and the replay of pending index work."""
from __future__ import annotations

from sqlalchemy import delete, select

from ..config import Settings
from ..nlp.agency import gazetteer
from ..nlp.fold import fold_key
from ..storage import models as m
from ..storage.db import session_scope
from .base import Query, Results
from .documents import load_dispatches


def backend(settings: Settings):
    if settings.search_backend in ("elasticsearch", "es"):
        from .es import EsBackend
        if not settings.es_url:
            raise RuntimeError("DONDOC_ES_URL chưa được cấu hình cho Elasticsearch")
        return EsBackend(settings)
    from .sqlite_fts import SqliteBackend
    return SqliteBackend(settings)


def resolve_agency(settings: Settings, written: str) -> list[str]:
    """Canonical names an agency filter stands for: `Sở LĐTBXH`, `so lao dong...` and the full
    name all resolve to the same; a name stored under an alias resolves to its agency."""
    names = []
    canon = gazetteer().canonical(written)
    names.append(canon)
    with session_scope(settings) as s:
        for key in {fold_key(written), fold_key(canon)}:
            a = s.scalar(select(m.AgencyAlias).where(m.AgencyAlias.key == key))
            if a is not None and a.agency.name not in names:
                names.append(a.agency.name)
    return names


def enqueue(session, dispatch_ids: list[int], op: str = "upsert") -> None:
    """Record index work in the caller's transaction: it is committed with the change it follows."""
    for i in dispatch_ids:
        session.add(m.IndexJob(entity="dispatch", entity_id=i, op=op))


def pending(settings: Settings) -> int:
    with session_scope(settings) as s:
        return len(s.scalars(select(m.IndexJob.id)).all())


def drain(settings: Settings, limit: int = 500) -> int:
    """Index what is pending. On failure the jobs stay (with their error) and the error rises."""
    with session_scope(settings) as s:
        jobs = s.scalars(select(m.IndexJob).order_by(m.IndexJob.id).limit(limit)).all()
        if not jobs:
            return 0      # nothing pending: no round trip to the index on every search
        ids = sorted({j.entity_id for j in jobs})
        job_ids = [j.id for j in jobs]
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
            for j in s.scalars(select(m.IndexJob).where(m.IndexJob.id.in_(job_ids))):
                j.attempts += 1
                j.last_error = str(exc)[:500]
        raise
    with session_scope(settings) as s:
        s.execute(delete(m.IndexJob).where(m.IndexJob.id.in_(job_ids)))
    return len(ids)


def search_tasks(settings: Settings, q: Query) -> Results:
    from .sync import drain_quietly
    drain_quietly(settings)
    names = resolve_agency(settings, q.agency) if q.agency else None
    return backend(settings).search_tasks(q, names)


def search_dispatches(settings: Settings, q: Query) -> Results:
    from .sync import drain_quietly
    drain_quietly(settings)
    return backend(settings).search_dispatches(q)


def reindex(settings: Settings) -> int:
    """Rebuild the index from the database (the source of truth), without downtime."""
    with session_scope(settings) as s:
        n = backend(settings).rebuild(load_dispatches(s))
        s.execute(delete(m.IndexJob))
    return n
