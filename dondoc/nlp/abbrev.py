"""Abbreviations a document defines for itself: `Ban Quản lý các khu công nghiệp tỉnh (sau đây
viết tắt là BQLKCN)`, `Bộ Lao động - Thương binh và Xã hội (sau đây viết tắt là LĐTBXH)`, and the
bare bracket after a body's name whose initials it is: `Phòng Đào tạo Đại học (P.ĐTĐH)`,
`Khoa Hệ thống Thông tin (K.HTTT)`. Later mentions (`Giao BQLKCN ...`, `Sở LĐTBXH`, `P.ĐTĐH gửi
...`) then name the body in full."""
from __future__ import annotations

import re

from .agency import Found, Gazetteer
from .fold import fold, initials
from .lexicon import Lexicon

DEFINITION_RE = re.compile(
    r"\(\s*(?:sau day|duoi day)?\s*(?:duoc\s+)?(?:viet|goi)\s+tat\s+(?:la|:)\s*:?\s*[\"“']?(?P<abbr>[^)\"”']{2,30}?)[\"”']?\s*\)")
BARE_RE = re.compile(r"\(\s*(?P<abbr>[A-ZĐ][A-ZĐ&.\-]{1,12})\s*\)")
_ACRONYM = re.compile(r"[A-ZĐ][A-ZĐ&.\-]{1,15}")
# a short name in the bracket: the body's head word(s), then initials (`Chi cục Hải quan cửa khẩu cảng
# Sài Gòn khu vực 1 (Chi cục HQCK cảng SGKV 1)`)
SHORT_RE = re.compile(r"\(\s*(?P<abbr>[A-ZĐ][^()\n]{3,40}?)\s*\)")
_PREFIXES = ("Bộ ", "Sở ", "Phòng ")


def _named_before(text: str, at: int, g: Gazetteer, lex: Lexicon, ocr: bool, letters: str | None = None,
                  first_word: str | None = None) -> str | None:
    """The body named right before text[at] on its line: a gazetteer name, else the words from a
    head noun (`Ban`, `Trung tâm` ...) on; with `letters`, the one whose initials they are; with
    `first_word`, the longest that opens with it."""
    before = text[max(0, at - 160):at].rstrip()
    before = before[before.rfind("\n") + 1:]

    def fits(name: str) -> bool:
        return (letters is None or _fits(letters, name)) and (first_word is None or name.split()[0] == first_word)
    found = [f for f in g.find(before, ocr=ocr) if f.end >= len(before) - 1]
    if found and fits(found[-1].canonical):
        return found[-1].canonical
    fb = fold(before)
    heads = [m.start() for m in lex.head_re.finditer(fb) if before[m.start()].isupper()]
    names = [re.sub(r"\s+", " ", before[h:]).strip(" ,;") for h in heads]
    if letters is not None or first_word is not None:
        return next((n for n in names if fits(n)), None)
    return names[-1] if names else None


def _fits(letters: str, name: str) -> bool:
    """An abbreviation is the name's initials, perhaps without its head's (`P.ĐTĐH`, `ĐTĐH`)."""
    ini = initials(name)
    return len(letters) >= 2 and (letters == ini or letters == ini[1:])


def definitions(text: str, folded: str, g: Gazetteer, lex: Lexicon, ocr: bool = False) -> list[tuple[str, str]]:
    """(abbreviation, full canonical name) pairs defined in the text."""
    out = []
    for m in DEFINITION_RE.finditer(folded):
        abbr = text[m.start("abbr"):m.end("abbr")].strip()
        full = _named_before(text, m.start(), g, lex, ocr) if _ACRONYM.fullmatch(abbr) else None
        if full:
            out.append((abbr, full))
    for m in SHORT_RE.finditer(text):
        if (short := _short_name(text, m, g, lex, ocr)) is not None:
            out.append(short)
    for m in BARE_RE.finditer(text):
        abbr = m.group("abbr")
        # the bracket holds the name's own initials (P.ĐTĐH = Phòng Đào tạo Đại học), not a code
        full = _named_before(text, m.start(), g, lex, ocr, letters=fold(re.sub(r"[^A-ZĐ]", "", abbr)))
        if full:
            out.append((abbr, full))
    return out


def _short_name(text: str, m: re.Match[str], g: Gazetteer, lex: Lexicon, ocr: bool) -> tuple[str, str] | None:
    """(short name, full name) when the bracket shortens the body named before it: its first word
    is the name's, and initials stand for the rest."""
    abbr = re.sub(r"\s+", " ", m.group("abbr"))
    words = abbr.split()
    if len(words) < 2 or not any(_ACRONYM.fullmatch(w) and len(w) >= 3 for w in words[1:]):
        return None
    full = _named_before(text, m.start(), g, lex, ocr, first_word=words[0])
    if not full or len(full) <= len(abbr):
        return None
    return abbr, full


def mentions(text: str, folded: str, defs: list[tuple[str, str]]) -> list[Found]:
    """Where the defined abbreviations are used, as agencies (with `Bộ`/`Sở` before a field's
    abbreviation: that body of the field)."""
    out = []
    for abbr, full in defs:
        fa = _spelling_re(fold(abbr))
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


def _spelling_re(folded_abbr: str) -> str:
    """An abbreviation however its parts are joined: `P.ĐTĐH`, `P-ĐTĐH` and `PĐTĐH` are one."""
    parts = [p for p in re.split(r"[.\-]", folded_abbr) if p]
    if len(parts) < 2:
        return re.escape(folded_abbr)
    return r"[.\-]?".join(re.escape(p) for p in parts)


def merge(found: list[Found], extra: list[Found]) -> list[Found]:
    """Gazetteer matches win where the two overlap."""
    taken = [(f.start, f.end) for f in found]
    keep = [e for e in extra if not any(s < e.end and e.start < t for s, t in taken)]
    return sorted(found + keep, key=lambda f: f.start)


def agencies_of(text: str, folded: str, g: Gazetteer, lex: Lexicon, ocr: bool = False) -> list[Found]:
    """Every agency named in a text: the gazetteer's names and the document's own abbreviations,
    found once for all the stages that need them."""
    return merge(g.find(text, folded, ocr=ocr), mentions(text, folded, definitions(text, folded, g, lex, ocr)))
