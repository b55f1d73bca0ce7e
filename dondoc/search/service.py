"""What the rest of dondoc calls to search: the configured backend, asked through its contract,
with agency names resolved from any alias. Searching only reads: pending index work is drained by
writers and the worker (`outbox`)."""
from __future__ import annotations

from sqlalchemy import select

from ..config import Settings
from ..nlp.agency import gazetteer
from ..nlp.fold import fold_key
from ..storage import models as m
from ..storage.db import session_scope
from . import outbox
from .backends import backend
from .base import Query, Results
from .documents import load_dispatches


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


def agency_named(session, settings: Settings, written: str) -> m.Agency | None:
    """The agency row a written name stands for (full name, alias or abbreviation), if any."""
    return session.scalars(select(m.Agency).where(m.Agency.name.in_(resolve_agency(settings, written)))).first()


def search_tasks(settings: Settings, q: Query) -> Results:
    names = resolve_agency(settings, q.agency) if q.agency else None
    return backend(settings).search_tasks(q, names)


def search_dispatches(settings: Settings, q: Query) -> Results:
    return backend(settings).search_dispatches(q)


def reindex(settings: Settings) -> int:
    """Rebuild the index from the database (the source of truth), without downtime."""
    with session_scope(settings) as s:
        n = backend(settings).rebuild(load_dispatches(s))
        outbox.clear(s)
    return n
