"""Plain text files: UTF-8, UTF-16 and the older Vietnamese encodings, normalised to NFC."""
from __future__ import annotations

import unicodedata
from pathlib import Path

from charset_normalizer import from_bytes

from .base import Page, ReadResult
from .errors import IngestError
from .vnlegacy import decode_legacy

MIMES = ("text/plain", "text/x-c", "text/csv", "text/html", "text/x-python", "application/csv", "text/markdown")


def _vietnamese_or_latin(c: str) -> bool:
    o = ord(c)
    return c.isspace() or 0x20 <= o < 0x250 or 0x300 <= o < 0x370 or 0x1E00 <= o < 0x1F00 or 0x2000 <= o < 0x2070


def utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 saved without its byte-order mark (as some Windows tools do): NUL bytes on every
    other position. The byte order whose text is Latin/Vietnamese letters wins."""
    head = data[:4096]
    if len(data) % 2 or head.count(0) < len(head) // 8:
        return None
    best = None
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        sample = text[:2000]
        share = sum(map(_vietnamese_or_latin, sample)) / max(len(sample), 1)
        if share > 0.95 and (best is None or share > best[0]):
            best = (share, text)
    return best[1] if best else None


def decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    legacy = decode_legacy(data)
    if legacy is not None:
        return legacy
    best = from_bytes(data, cp_isolation=["cp1258", "utf_16", "cp1252", "latin_1"]).best()
    if best is None:
        raise IngestError("không đọc được bảng mã của tệp văn bản", "encoding")
    return str(best)


def read(path: Path, mime: str) -> ReadResult:
    data = path.read_bytes()
    bare16 = utf16_without_bom(data) if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")) else None
    if bare16 is None and b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IngestError("tệp không phải văn bản (có dữ liệu nhị phân)", "binary")
    text = unicodedata.normalize("NFC", bare16 if bare16 is not None else decode(data))
    controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\n\r\t\f")
    if text and controls / len(text) > 0.01:
        raise IngestError("tệp không phải văn bản (có ký tự điều khiển lạ)", "binary")
    if not text.strip():
        raise IngestError("tệp văn bản rỗng", "empty")
    return ReadResult(mime, "text", [Page(1, text, "text")])
