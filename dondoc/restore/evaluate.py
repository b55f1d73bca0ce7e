"""Syllable accuracy of a restored text against its original (issue #15's measure).

Every word of letters in the original counts. Words are aligned by their stripped form
(difflib over the folded words), so that a word the restorer left out or split counts as
wrong rather than shifting everything after it; two words are equal when they are the same
after NFC, lower case and the standard tone placement (`hoà` = `hòa`).
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from ..nlp.fold import fold
from ..nlp.textprep import normalize_tone

WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@dataclass
class Score:
    correct: int = 0
    total: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)   # (original, restored)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 1.0

    def __iadd__(self, other: "Score") -> "Score":
        self.correct += other.correct
        self.total += other.total
        self.errors += other.errors
        return self


def _canon(word: str) -> str:
    return normalize_tone(unicodedata.normalize("NFC", word).lower())


def syllable_accuracy(original: str, restored: str) -> Score:
    o = WORD.findall(unicodedata.normalize("NFC", original))
    r = WORD.findall(unicodedata.normalize("NFC", restored))
    matcher = difflib.SequenceMatcher(None, [fold(w) for w in o], [fold(w) for w in r], autojunk=False)
    score = Score(total=len(o))
    for a, b, n in matcher.get_matching_blocks():
        for i in range(n):
            if _canon(o[a + i]) == _canon(r[b + i]):
                score.correct += 1
            else:
                score.errors.append((o[a + i], r[b + i]))
    return score
