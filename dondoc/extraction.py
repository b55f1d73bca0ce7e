"""The first two stages, read and extract, with what the office's database adds to them (its own
agency names, its working days) — all `dondoc extract` needs. Nothing here imports the storage
layer until a database exists: a first `dondoc extract` on a fresh machine loads no SQLAlchemy.
"""
from __future__ import annotations

import logging
from pathlib import Path

from .config import Settings
from .ingest.base import ReadResult
from .ingest.errors import IngestError
from .nlp.record import Dispatch as Record

log = logging.getLogger(__name__)


def _no_database(settings: Settings) -> bool:
    return settings.db_url.startswith("sqlite:///") and not Path(settings.db_url[len("sqlite:///"):]).exists()


def read_file(path: Path, settings: Settings, progress=None) -> ReadResult:
    """The file's pages and what else its reader found, read in a process of the reading pool
    within its memory and time limits; `progress(pages read, pages)` (picklable: it is called
    in that process) hears of each page as it is read."""
    from .ingest.pool import pool_for
    try:
        return pool_for(settings).read(Path(path), settings, progress)
    except IngestError as exc:
        # a refusal the user is told about; what the reader raised, if anything, is kept here
        if exc.detail:
            log.warning("reader failed on %s: %s\n%s", path, exc.message, exc.detail)
        else:
            log.warning("%s not read: %s", path, exc.message)
        raise
    except Exception:
        log.exception("reader failed on %s", path)
        raise


def route(path: Path, settings: Settings) -> str:
    """The queue a file belongs on: `ocr` for scans and long files, `default` for the rest
    (probed in the reading pool too)."""
    from .ingest.pool import pool_for
    return pool_for(settings).probe(Path(path)).queue


def local_agency_names(settings: Settings) -> list[tuple[str, str]]:
    """(written form, canonical name) of the names administrators added to the agency list;
    none when there is no database yet (`dondoc extract` on a fresh machine)."""
    if _no_database(settings):
        return []
    from sqlalchemy import select
    from sqlalchemy.exc import SQLAlchemyError
    from .storage import models as m
    from .storage.db import session_scope
    try:
        with session_scope(settings) as s:
            return [(a, n) for a, n in s.execute(select(m.AgencyAlias.alias, m.Agency.name)
                                                  .join(m.Agency, m.AgencyAlias.agency_id == m.Agency.id)
                                                  .where(m.AgencyAlias.local))]
    except SQLAlchemyError:
        # a database not yet upgraded (`dondoc db upgrade`) has no office names to offer;
        # reading a file must not fail for it
        return []


def office_calendar(settings: Settings):
    """The office's working days (public holidays and the days its admin entered), or None
    (Vietnam's public holidays only) when there is no database yet."""
    if _no_database(settings):
        return None
    from sqlalchemy.exc import SQLAlchemyError
    from .storage.db import session_scope
    from .tracking.workdays import working_calendar
    try:
        with session_scope(settings) as s:
            return working_calendar(s)
    except SQLAlchemyError:
        return None


def extract_text(text: str, settings: Settings) -> Record:
    """The extractor, knowing the office's own agency names and working days."""
    # deferred: the extractor loads spaCy, which `dondoc extract` imports while the reading
    # process reads the file (see cli.extract) rather than before
    from .nlp.extract import extract
    return extract(text, local=local_agency_names(settings), calendar=office_calendar(settings))


def read_and_extract(path: Path, settings: Settings) -> tuple[ReadResult, Record]:
    result = read_file(path, settings)
    return result, extract_text(result.text, settings)


def extract_file(path: Path, settings: Settings) -> Record:
    return read_and_extract(path, settings)[1]


def reader_dict(result: ReadResult) -> dict:
    """What the reader found besides the text, JSON-ready (children without their bytes)."""
    return {"metadata": result.metadata,
            "pages": [{"number": p.number, "method": p.method, "confidence": p.confidence, "metadata": p.metadata}
                      for p in result.pages],
            "children": [{"name": c.name, "mime": c.mime, "role": c.role, "pages": c.pages, "size": len(c.data),
                          "metadata": c.metadata} for c in result.children]}
