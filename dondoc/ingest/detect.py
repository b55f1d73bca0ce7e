"""The type of a file from its content (libmagic), never from its name."""
from __future__ import annotations

import zipfile
from pathlib import Path

import magic

from ..edxml.parse import MIME as EDXML_MIME, looks_like_edxml

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# what libmagic calls an edXML message (XML, or a MIME package when SOAP carries attachments)
_EDXML_CANDIDATES = ("text/xml", "application/xml", "text/plain", "text/html", "message/rfc822",
                     "application/octet-stream", "application/soap+xml")


def detect(path: Path) -> str:
    path = Path(path).resolve()          # a symlink is read as the file it points to
    mime = magic.from_file(str(path), mime=True)
    if mime in _EDXML_CANDIDATES:
        with open(path, "rb") as fh:
            if looks_like_edxml(fh.read(65536)):
                return EDXML_MIME
    if mime in ("application/zip", "application/octet-stream", DOCX_MIME):
        try:
            with zipfile.ZipFile(path) as z:
                if "word/document.xml" in z.namelist():
                    return DOCX_MIME
        except (zipfile.BadZipFile, OSError):
            pass
    if mime == "application/octet-stream":
        from .text import utf16_without_bom       # libmagic does not know UTF-16 saved without its BOM
        with open(path, "rb") as fh:
            head = fh.read(8192)
        if utf16_without_bom(head[: len(head) & ~1]) is not None:
            return "text/plain"
    return mime
