"""Folding and word splitting take shortcuts on long texts (a numpy lookup, lower-casing the whole
text at once); they must give exactly what the per-character table and per-word lower-casing give."""
from __future__ import annotations

import re

from dondoc.nlp.fold import _TABLE, fold
from dondoc.search.base import raw_terms

from .conftest import CORPUS

ODD = "İstanbul ΟΔΟΣ.Α Straße ﬁnal 東京 😀 Ǆ ẞ ǅ ꞵ Ω Ꮳ"


def _per_character(text: str) -> str:
    return text.lower() if text.isascii() else text.translate(_TABLE)


def _per_word(text: str) -> list[str]:
    return [w.lower() for w in re.findall(r"[^\W_]+", text)]


def test_long_texts_fold_as_the_table_does():
    every = "".join(chr(cp) for cp in range(0x20, 0x2100))
    texts = [every, every + ODD, ODD * 10] + [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*/*.txt"))]
    for t in texts:
        assert fold(t) == _per_character(t)
        assert len(fold(t)) == len(t)
    assert fold("Sở Lao động - Thương binh và Xã hội tỉnh Kon Tum, Đắk Lắk " * 3).startswith("so lao dong - thuong binh")


def test_words_as_written_are_the_per_word_lower_case():
    every = " ".join(chr(cp) for cp in range(0x20, 0x2100))
    for t in [every, ODD, "ΟΔΟΣ.Α", "ΑΣ"] + [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*/*.txt"))]:
        assert raw_terms(t) == _per_word(t)
