"""The type of a file from its content (libmagic), never from its name."""
from __future__ import annotations

import zipfile
from pathlib import Path

import magic

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def detect(path: Path) -> str:
    mime = magic.from_file(str(path), mime=True)
    if mime in ("application/zip", "application/octet-stream", DOCX_MIME):
        try:
            with zipfile.ZipFile(path) as z:
                if "word/document.xml" in z.namelist():
                    return DOCX_MIME
        except (zipfile.BadZipFile, OSError):
            pass
    return mime
