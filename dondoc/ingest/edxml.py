"""edXML messages of the national e-document exchange: the envelope's header as metadata, each
attachment read as a file of its own type (by the same registry), its pages the message's pages.

An attachment that cannot be read is reported (metadata `problems`) and the envelope's record is
kept; when no attachment reads, the message's own words (Subject, Content) are its text.
"""
from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from ..config import Settings
from ..edxml.model import Attachment, Envelope
from ..edxml.parse import MIME, MessageError, parse_message
from .base import Child, Page, ReadResult
from .detect import detect
from .errors import IngestError

ReadFile = Callable[[Path, Settings], ReadResult]

# XML that is not edXML comes here too, to be refused by name (dondoc reads no other XML)
MIMES = (MIME, "text/xml", "application/xml")


def _read_attachment(att: Attachment, settings: Settings, folder: Path, read_file: ReadFile) -> ReadResult:
    path = folder / att.name
    n = 1
    while path.exists():
        path = folder / f"{n}-{att.name}"
        n += 1
    path.write_bytes(att.data or b"")
    if detect(path) == MIME:
        raise IngestError("tệp đính kèm lại là một thông điệp edXML; dondoc không đọc thông điệp lồng nhau", "nested")
    return read_file(path, settings)


def envelope_text(env: Envelope) -> str:
    """The message's own words, when no attachment gives a text."""
    return "\n\n".join(x for x in (env.subject, env.content) if x)


def read(path: Path, mime: str, settings: Settings, read_file: ReadFile) -> ReadResult:
    """The message at `path`; `read_file` reads an attachment (the registry's own `read`)."""
    try:
        env = parse_message(Path(path).read_bytes())
    except MessageError as exc:
        raise IngestError(exc.message, exc.code) from exc
    pages: list[Page] = []
    children: list[Child] = []
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="dondoc-edxml-") as tmp:
        for att in env.attachments:
            meta = {"declared_mime": att.mime, "description": att.description}
            if att.data is None:
                problems.append(f"Tệp đính kèm «{att.name}»: {att.error}")
                children.append(Child(att.name, att.mime or "application/octet-stream", metadata=meta | {"error": att.error}))
                continue
            try:
                res = _read_attachment(att, settings, Path(tmp), read_file)
            except IngestError as exc:
                problems.append(f"Tệp đính kèm «{att.name}»: {exc.message}")
                children.append(Child(att.name, att.mime or "application/octet-stream", data=att.data,
                                      metadata=meta | {"error": exc.message}))
                continue
            first = len(pages) + 1
            for p in res.pages:
                pages.append(Page(len(pages) + 1, p.text, p.method, p.confidence,
                                  metadata=dict(p.metadata) | {"attachment": att.name, "page": p.number}))
            children.append(Child(att.name, res.mime, data=att.data, pages=list(range(first, len(pages) + 1)),
                                  metadata=meta | {"kind": res.kind} | ({"metadata": res.metadata} if res.metadata else {})))
    if not env.attachments:
        problems.append("Thông điệp không có tệp đính kèm: nội dung lấy từ phong bì (trích yếu, nội dung).")
    if not pages:
        # the envelope's record is kept even with nothing to read: its header is the dispatch's
        pages.append(Page(1, envelope_text(env), "edxml", metadata={"from": "envelope"}))
    header = env.header()
    header["problems"] = problems
    return ReadResult(mime, "edxml", pages, metadata={"edxml": header}, children=children)
