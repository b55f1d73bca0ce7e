"""What e-signing software writes over a PDF page rather than into it: the number and the date
stamped as signature or form-field appearances, the signer's block of a portal ("Người ký: …,
Thời gian ký: …"), form fields' values.

pdfplumber reads the page's own content only. pdfium flattens the annotations' appearances into
the page, and the characters that appear then are the annotations' text, with their positions:
they are merged into the page's characters, so the number stands after "Số:" where it is printed.
A signer's block is not part of the document: it goes to the metadata, not the text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
from pdfminer.pdftypes import resolve1
from pdfminer.psparser import PSLiteral

from ..nlp.fold import fold

# a signing portal's block: every line a label of the signature ("Ký bởi", "Người ký", "Email" …)
_SIGNER_LINE = re.compile(r"^(nguoi ky|ky boi|thoi gian ky|ngay ky|email|co quan|to chuc|chuc vu)\s*:")


@dataclass
class PageAnnotations:
    chars: list[dict] = field(default_factory=list)   # pdfplumber-style characters to merge
    notes: list[dict] = field(default_factory=list)   # {"text", "rect", "in_text"} per annotation


def is_signer_block(text: str) -> bool:
    lines = [fold(x).strip() for x in text.splitlines() if x.strip()]
    return bool(lines) and sum(bool(_SIGNER_LINE.match(x)) for x in lines) >= max(1, (len(lines) + 1) // 2)


def _rects(page) -> list[tuple[float, float, float, float]]:
    out = []
    for i in range(pdfium_raw.FPDFPage_GetAnnotCount(page)):
        a = pdfium_raw.FPDFPage_GetAnnot(page, i)
        r = pdfium_raw.FS_RECTF()
        ok = pdfium_raw.FPDFAnnot_GetRect(a, r)
        pdfium_raw.FPDFPage_CloseAnnot(a)
        if ok:
            out.append((min(r.left, r.right), min(r.bottom, r.top), max(r.left, r.right), max(r.bottom, r.top)))
    return out


def read_annotations(path: str) -> dict[int, PageAnnotations]:
    """Page index -> the text its annotations draw, for pages that have annotations with text."""
    out: dict[int, PageAnnotations] = {}
    pdf = pdfium.PdfDocument(path)
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            rects = _rects(page)
            if not rects:
                page.close()
                continue
            before = page.get_textpage().count_chars()
            pdfium_raw.FPDFPage_Flatten(page, pdfium_raw.FLAT_NORMALDISPLAY)
            page.close()
            page = pdf[index]          # a flattened page is read anew
            height = page.get_height()
            tp = page.get_textpage()
            groups: dict[int, list[dict]] = {}
            for i in range(before, tp.count_chars()):
                ch = tp.get_text_range(i, 1)
                if not ch.strip():
                    continue
                left, bottom, right, top = tp.get_charbox(i)
                cx, cy = (left + right) / 2, (bottom + top) / 2
                owner = next((k for k, (x0, y0, x1, y1) in enumerate(rects) if x0 <= cx <= x1 and y0 <= cy <= y1), -1)
                size = max(top - bottom, 1.0)
                groups.setdefault(owner, []).append({
                    "text": ch, "x0": left, "x1": right, "top": height - top, "bottom": height - bottom,
                    "doctop": height - top, "upright": True, "size": size, "width": right - left, "height": size,
                    "fontname": "annotation"})
            page.close()
            if not groups:
                continue
            pa = PageAnnotations()
            for owner, chars in groups.items():
                text = tp_text(chars)
                rect = [round(v, 1) for v in rects[owner]] if owner >= 0 else None
                in_text = not is_signer_block(text)
                pa.notes.append({"text": text, "rect": rect, "in_text": in_text})
                if in_text:
                    pa.chars.extend(chars)
            out[index] = pa
    finally:
        pdf.close()
    return out


def tp_text(chars: list[dict]) -> str:
    """An annotation's characters as lines (they come in drawing order)."""
    import pdfplumber.utils
    return pdfplumber.utils.extract_text(chars, x_tolerance=1.5, y_tolerance=3)


def _text(v) -> str | None:
    v = resolve1(v)
    if isinstance(v, bytes):
        if v.startswith((b"\xfe\xff", b"\xff\xfe")):
            return v.decode("utf-16")
        from pdfminer.utils import decode_text
        return decode_text(v)
    if isinstance(v, PSLiteral):
        return str(v.name)
    if isinstance(v, str):
        return v
    return None


def pdf_date(v: str | None) -> str | None:
    """A PDF date (D:20260429141831+07'00') as ISO 8601."""
    m = re.match(r"D:(\d{4})(\d\d)(\d\d)(\d\d)?(\d\d)?(\d\d)?([+-Z])?(\d\d)?'?(\d\d)?", v or "")
    if not m:
        return None
    y, mo, d, hh, mi, ss, sign, th, tm = m.groups()
    iso = f"{y}-{mo}-{d}T{hh or '00'}:{mi or '00'}:{ss or '00'}"
    if sign == "Z":
        iso += "+00:00"
    elif sign in "+-" and sign and th:
        iso += f"{sign}{th}:{tm or '00'}"
    return iso


def read_fields(doc) -> tuple[dict, list[dict]]:
    """A pdfminer document's form fields: (text and choice values by name, signatures)."""
    values: dict[str, str] = {}
    signatures: list[dict] = []
    form = resolve1(doc.catalog.get("AcroForm")) if doc is not None else None
    if not isinstance(form, dict):
        return values, signatures
    stack = [(f, "") for f in (resolve1(form.get("Fields")) or [])]
    seen = set()
    while stack:
        ref, prefix = stack.pop(0)
        if id(ref) in seen:
            continue
        seen.add(id(ref))
        f = resolve1(ref)
        if not isinstance(f, dict):
            continue
        name = _text(f.get("T")) or ""
        full = f"{prefix}.{name}" if prefix and name else (name or prefix)
        kids = resolve1(f.get("Kids"))
        if isinstance(kids, list):
            stack.extend((k, full) for k in kids)
        kind = _text(f.get("FT"))
        v = resolve1(f.get("V"))
        if kind == "Sig" and isinstance(v, dict):
            sig = {"field": full, "name": _text(v.get("Name")), "signed_at": pdf_date(_text(v.get("M"))),
                   "reason": _text(v.get("Reason")), "location": _text(v.get("Location"))}
            signatures.append({k: x for k, x in sig.items() if x})
        elif kind in ("Tx", "Ch") and v is not None:
            t = _text(v) if not isinstance(v, list) else ", ".join(filter(None, (_text(x) for x in v)))
            if t:
                values[full] = t
    return values, signatures
