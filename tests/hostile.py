"""Hostile files, made by the tests that use them (issue #12): each small on disk, each built to
take a reader's memory or time if nothing stopped it."""
from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

DOCX_PARTS = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                           '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                           '<Default Extension="xml" ContentType="application/xml"/>'
                           '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
}
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def huge_page_pdf(path: Path, inches: int = 200) -> Path:
    """A one-page PDF of `inches` × `inches` with no text layer (a scan to be): a 22 KB file that
    rendered at 300 dpi needs 3.6 billion pixels."""
    from reportlab.pdfgen import canvas
    c = canvas.Canvas(str(path), pagesize=(inches * 72, inches * 72))
    c.rect(72, 72, 144, 144, fill=1)
    c.showPage()
    c.save()
    return path


def many_pages_pdf(path: Path, pages: int = 2000) -> Path:
    """Thousands of scanned-looking pages (no text layer) in a small file."""
    from reportlab.pdfgen import canvas
    c = canvas.Canvas(str(path))
    for _ in range(pages):
        c.rect(100, 100, 50, 50, fill=1)
        c.showPage()
    c.save()
    return path


def _docx(path: Path, document: bytes, level: int = 9) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        for name, body in DOCX_PARTS.items():
            z.writestr(name, body)
        z.writestr("word/document.xml", document)
    return path


def zip_bomb_docx(path: Path, megabytes: int = 64) -> Path:
    """A .docx whose document.xml inflates a thousandfold: one paragraph of `megabytes` MB."""
    para = b'<w:p><w:r><w:t>' + b"a" * (megabytes * 1024 * 1024) + b'</w:t></w:r></w:p>'
    doc = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body>'.encode() + para + b"</w:body></w:document>"
    return _docx(path, doc)


def entity_bomb_docx(path: Path) -> Path:
    """A .docx whose document.xml is a billion laughs."""
    ents = '<!ENTITY l0 "ha">' + "".join(f'<!ENTITY l{i} "{("&l%d;" % (i - 1)) * 10}">' for i in range(1, 10))
    doc = (f'<?xml version="1.0"?><!DOCTYPE w:document [{ents}]><w:document xmlns:w="{W}"><w:body>'
           f'<w:p><w:r><w:t>&l9;</w:t></w:r></w:p></w:body></w:document>')
    return _docx(path, doc.encode())


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(path: Path, side: int = 50_000) -> Path:
    """A PNG that says it is side × side pixels (2.5 billion): a few hundred bytes on disk."""
    ihdr = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * (side + 1) * 4, 9)          # the first rows only
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b""))
    return path


def broken_png(path: Path) -> Path:
    """A PNG with a right header and a garbled image stream."""
    ihdr = struct.pack(">IIBBBBB", 800, 600, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", b"\x78\x9c garbage not zlib" * 20)
                     + _chunk(b"IEND", b""))
    return path
