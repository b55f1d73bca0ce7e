"""What every reader returns: pages of text, what the reader learned about the file besides its
text (metadata), and the files that came inside it or with it (children).

One contract serves every door: a scan's incoming stamp, an e-signed PDF's annotations, an edXML
envelope's header travel in `metadata`; an e-mail's or an envelope's attachments and a second
document found in the same file travel in `children`. All of it is stored with the document.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Page:
    number: int
    text: str
    method: str                 # "text" (a text layer, a Word or text file) or "ocr"
    confidence: float | None = None   # mean Tesseract word confidence, 0-100, for OCR'd pages
    # what the reader learned about this page: e.g. {"rotated": 90, "low_confidence": [...]}
    metadata: dict = field(default_factory=dict)


@dataclass
class Child:
    """A file inside or beside the one read.

    role "attachment": a file of its own (an e-mail's or edXML envelope's attachment, a file
    embedded in a PDF), its bytes in `data`; the pipeline keeps it beside the original.
    role "document": a second, separate document inside the same file (another letter's first
    page); its text is part of the parent's pages, `pages` says which, `data` stays empty.
    """
    name: str
    mime: str
    role: str = "attachment"    # attachment | document
    data: bytes = b""
    pages: list[int] = field(default_factory=list)
    metadata: dict = field(default_factory=dict)


@dataclass
class ReadResult:
    mime: str
    kind: str                   # pdf | image | docx | doc | rtf | odt | text
    pages: list[Page] = field(default_factory=list)
    # JSON-ready facts about the whole file: {"stamp": {"number": …, "date": …}},
    # {"annotations": [...]}, {"form_fields": {...}}, {"edxml": {...}} …
    metadata: dict = field(default_factory=dict)
    children: list[Child] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join(p.text.strip("\n") for p in self.pages)
