"""Replaying index work recorded in the database (`index_jobs`) into the search backend.

Writes go to the database first; the index follows. When the backend is down the jobs stay
and are replayed on the next write or `dondoc reindex`/`dondoc search`.
"""
from __future__ import annotations

import logging

from ..config import Settings

log = logging.getLogger(__name__)


def drain_quietly(settings: Settings) -> int:
    try:
        from .service import drain
    except ImportError:
        return 0
    try:
        return drain(settings)
    except Exception as exc:  # the index being down must not fail ingestion
        log.warning("search index unavailable, work kept for later: %s", exc)
        return 0
