"""Plain text files: UTF-8, UTF-16 and the older Vietnamese encodings, normalised to NFC."""
from __future__ import annotations

import unicodedata
from pathlib import Path

from charset_normalizer import from_bytes

from .base import Page, ReadResult
from .errors import IngestError
from .vnlegacy import decode_legacy

MIMES = ("text/plain", "text/x-c", "text/csv", "text/html", "text/x-python", "application/csv", "text/markdown")


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
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IngestError("tệp không phải văn bản (có dữ liệu nhị phân)", "binary")
    text = unicodedata.normalize("NFC", decode(data))
    controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\n\r\t\f")
    if text and controls / len(text) > 0.01:
        raise IngestError("tệp không phải văn bản (có ký tự điều khiển lạ)", "binary")
    if not text.strip():
        raise IngestError("tệp văn bản rỗng", "empty")
    return ReadResult(mime, "text", [Page(1, text, "text")])
