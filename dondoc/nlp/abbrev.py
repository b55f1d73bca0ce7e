"""Abbreviations a document defines for itself: `Ban Quản lý các khu công nghiệp tỉnh (sau đây
viết tắt là BQLKCN)`, `Bộ Lao động - Thương binh và Xã hội (sau đây viết tắt là LĐTBXH)`.
Later mentions (`Giao BQLKCN ...`, `Sở LĐTBXH`) then name the body in full."""
from __future__ import annotations

import re

from .agency import Found, Gazetteer
from .fold import fold

DEFINITION_RE = re.compile(
    r"\(\s*(?:sau day|duoi day)?\s*(?:duoc\s+)?(?:viet|goi)\s+tat\s+(?:la|:)\s*:?\s*[\"“']?(?P<abbr>[^)\"”']{2,30}?)[\"”']?\s*\)")
_ACRONYM = re.compile(r"[A-ZĐ][A-ZĐ&.\-]{1,15}")
_HEAD = re.compile(r"(?<!\w)(?:Ban|Sở|Bộ|Ủy ban|Uỷ ban|Cục|Tổng cục|Trung tâm|Phòng|Hội|Liên đoàn|Văn phòng|Viện|Quỹ|Công ty|Tổng công ty)\s")
_PREFIXES = ("Bộ ", "Sở ", "Phòng ")


def definitions(text: str, folded: str, g: Gazetteer, ocr: bool = False) -> list[tuple[str, str]]:
    """(abbreviation, full canonical name) pairs defined in the text."""
    out = []
    for m in DEFINITION_RE.finditer(folded):
        abbr = text[m.start("abbr"):m.end("abbr")].strip()
        if not _ACRONYM.fullmatch(abbr):
            continue
        before = text[max(0, m.start() - 160):m.start()].rstrip()
        before = before[before.rfind("\n") + 1:]
        found = [f for f in g.find(before, ocr=ocr) if f.end >= len(before) - 1]
        if found:
            full = found[-1].canonical
        else:
            heads = [h.start() for h in _HEAD.finditer(before)]
            if not heads:
                continue
            full = re.sub(r"\s+", " ", before[heads[-1]:]).strip(" ,;")
        out.append((abbr, full))
    return out


def mentions(text: str, folded: str, defs: list[tuple[str, str]]) -> list[Found]:
    """Where the defined abbreviations are used, as agencies (with `Bộ`/`Sở` before a field's
    abbreviation: that body of the field)."""
    out = []
    for abbr, full in defs:
        fa = re.escape(fold(abbr))
        for m in re.finditer(rf"(?<![\w/\-])(?:(?P<p>bo|so|phong)\s+)?{fa}(?![\w/\-])", folded):
            if text[m.start():m.start() + 1].islower() and not m.group("p"):
                continue
            if DEFINITION_RE.match(folded, max(0, folded.rfind("(", 0, m.start()))) and folded.find(")", m.start()) < folded.find("(", m.start()) + 1:
                inside = folded.rfind("(", 0, m.start()) > folded.rfind(")", 0, m.start())
                if inside:
                    continue
            prefix = m.group("p")
            name = full
            if prefix:
                own = next((p for p in _PREFIXES if full.startswith(p)), None)
                written = text[m.start("p"):m.end("p")]
                name = f"{written[:1].upper()}{written[1:]} {full[len(own):] if own else full}"
            out.append(Found(m.start(), m.end(), name, "defined"))
    return out


def merge(found: list[Found], extra: list[Found]) -> list[Found]:
    """Gazetteer matches win where the two overlap."""
    taken = [(f.start, f.end) for f in found]
    keep = [e for e in extra if not any(s < e.end and e.start < t for s, t in taken)]
    return sorted(found + keep, key=lambda f: f.start)


def agencies_of(text: str, folded: str, g: Gazetteer, ocr: bool = False) -> list[Found]:
    """Every agency named in a text: the gazetteer's names and the document's own abbreviations,
    found once for all the stages that need them."""
    return merge(g.find(text, folded, ocr=ocr), mentions(text, folded, definitions(text, folded, g, ocr)))
