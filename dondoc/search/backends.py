"""The configured search backend: one object per process and configuration, so Elasticsearch's
client (and its connection pool) is built once and reused by every caller."""
from __future__ import annotations

import threading

from ..config import Settings
from .base import SearchBackend

_built: dict[tuple[str, ...], SearchBackend] = {}
_lock = threading.Lock()


def backend(settings: Settings) -> SearchBackend:
    kind = "elasticsearch" if settings.search_backend in ("elasticsearch", "es") else "sqlite"
    # the embedded index is a file of the data folder: two folders over one register are two indexes
    key = (kind, settings.es_url, settings.es_index, settings.db_url, settings.index_db_url)
    with _lock:
        found = _built.get(key)
        if found is None:
            found = _built[key] = _build(kind, settings)
        return found


def _build(kind: str, settings: Settings) -> SearchBackend:
    # each backend's module is imported only when it is configured: the embedded default
    # never loads the Elasticsearch client
    if kind == "elasticsearch":
        from .es import EsBackend
        if not settings.es_url:
            raise RuntimeError("DONDOC_ES_URL chưa được cấu hình cho Elasticsearch")
        return EsBackend(settings)
    from .sqlite_index import SqliteBackend
    return SqliteBackend(settings)
