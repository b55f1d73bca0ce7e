"""The tokens the restorer's language model is made of, one rule for training and decoding.

A text is cut into words of letters, runs of digits and single punctuation marks; spaces and
line breaks separate them and are not tokens (a dispatch's lines wrap mid-sentence). A word is
modelled in lower case with its tone mark in the standard place (`hoà` -> `hòa`); every number
is one token, `<n>`, so that `ngày 5` and `ngày 25` teach the model the same thing.
"""
from __future__ import annotations

import re
import unicodedata

from ..nlp.fold import fold
from ..nlp.textprep import normalize_tone

TOKEN = re.compile(r"[^\W\d_]+|\d+|[^\w\s]|_", re.UNICODE)
BOS, EOS, UNK, NUM = "<s>", "</s>", "<unk>", "<n>"
SPECIALS = (BOS, EOS, UNK, NUM)


def lm_form(token: str) -> str:
    """The model's token for a token of TOKEN (already tone-normalised, NFC)."""
    c = token[0]
    if c.isdigit():
        return NUM
    if c.isalpha():
        return token.lower()
    return token


def lm_tokens(text: str) -> list[str]:
    text = normalize_tone(unicodedata.normalize("NFC", text))
    return [lm_form(m.group(0)) for m in TOKEN.finditer(text)]


def cased_tokens(text: str) -> list[tuple[str, int]]:
    """(model token, case class) of each token; the class is -1 for numbers and punctuation."""
    text = normalize_tone(unicodedata.normalize("NFC", text))
    out = []
    for m in TOKEN.finditer(text):
        t = m.group(0)
        out.append((lm_form(t), case_class(t) if t[0].isalpha() else -1))
    return out


LOWER, TITLE, UPPER, MIXED = range(4)


def case_class(token: str) -> int:
    """How a word is written: `số` LOWER, `Sở` TITLE, `SỞ` UPPER, `TTr` MIXED."""
    if token.islower():
        return LOWER
    if token.isupper():
        return UPPER if len(token) > 1 else TITLE
    if token[0].isupper() and token[1:].islower():
        return TITLE
    return MIXED


def is_syllable_form(word: str) -> bool:
    """A lower-case word whose folded form is plain ASCII of the same length: one that a
    stripped text can show (`định` -> `dinh`), so that restoring it keeps every offset."""
    f = fold(word)
    return len(f) == len(word) and f.isascii() and f.isalpha()


def abbreviation_contexts(word: str):
    """(kind, context, is Đ) of each D or Đ of an upper-case initialism."""
    plain = word.replace("Đ", "D")
    for i, c in enumerate(word):
        if c in "DĐ":
            before = plain[i - 1] if i else "^"
            after = plain[i + 1] if i + 1 < len(plain) else "$"
            is_dd = int(c == "Đ")
            yield "pn", before + after, is_dd
            yield "p", before, is_dd
            yield "n", after, is_dd
            yield "", "", is_dd
