"""Readers by detected type, as a registry (like Paperless-ngx's parser registry)."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..config import Settings
from . import text as text_reader
from .base import Child, ReadResult
from .detect import detect
from .errors import IngestError
from .limits import Limits

# (path, detected type, settings, progress): progress(pages read, pages) is called as pages are
# read, for a scan's "trang 3/6"; readers of one-page kinds may ignore it
Progress = Callable[[int, "int | None"], None]
Reader = Callable[..., ReadResult]
_REGISTRY: dict[str, Reader] = {}


def register(mimes, reader: Reader) -> None:
    for m in mimes:
        _REGISTRY[m] = reader


register(text_reader.MIMES, lambda p, m, s, progress=None: text_reader.read(p, m))
_ALL_REGISTERED = False


def _register_all() -> None:
    """The readers of every other kind, at the first file that is no plain text: deferred, as
    pdfplumber, PIL and python-docx would otherwise load in the reading process for every .txt
    (start-up time of `dondoc extract`). No kind of theirs is one of the text reader's."""
    global _ALL_REGISTERED
    if _ALL_REGISTERED:
        return
    from . import docx as docx_reader
    from . import edxml as edxml_reader
    from . import image as image_reader
    from . import office as office_reader
    from . import pdf as pdf_reader
    register(pdf_reader.MIMES, lambda p, m, s, progress=None: pdf_reader.read(p, m, s.workers, Limits.of(s), progress))
    register(image_reader.MIMES, lambda p, m, s, progress=None: image_reader.read(p, m, s.workers, Limits.of(s), progress))
    register(docx_reader.MIMES, lambda p, m, s, progress=None: docx_reader.read(p, m, Limits.of(s)))
    register(edxml_reader.MIMES, lambda p, m, s, progress=None: edxml_reader.read(p, m, s, read))   # attachments through this registry
    register(office_reader.MIMES, lambda p, m, s, progress=None: office_reader.read(p, m))
    _ALL_REGISTERED = True

SUPPORTED = ("PDF, ảnh (PNG, JPEG, TIFF), Word (.docx, .doc), RTF, OpenDocument (.odt), văn bản (.txt), "
             "thông điệp edXML (.edxml)")


def second_documents(result: ReadResult) -> list[Child]:
    """Further documents in the same file (another letter's first page behind the first): each
    starts at a second national motto ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"). They stay
    in the text — the extractor reads the header from the first and tasks from all — and are
    named as children, with the pages they cover and where in the text they start."""
    from ..nlp.documents import split_documents
    from ..nlp.fold import fold
    text = result.text
    starts = split_documents(text, fold(text))[1:]     # where the extractor will split them
    if not starts:
        return []
    bounds, pos = [], 0          # the text's offset where each page starts
    for p in result.pages:
        bounds.append((pos, p.number))
        pos += len(p.text.strip("\n")) + 2
    page_at = lambda off: max(n for s, n in bounds if s <= off)  # noqa: E731
    page_start = {n: s for s, n in bounds}
    # a motto near the top of a page: the new document is the whole page (its issuer, number and
    # subject stand above or beside the motto)
    starts = [page_start[page_at(s)] if text.count("\n", page_start[page_at(s)], s) < 15 else s for s in starts]
    ends = starts[1:] + [len(text)]
    return [Child(f"văn bản thứ {i}", result.mime, role="document",
                  pages=list(range(page_at(s), page_at(max(e - 1, s)) + 1)), metadata={"text_start": s})
            for i, (s, e) in enumerate(zip(starts, ends), 2)]


def reader_for(mime: str) -> Reader | None:
    if mime not in _REGISTRY:
        _register_all()
    if mime in _REGISTRY:
        return _REGISTRY[mime]
    if mime.startswith("text/"):
        return _REGISTRY["text/plain"]
    return None


def read(path: Path, settings: Settings, progress: Progress | None = None) -> ReadResult:
    """Read a file in this process. Callers other than the reading pool go through
    `extraction.read_file`, which runs this in a pool process with memory and time limits."""
    path = Path(path).resolve()
    size = path.stat().st_size
    if size == 0:
        raise IngestError("tệp rỗng (0 byte)", "empty")
    if size > settings.max_file_mb * 1024 * 1024:
        raise IngestError(f"tệp quá lớn ({size // (1024 * 1024)} MB, tối đa {settings.max_file_mb} MB)", "too_large")
    mime = detect(path)
    reader = reader_for(mime)
    if reader is None:
        if path.suffix.lower() in (".txt", ".text", ".csv"):
            raise IngestError(f"tệp có đuôi {path.suffix} nhưng không phải văn bản (nội dung nhận dạng là {mime})", "binary")
        raise IngestError(f"loại tệp không được hỗ trợ ({mime}); dondoc đọc: {SUPPORTED}", "unsupported")
    result = reader(path, mime, settings, progress)
    if not result.children:     # a reader that names the file's parts (edXML) has said what they are
        result.children.extend(second_documents(result))
    if progress:
        progress(len(result.pages), len(result.pages))
    return result
