"""The stages in order: read a file, extract the dispatch, store it, index it.

A file is stored whole or not at all: the original is copied under the data folder and every
row is written in one transaction; if anything fails, the copy is removed and nothing stays.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import agency_proposals
from .config import Settings
from .edxml import intake as edxml_intake
from .edxml import outbox as edxml_outbox
from .extraction import extract_file, extract_text, read_file, route
from .ingest.base import ReadResult
from .ingest.errors import IngestError
from .nlp.agency import gazetteer
from .nlp.fold import fold_key
from .nlp.record import Dispatch as Record
from .search import outbox
from .storage import models as m
from .storage.db import session_scope
from .tracking import register

log = logging.getLogger(__name__)
EXTENSIONS = {"pdf": ".pdf", "image": "", "docx": ".docx", "text": ".txt", "edxml": ".edxml", "doc": ".doc",
              "rtf": ".rtf", "odt": ".odt"}


@dataclass
class IngestOutcome:
    path: Path
    document_id: int | None
    duplicate: bool = False
    pages: int = 0
    tasks: int = 0
    error: str | None = None
    # what the clerk should hear at once: an attachment that could not be read, a dispatch
    # already stored under the same số, ký hiệu and issuer
    warnings: list[str] = field(default_factory=list)
    dispatch_id: int | None = None
    sha256: str | None = None


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def agency_for(session: Session, name: str, cache: dict | None = None) -> m.Agency:
    """The agency row of a canonical name, created with its successor on first sight."""
    if cache is not None and name in cache:
        return cache[name]
    ag = session.scalar(select(m.Agency).where(m.Agency.name == name))
    if ag is None:
        key = fold_key(name)
        alias = session.scalar(select(m.AgencyAlias).where(m.AgencyAlias.key == key))
        if alias is not None:
            ag = alias.agency
        else:
            ag = _new_agency(session, name, key)
            succ = gazetteer().successor_of(name)
            if succ and succ != name:
                ag.successor_id = agency_for(session, succ, cache).id
    if cache is not None:
        cache[name] = ag
    return ag


def _new_agency(session: Session, name: str, key: str) -> m.Agency:
    """A new agency row, or the one another writer (a second ingest worker on PostgreSQL) inserted
    under the same name or written form since this transaction looked: its insert is then undone
    alone (a savepoint), and the dispatch is stored with that row."""
    session.flush()                   # what is pending already stays outside the savepoint
    ag = m.Agency(name=name, emails=[])
    ag.aliases.append(m.AgencyAlias(alias=name, key=key))
    try:
        with session.begin_nested():
            session.add(ag)
    except IntegrityError:
        found = session.scalar(select(m.Agency).where(m.Agency.name == name)) or \
            session.scalar(select(m.Agency).join(m.AgencyAlias).where(m.AgencyAlias.key == key))
        if found is None:
            raise
        return found
    return ag


def marks_of(rec: Record) -> list[list]:
    """The agencies and deadlines extraction found, as offsets into the stored text:
    [start, end, "agency" | "deadline", canonical name | ISO date | the event awaited]."""
    out = {(s, e, "agency", a.canonical) for a in rec.agencies for s, e in a.spans}
    out |= {(dl.span[0], dl.span[1], "deadline", dl.date or dl.condition or dl.source)
            for t in rec.tasks for dl in t.deadlines if dl.span}
    return [list(x) for x in sorted(out)]


def store_record(session: Session, doc: m.Document, rec: Record) -> m.Dispatch:
    d = m.Dispatch(
        number=rec.number, issued=date.fromisoformat(rec.issued) if rec.issued else None, place=rec.place,
        issuer=rec.issuer, issuer_parent=rec.issuer_parent, kind=rec.kind, subject=rec.subject,
        recipients=rec.recipients, signer_name=rec.signer.name, signer_title=rec.signer.title,
        cites=[c.__dict__ for c in rec.cites], warnings=rec.warnings, text=rec.text, marks=marks_of(rec),
    )
    doc.dispatch = d
    cache: dict = {}
    # names an admin rejected as not being bodies are not attached again
    refused = agency_proposals.rejected(session, [n for t in rec.tasks for n in (*t.lead, *t.support)])
    for i, t in enumerate(rec.tasks, 1):
        task = m.Task(seq=i, text=t.text, span_start=t.span[0], span_end=t.span[1], confidence=t.confidence,
                      lead_source=t.evidence or None, reason=t.reason or None)
        for role, names in (("lead", t.lead), ("support", t.support)):
            for name in dict.fromkeys(names):
                if name not in refused:
                    task.agencies.append(m.TaskAgency(agency=agency_for(session, name, cache), role=role))
        seen = set()
        for dl in t.deadlines:
            key = (dl.date, dl.kind, dl.condition)
            if key in seen:
                continue
            seen.add(key)
            due = date.fromisoformat(dl.date) if dl.date else None
            task.deadlines.append(m.Deadline(due=due, original_due=due, source=dl.source, kind=dl.kind, rule=dl.rule,
                                             condition=dl.condition, span_start=dl.span[0] if dl.span else None,
                                             span_end=dl.span[1] if dl.span else None))
        d.tasks.append(task)
    restore_copy(d)
    session.flush()
    for name in dict.fromkeys(rec.proposed_agencies):
        if name not in refused:
            agency_proposals.propose(session, name, agency_proposals.Source.EXTRACTION, detail=doc.filename,
                                     dispatch_id=d.id, agency=cache.get(name))
    return d


def restore_copy(d: m.Dispatch) -> None:
    """A dispatch typed without diacritics or read by OCR without Vietnamese gets a restored
    copy of its text and of each task's text, for reading; `text` stays the original that every
    span points into, and a garbled text's copy keeps its map back (dondoc.restore)."""
    from .nlp.textprep import collapse
    from .restore import ModelError, default_restorer
    try:
        r = default_restorer().restore(d.text or "")
    except ModelError:        # the model file is missing or damaged: the dispatch is stored as read
        return
    if not r.changed:
        return
    d.text_restored, d.restored_mode, d.restored_map = r.text, r.mode, r.runs()
    for t in d.tasks:
        if t.span_start is not None and t.span_end is not None:
            t.text_restored = collapse(r.restored_span(t.span_start, t.span_end))


