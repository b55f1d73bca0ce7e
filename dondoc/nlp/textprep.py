"""Cleaning text read from any source into the one text every span points into."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_MD_LINK = re.compile(r"\[([^\]\n]+)\]\((?:mailto:|https?://)[^)\s]+\)")
_MD_EMPH = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])")


def clean(text: str) -> str:
    """NFC, plain line breaks, no markdown emphasis, no trailing spaces; line structure kept."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = text.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "")
    text = text.replace("**", "")
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_EMPH.sub(r"\1", text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return normalize_tone(text.strip("\n") + "\n")


# the old placement marks the second vowel of an open oa, oe or uy (`hoà`, `khoẻ`, `Uỷ`); with a
# consonant after it (`hoàn`, `huấn`) both placements agree, so those words are left alone
_OLD_TONE = re.compile(r"\w*(?:[oO][àáảãạèéẻẽẹÀÁẢÃẠÈÉẺẼẸ]|[uU][ỳýỷỹỵỲÝỶỸỴ])(?![^\W\d_])")


@lru_cache(maxsize=8192)
def _new_style(word: str) -> str:
    from underthesea import text_normalize
    out = text_normalize(word)
    return out if len(out) == len(word) else word


def normalize_tone(text: str) -> str:
    """Old tone placement to the standard one (`hoà` -> `hòa`, `Uỷ` -> `Ủy`) with underthesea's
    text_normalize, word by word so that every offset stays where it was."""
    return _OLD_TONE.sub(lambda m: _new_style(m.group(0)), text)


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
