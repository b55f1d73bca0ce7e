"""What the rest of dondoc calls to search: the configured backend, asked through its contract,
with agency names resolved from any alias. Searching only reads: pending index work is drained by
writers and the worker (`outbox`)."""
from __future__ import annotations

from sqlalchemy import select

from .. import agency_names
from ..config import Settings
from ..nlp.agency import gazetteer
from ..nlp.fold import fold_key
from ..storage import models as m
from ..storage.db import session_scope
from . import outbox
from .backends import backend
from .base import Query, Results, SearchUnavailable, check_query
from .documents import load_dispatches


def resolve_agency(settings: Settings, written: str) -> list[str]:
    """Canonical names an agency filter stands for: `Sở LĐTBXH`, `so lao dong...` and the full
    name all resolve to the same; a name stored under an alias resolves to its agency; an
    initialism (`STC`, `BYT`) stands for every body it fits (agency_names)."""
    names = []
    canon = gazetteer().canonical(written)
    names.append(canon)
    with session_scope(settings) as s:
        for key in {fold_key(written), fold_key(canon)}:
            a = s.scalar(select(m.AgencyAlias).where(m.AgencyAlias.key == key))
            if a is not None and a.agency.name not in names:
                names.append(a.agency.name)
        for n in agency_names.candidates(s, written, settings.office_locality).names:
            if n not in names:
                names.append(n)
    return names


def agency_named(session, settings: Settings, written: str) -> m.Agency | None:
    """The agency row a written name stands for (full name, alias or abbreviation), if any."""
    return session.scalars(select(m.Agency).where(m.Agency.name.in_(resolve_agency(settings, written)))).first()


def _unavailable(exc: Exception) -> bool:
    """An error of the index being down or unreachable (not of a bad query)."""
    try:
        from elasticsearch import ApiError, ConnectionError as EsConnectionError, TransportError
        if isinstance(exc, (EsConnectionError, TransportError)) or (isinstance(exc, ApiError) and exc.status_code >= 500):
            return True
    except ImportError:
        pass
    from sqlalchemy.exc import OperationalError
    return isinstance(exc, (ConnectionError, TimeoutError, OperationalError))


def search_tasks(settings: Settings, q: Query) -> Results:
    check_query(q.text)
    names = resolve_agency(settings, q.agency) if q.agency else None
    try:
        return backend(settings).search_tasks(q, names)
    except Exception as exc:
        if _unavailable(exc):
            raise SearchUnavailable() from exc
        raise


def search_dispatches(settings: Settings, q: Query) -> Results:
    check_query(q.text)
    try:
        return backend(settings).search_dispatches(q)
    except Exception as exc:
        if _unavailable(exc):
            raise SearchUnavailable() from exc
        raise


def reindex(settings: Settings) -> int:
    """Rebuild the index from the database (the source of truth), without downtime."""
    with session_scope(settings) as s:
        n = backend(settings).rebuild(load_dispatches(s))
        outbox.clear(s)
    return n