def same_number_and_issuer(session: Session, d: m.Dispatch) -> list[m.Dispatch]:
    """Stored dispatches with this one's số, ký hiệu and issuer (NĐ 30/2020 asks the register to
    warn of them): the same document arriving a second time, by another door."""
    if not d.number or not d.issuer:
        return []
    key = fold_key(d.issuer)
    return [o for o in session.scalars(select(m.Dispatch).where(m.Dispatch.number == d.number,
                                                                m.Dispatch.id != d.id).order_by(m.Dispatch.id))
            if o.issuer and fold_key(o.issuer) == key]


def _store_blob(write, sha: str, ext: str, settings: Settings) -> tuple[Path, bool]:
    """Keep a file under originals/ by its checksum; `write(tmp_path)` puts its bytes there.
    Returns the path relative to the data folder and whether it was written now."""
    rel = Path("originals") / sha[:2] / f"{sha}{ext}"
    dest = settings.data_dir / rel
    if dest.exists():
        return rel, False
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".incoming-")
    os.close(fd)
    try:
        write(tmp)
        try:
            os.link(tmp, dest)        # atomic, and fails if another ingest of the file put it there first
        except FileExistsError:
            return rel, False
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return rel, True


def _store_original(path: Path, sha: str, result: ReadResult, settings: Settings) -> tuple[Path, bool]:
    ext = EXTENSIONS.get(result.kind) or path.suffix.lower() or ""
    return _store_blob(lambda tmp: shutil.copyfile(path, tmp), sha, ext, settings)


def _store_children(result: ReadResult, settings: Settings, created: list[Path]) -> list[dict]:
    """The children as stored with the document: attachments' bytes kept beside the originals
    (their paths added to `created`, so a failed write removes them), the rest as data."""
    out = []
    for c in result.children:
        row = {"name": c.name, "mime": c.mime, "role": c.role, "pages": list(c.pages), "metadata": dict(c.metadata)}
        if c.data:
            sha = hashlib.sha256(c.data).hexdigest()
            ext = re.sub(r"[^a-z0-9.]", "", Path(c.name).suffix.lower())[:10]
            rel, new = _store_blob(lambda tmp, data=c.data: Path(tmp).write_bytes(data), sha, ext, settings)
            if new:
                created.append(rel)
            row.update(sha256=sha, size=len(c.data), stored_path=str(rel))
        out.append(row)
    return out


def _store_dispatch(s: Session, doc: m.Document, rec: Record, envelope: dict | None, confirm: bool,
                    settings: Settings) -> tuple[m.Dispatch, Record]:
    """A document's dispatch: an edXML envelope's header over the extraction's; registered at
    once (số đến given) when `confirm`."""
    alternatives: dict = {}
    if envelope:
        rec, alternatives, _sender = edxml_intake.prepare(s, rec, envelope, agency_for)
    disp = store_record(s, doc, rec)
    if envelope:
        edxml_intake.store(s, doc, disp, envelope, alternatives)
    if confirm:
        register.confirm(s, disp, "hệ thống", settings.timezone)
    return disp, rec
def _existing(settings: Settings, path: Path, sha: str) -> IngestOutcome | None:
    with session_scope(settings) as s:
        existing = s.scalar(select(m.Document).where(m.Document.sha256 == sha))
        if existing is None:
            return None
        return IngestOutcome(path, existing.id, duplicate=True, pages=len(existing.pages),
                             tasks=len(existing.dispatch.tasks) if existing.dispatch else 0, sha256=sha)


