"""The pre-Unicode Vietnamese encodings offices still have files in: TCVN3 (ABC) and VNI.

Both put Vietnamese letters on single bytes of the Windows code page; a file in one of them is
not valid UTF-8, and its letters are recognised by the bytes the encoding uses most.
"""
from __future__ import annotations

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


def looks_legacy(data: bytes) -> bool:
    high = [b for b in data if b >= 0x80]
    if len(high) < 5:
        return False
    hits = sum(1 for b in high if b in _TCVN3)
    return hits / len(high) > 0.9


def decode_legacy(data: bytes) -> str:
    return "".join(_TCVN3.get(b, chr(b) if b < 0x80 else data[i:i + 1].decode("cp1252", "replace"))
                   for i, b in enumerate(data))
