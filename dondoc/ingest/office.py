"""Word 97-2003 (.doc), RTF and OpenDocument (.odt) files: converted to .docx by LibreOffice
headless, then read like a Word file, run by run, so that text in the old TCVN3 or VNI fonts is
decoded by its font name (a plain-text conversion would lose the fonts, and with them the letters).

Each conversion runs with a profile of its own in a temporary folder, so conversions in several
worker processes do not wait on one another's lock.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from . import docx as docx_reader
from .base import ReadResult
from .errors import IngestError

KINDS = {
    "application/msword": "doc",
    "application/vnd.ms-word": "doc",
    "text/rtf": "rtf",
    "application/rtf": "rtf",
    "application/vnd.oasis.opendocument.text": "odt",
    # an OLE container libmagic cannot name (a damaged .doc): LibreOffice tries, or says it is broken
    "application/x-ole-storage": "doc",
    "application/CDFV2": "doc",
}
MIMES = tuple(KINDS)
TIMEOUT = 180   # seconds: a large .doc converts in a few; a hung converter must not hold a worker


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(path: Path, fmt: str, outdir: Path, timeout: float = TIMEOUT) -> Path:
    """`path` converted by LibreOffice to `fmt` ("docx", "doc", "odt", "rtf") in `outdir`."""
    exe = soffice()
    if exe is None:
        raise IngestError("máy chưa cài LibreOffice nên chưa đọc được tệp Word 97–2003, RTF hay ODT", "unsupported")
    profile = Path(tempfile.mkdtemp(prefix="dondoc-lo-"))
    # LibreOffice names its output after the input: a copy under a plain name keeps odd
    # characters of the clerk's file name out of its command line
    src = profile / f"input{path.suffix.lower() if path.suffix.isascii() else ''}"
    shutil.copyfile(path, src)
    cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nologo",
           "--convert-to", fmt, "--outdir", str(outdir), str(src)]
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                                env={**os.environ, "HOME": str(profile)})
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise IngestError(f"LibreOffice không chuyển đổi xong tệp trong {int(timeout)} giây", "timeout") from exc
        except BaseException:       # the reading pool's page clock ran out: the converter stops too
            os.killpg(proc.pid, signal.SIGKILL)
            raise
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    out = outdir / f"input.{fmt}"
    if proc.returncode != 0 or not out.exists():
        raise IngestError("tệp bị hỏng hoặc LibreOffice không đọc được", "corrupt")
    return out


def read(path: Path, mime: str) -> ReadResult:
    with tempfile.TemporaryDirectory(prefix="dondoc-office-") as tmp:
        converted = convert(path, "docx", Path(tmp))
        result = docx_reader.read(converted, mime)
    result.kind = KINDS.get(mime, "doc")
    return result