def ingest_file(path: Path, settings: Settings, index: bool = True, display_name: str | None = None,
                confirm: bool = False, progress=None) -> IngestOutcome:
    """Read, extract and store one file. Raises IngestError with a message for the user.
    `confirm` puts its tasks under tracking at once (a register already reviewed elsewhere);
    otherwise a clerk confirms them after review. `progress(done, total)` hears of each page read."""
    path = Path(path)
    sha = sha256_of(path) if path.stat().st_size else ""
    found = _existing(settings, path, sha) if sha else None
    if found is not None:
        return found
    result = read_file(path, settings, progress)
    envelope = result.metadata.get("edxml")      # an edXML message: its envelope's header
    if envelope:
        first = _delivered_before(path, envelope, settings)
        if first is not None:
            return first
    # a message whose attachments gave no text has nothing to extract: its envelope is its record
    rec = extract_text(result.text, settings) if result.text.strip() else Record(text=result.text)
    rel, new = _store_original(path, sha, result, settings)
    created = [rel] if new else []
    try:
        children = _store_children(result, settings, created)
        with session_scope(settings) as s:
            doc = m.Document(sha256=sha, filename=display_name or path.name, mime=result.mime, kind=result.kind,
                             size=path.stat().st_size, stored_path=str(rel), meta=result.metadata,
                             children=children)
            for p in result.pages:
                doc.pages.append(m.Page(number=p.number, text=p.text, method=p.method, confidence=p.confidence,
                                        meta=p.metadata))
            s.add(doc)
            disp, rec = _store_dispatch(s, doc, rec, envelope, confirm, settings)
            s.flush()
            warnings = list(envelope.get("problems", [])) if envelope else []
            same = same_number_and_issuer(s, disp)
            if same:
                w = (f"Trùng số, ký hiệu và cơ quan ban hành với văn bản đã lưu (mã "
                     f"{', '.join(str(o.document_id) for o in same)}): kiểm tra trước khi xác nhận.")
                disp.warnings = [*disp.warnings, w]
                warnings.append(w)
            if index:
                outbox.enqueue(s, [disp.id])
            outcome = IngestOutcome(path, doc.id, pages=len(result.pages), tasks=len(rec.tasks), warnings=warnings,
                                    dispatch_id=disp.id, sha256=sha)
        log.debug("stored %s as document %s: %d pages, %d tasks", path, outcome.document_id, outcome.pages, outcome.tasks)
    except IntegrityError:
        first = _stored_meanwhile(path, sha, envelope, created, settings)
        if first is None:
            raise
        return first
    except BaseException:
        _discard(path, sha, created, settings)
        raise
    if index:
        outbox.drain_quietly(settings)
    if envelope:
        edxml_outbox.sync(settings, [outcome.dispatch_id])
    return outcome


def _stored_meanwhile(path: Path, sha: str, envelope: dict | None, created: list[Path],
                      settings: Settings) -> IngestOutcome | None:
    """The same file (or edXML message) stored meanwhile by another process, two ingests at
    once: theirs is the one kept, original included."""
    found = _existing(settings, path, sha) if sha else None
    if found is not None:
        return found              # same bytes: the stored files are the same ones, kept
    for r in created:
        (settings.data_dir / r).unlink(missing_ok=True)
    return _delivered_before(path, envelope, settings) if envelope else None


def _discard(path: Path, sha: str, created: list[Path], settings: Settings) -> None:
    """A failed write removes the files it stored, unless another ingest stored the same file."""
    if not (sha and _existing(settings, path, sha)):
        for r in created:
            (settings.data_dir / r).unlink(missing_ok=True)


def _delivered_before(path: Path, envelope: dict, settings: Settings) -> IngestOutcome | None:
    """A second delivery of an edXML message already stored: the first one's outcome."""
    with session_scope(settings) as s:
        first = edxml_intake.delivered(s, envelope)
        if first is None:
            return None
        return IngestOutcome(path, first.id, duplicate=True, pages=len(first.pages),
                             tasks=len(first.dispatch.tasks) if first.dispatch else 0)


SUPPORTED_SUFFIXES = {".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".docx", ".txt", ".bmp", ".webp",
                      ".edxml", ".xml", ".doc", ".rtf", ".odt"}


def collect(paths: list[Path]) -> list[Path]:
    """Files named and the files in folders named (recursively), hidden ones skipped."""
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts) \
                        and not f.name.endswith((".gold.json", ".reason.txt")) and f.name != "SOURCES.tsv":
                    out.append(f)
        else:
            out.append(p)  # a file, or a missing path the caller reports
    return out


__all__ = ["ingest_file", "extract_file", "extract_text", "read_file", "route", "collect", "IngestOutcome", "IngestError"]
