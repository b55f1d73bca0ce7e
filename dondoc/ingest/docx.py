"""Word files (.docx): paragraphs and tables in document order; a table row as `cell | cell`.

Text set in the pre-Unicode Vietnamese fonts (TCVN3 `.VnTime`, `.VnArial` …; VNI `VNI-Times` …)
is stored as the bytes of those fonts: each run is decoded by the font it is shown in (its own,
else its style's, else the document's default), so a file mixing Unicode and TCVN3 reads whole.
"""
from __future__ import annotations

from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.table import Table

from .base import Page, ReadResult
from .errors import IngestError
from .limits import DEFAULT, Limits, check_xml_parts, check_zip
from .vnlegacy import decode_tcvn3, decode_vni

MIMES = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",)
_SKIP = {qn("w:drawing"), qn("w:pict"), qn("w:object"), "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent"}


def legacy_decoder(font: str | None):
    """The decoder for text shown in `font`, or None for a Unicode font."""
    name = (font or "").strip().lower()
    if name.startswith(".vn"):
        # .VnTimeH, .VnArialH …: the capitals font shows the same codes as capital letters
        upper = (font or "").strip().endswith("H")
        return (lambda b: decode_tcvn3(b).upper()) if upper else decode_tcvn3
    if name.startswith(("vni-", "vni ")):
        return decode_vni
    return None


def _font_bytes(text: str) -> bytes | None:
    """The font codes behind a run's characters (Word keeps them as Windows-1252 characters, or in
    the private area U+F0xx); None when the run holds real Unicode letters."""
    out = bytearray()
    for c in text:
        o = ord(c)
        if o < 0x80:
            out.append(o)
        elif 0xF000 <= o < 0xF100:
            out.append(o - 0xF000)
        else:
            try:
                out += c.encode("cp1252")
            except UnicodeEncodeError:
                if o < 0x100:
                    out.append(o)       # the five codes cp1252 leaves undefined
                else:
                    return None
    return bytes(out)


def _rfonts(rpr) -> str | None:
    f = rpr.find(qn("w:rFonts")) if rpr is not None else None
    if f is None:
        return None
    return f.get(qn("w:hAnsi")) or f.get(qn("w:ascii"))


class _Fonts:
    """The font a run is shown in: its own, its character style's, its paragraph style's (with
    the styles they are based on), else the document default."""

    def __init__(self, d: docx.document.Document):
        root = d.styles.element
        self.default = _rfonts(root.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}"))
        self.styles: dict[str, tuple[str | None, str | None]] = {}
        for st in root.findall(qn("w:style")):
            based = st.find(qn("w:basedOn"))
            self.styles[st.get(qn("w:styleId"))] = (_rfonts(st.find(qn("w:rPr"))), based.get(qn("w:val")) if based is not None else None)

    def of_style(self, sid: str | None) -> str | None:
        seen = set()
        while sid and sid not in seen:
            seen.add(sid)
            font, sid2 = self.styles.get(sid, (None, None))
            if font:
                return font
            sid = sid2
        return None

    def of_run(self, r, pstyle: str | None) -> str | None:
        rpr = r.find(qn("w:rPr"))
        own = _rfonts(rpr)
        if own:
            return own
        rstyle = rpr.find(qn("w:rStyle")) if rpr is not None else None
        return (self.of_style(rstyle.get(qn("w:val")) if rstyle is not None else None)
                or self.of_style(pstyle) or self.default)


def _runs(el):
    for child in el:
        if child.tag == qn("w:r"):
            yield child
        elif child.tag not in _SKIP:
            yield from _runs(child)


_PIECES = {qn("w:tab"): "\t", qn("w:br"): "\n", qn("w:cr"): "\n", qn("w:noBreakHyphen"): "-"}


def _run_text(r, legacy: bool) -> str:
    out = []
    for c in r:
        if c.tag == qn("w:t"):
            out.append(c.text or "")
        elif c.tag == qn("w:softHyphen"):
            # TCVN3's ư is the soft-hyphen code, which Word keeps as an element, not as text
            out.append("\xad" if legacy else "")
        else:
            out.append(_PIECES.get(c.tag, ""))
    return "".join(out)


def paragraph_text(p, fonts: _Fonts) -> str:
    ppr = p.find(qn("w:pPr"))
    ps = ppr.find(qn("w:pStyle")) if ppr is not None else None
    pstyle = ps.get(qn("w:val")) if ps is not None else None
    parts = []
    for r in _runs(p):
        decode = legacy_decoder(fonts.of_run(r, pstyle))
        text = _run_text(r, decode is not None)
        raw = _font_bytes(text) if decode else None
        parts.append(decode(raw) if raw is not None else text.replace("\xad", ""))
    return "".join(parts)


def document_text(d: docx.document.Document) -> str:
    fonts = _Fonts(d)
    lines: list[str] = []
    for child in d.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(paragraph_text(child, fonts))
        elif tag == "tbl":
            for row in Table(child, d).rows:
                cells = []
                for c in row.cells:
                    t = " ".join(" ".join(paragraph_text(p._p, fonts) for p in c.paragraphs).split())
                    if not cells or cells[-1] != t:   # merged cells repeat their text
                        cells.append(t)
                lines.append(" | ".join(cells))
            lines.append("")
    return "\n".join(lines)


def read(path: Path, mime: str, limits: Limits = DEFAULT) -> ReadResult:
    check_zip(path, limits)          # a zip bomb is refused before anything is inflated
    check_xml_parts(path)            # and an XML entity bomb before lxml parses it
    try:
        d = docx.Document(str(path))
    except Exception as exc:
        raise IngestError("tệp Word bị hỏng hoặc không đọc được", "corrupt") from exc
    import unicodedata
    text = unicodedata.normalize("NFC", document_text(d))
    if not text.strip():
        raise IngestError("tệp Word không có nội dung", "empty")
    return ReadResult(mime, "docx", [Page(1, text, "text")])
