"""Word files (.docx): paragraphs and tables in document order; a table row as `cell | cell`."""
from __future__ import annotations

from pathlib import Path

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from .base import Page, ReadResult
from .errors import IngestError

MIMES = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",)


def read(path: Path, mime: str) -> ReadResult:
    try:
        d = docx.Document(str(path))
    except Exception as exc:
        raise IngestError("tệp Word bị hỏng hoặc không đọc được", "corrupt") from exc
    lines: list[str] = []
    for child in d.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, d).text)
        elif tag == "tbl":
            for row in Table(child, d).rows:
                cells = []
                for c in row.cells:
                    t = " ".join(c.text.split())
                    if not cells or cells[-1] != t:   # merged cells repeat their text
                        cells.append(t)
                lines.append(" | ".join(cells))
            lines.append("")
    text = "\n".join(lines)
    if not text.strip():
        raise IngestError("tệp Word không có nội dung", "empty")
    return ReadResult(mime, "docx", [Page(1, text, "text")])
