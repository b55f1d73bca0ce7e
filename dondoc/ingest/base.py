"""What every reader returns."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Page:
    number: int
    text: str
    method: str                 # "text" (a text layer, a Word or text file) or "ocr"
    confidence: float | None = None   # mean Tesseract word confidence, 0-100, for OCR'd pages


@dataclass
class ReadResult:
    mime: str
    kind: str                   # pdf | image | docx | text
    pages: list[Page] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join(p.text.strip("\n") for p in self.pages)
