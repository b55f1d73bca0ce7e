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


# the open pair itself: a word to normalise runs from its start to the last such pair in it
_OLD_PAIR = re.compile(r"(?:[oO][àáảãạèéẻẽẹÀÁẢÃẠÈÉẺẼẸ]|[uU][ỳýỷỹỵỲÝỶỸỴ])(?![^\W\d_])")


def normalize_tone(text: str) -> str:
    """Old tone placement to the standard one (`hoà` -> `hòa`, `Uỷ` -> `Ủy`) with underthesea's
    text_normalize, word by word so that every offset stays where it was.

    What `_OLD_TONE.sub` would replace, found faster: `_OLD_TONE` tries a run of word characters
    at every position of the text; here only the pairs are searched, and each word is taken from
    the start of its run of word characters (\\w: alphanumeric or `_`) to the end of the last
    pair in that run, as `_OLD_TONE`'s greedy `\\w*` does."""
    out: list[str] = []
    pos = start = end = 0
    found = False
    for m in _OLD_PAIR.finditer(text):
        s = m.start()
        while s > 0 and (text[s - 1].isalnum() or text[s - 1] == "_"):
            s -= 1
        if found and s == start:
            end = m.end()
            continue
        if found:
            out.append(text[pos:start])
            out.append(_new_style(text[start:end]))
            pos = end
        found, start, end = True, s, m.end()
    if not found:
        return text
    out.append(text[pos:start])
    out.append(_new_style(text[start:end]))
    out.append(text[end:])
    return "".join(out)


_SPACES = re.compile(r"\s+")


def collapse(text: str) -> str:
    return _SPACES.sub(" ", text).strip()
