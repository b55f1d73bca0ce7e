"""The pre-Unicode Vietnamese encodings offices still have files in: TCVN3 (ABC) and VNI.

Both put Vietnamese letters on single bytes of the Windows code page; a file in one of them is
not valid UTF-8, and its letters are recognised by the bytes the encoding uses most.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ..nlp.ocrfix import word_list

# TCVN3 (TCVN 5712:1993, "ABC" fonts .VnTime): byte -> letter (lower case set; capitals of the
# plain letters use the upper-case font, which shares these codes).
_TCVN3 = {
    0xB8: "á", 0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB9: "ạ",
    0xA8: "ă", 0xBE: "ắ", 0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xC6: "ặ",
    0xA9: "â", 0xCA: "ấ", 0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCB: "ậ",
    0xD0: "é", 0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD1: "ẹ",
    0xAA: "ê", 0xD5: "ế", 0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD6: "ệ",
    0xDD: "í", 0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDE: "ị",
    0xE3: "ó", 0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE4: "ọ",
    0xAB: "ô", 0xE8: "ố", 0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE9: "ộ",
    0xAC: "ơ", 0xED: "ớ", 0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xEE: "ợ",
    0xF3: "ú", 0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF4: "ụ",
    0xAD: "ư", 0xF8: "ứ", 0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF9: "ự",
    0xFD: "ý", 0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFE: "ỵ",
    0xAE: "đ", 0xA7: "Đ", 0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư",
}


# VNI (VNI-Windows fonts): a letter is its base letter followed by one or two mark bytes of the
# Windows code page (read as cp1252: "Vieät" is Việt); i, ơ, ư, ỵ and đ have single bytes.
_VNI_TONES = ("\u0301", "\u0300", "\u0309", "\u0303", "\u0323")       # sắc huyền hỏi ngã nặng


def _vni_table() -> dict[str, str]:
    import unicodedata
    table: dict[str, str] = {}

    def add(letter: str, lower: str, upper: str) -> None:
        table[lower] = unicodedata.normalize("NFC", letter)
        table[upper] = unicodedata.normalize("NFC", letter).upper()

    for base in "aeouy":
        for tone, mark in zip(_VNI_TONES, "ùøûõï"):
            if (base, tone) != ("y", "\u0323"):
                add(base + tone, base + mark, base.upper() + mark.upper())
    add("y\u0323", "î", "Î")
    for base in "aeo":                                   # â ê ô
        add(base + "\u0302", base + "â", base.upper() + "Â")
        for tone, mark in zip(_VNI_TONES, "áàåãä"):
            add(base + "\u0302" + tone, base + mark, base.upper() + mark.upper())
    add("a\u0306", "aê", "AÊ")                          # ă
    for tone, mark in zip(_VNI_TONES, "éèúüë"):
        add("a\u0306" + tone, "a" + mark, "A" + mark.upper())
    for tone, mark in zip(_VNI_TONES, "íìæóò"):         # i
        add("i" + tone, mark, mark.upper())
    for base, byte in (("o\u031b", "ô"), ("u\u031b", "ö")):    # ơ ư
        add(base, byte, byte.upper())
        for tone, mark in zip(_VNI_TONES, "ùøûõï"):
            add(base + tone, byte + mark, byte.upper() + mark.upper())
    add("đ", "ñ", "Ñ")
    return table


_VNI = _vni_table()
_VNI_RE = re.compile("|".join(re.escape(k) for k in sorted(_VNI, key=len, reverse=True)))


def decode_tcvn3(data: bytes) -> str:
    return "".join(_TCVN3.get(b, chr(b) if b < 0x80 else data[i:i + 1].decode("cp1252", "replace"))
                   for i, b in enumerate(data))


def decode_vni(data: bytes) -> str:
    return _VNI_RE.sub(lambda m: _VNI[m.group()], data.decode("cp1252", "replace"))


@lru_cache(maxsize=1)
def _syllables() -> frozenset[str]:
    # underthesea's Viet74K word list, split into syllables: the yardstick for a decoding
    words = word_list()
    return frozenset(unicodedata.normalize("NFC", w) for line in words.lower().splitlines() for w in line.split())


def vietnamese_share(text: str) -> float:
    """The share of words with non-ASCII letters that are Vietnamese syllables."""
    words = [w for w in re.findall(r"[^\W\d_]+", text.lower()) if not w.isascii()]
    if not words:
        return 0.0
    known = _syllables()
    return sum(1 for w in words if w in known) / len(words)


def decode_legacy(data: bytes) -> str | None:
    """The text of a file in TCVN3 or VNI, whichever reads as Vietnamese; None for neither."""
    if sum(1 for b in data if b >= 0x80) < 5:
        return None
    best = max((decode(data) for decode in (decode_tcvn3, decode_vni)), key=vietnamese_share)
    return best if vietnamese_share(best) >= 0.6 else None
