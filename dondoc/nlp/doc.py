"""The document every extraction stage works on, built once.

A `Doc` holds the cleaned text and its folded copy (same offsets, see `fold`), whether it was
read by OCR without Vietnamese, the lexicon and gazetteer in force, every agency the gazetteer or
the document's own abbreviations name (found in one pass), and where spaCy's matcher marks a
directive verb. Stages ask it; none searches the whole text again.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from .abbrev import agencies_of
from .agency import Found, Gazetteer, gazetteer
from .fold import diacritic_ratio, fold
from .lexicon import Lexicon, load
from .spacy_rules import directive_offsets

_LEADING = re.compile(r"[\s\-–+•*\d.)(\"“:]*")


_SYLLABLE = re.compile(r"[a-z0-9]+")


@dataclass
class Doc:
    text: str
    folded: str
    ocr: bool
    lexicon: Lexicon
    gazetteer: Gazetteer
    agencies: list[Found] = field(default_factory=list)
    directive_starts: frozenset[int] = frozenset()
    # typed without diacritics (or read by OCR without Vietnamese): a word's folded form is all
    # there is to go by; otherwise a word is what its diacritics say (`quan` is no `quận`)
    plain: bool = False
    # what a stage derives once from the whole document (bodies by their initials ...)
    derived: dict = field(default_factory=dict, repr=False)
    _starts: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self.agencies.sort(key=lambda f: f.start)
        self._starts = [f.start for f in self.agencies]

    def agencies_in(self, start: int, end: int) -> list[Found]:
        """Agencies named wholly inside text[start:end]."""
        i = bisect.bisect_left(self._starts, start)
        out = []
        while i < len(self.agencies) and self.agencies[i].start < end:
            if self.agencies[i].end <= end:
                out.append(self.agencies[i])
            i += 1
        return out

    def agency_at(self, pos: int) -> Found | None:
        """The agency named right at `pos` (spaces skipped)."""
        while pos < len(self.text) and self.text[pos] in " \t\n":
            pos += 1
        i = bisect.bisect_left(self._starts, pos)
        return self.agencies[i] if i < len(self.agencies) and self.agencies[i].start == pos else None

    def opens_with_directive(self, start: int, end: int) -> bool:
        """Whether text[start:end], past list markers, opens with a directive verb."""
        m = _LEADING.match(self.text, start, end)
        return (m.end() if m else start) in self.directive_starts

    def is_directive_at(self, pos: int) -> bool:
        """A directive verb begins at `pos`, as written (`Gan` of a tariff line is no `Gắn`)."""
        if pos not in self.directive_starts:
            return False
        verb = self.lexicon.verb_re.match(self.folded, pos)
        return verb is None or self.spelled(verb.start(), verb.end())

    def spelled(self, start: int, end: int) -> bool:
        """A word list's word found at folded[start:end] is that word in the original: `phụ cận`
        holds no `cần`, `căn cứ` no `cần`. Text without marks cannot tell them apart."""
        word = self.folded[start:end].strip()
        if self.plain:
            return not self._in_compound(word, start, end)
        forms = self.lexicon.verbs_written.get(word)
        return forms is None or self.text[start:end].strip().lower() in forms

    def _in_compound(self, word: str, start: int, end: int) -> bool:
        """Without marks: the word is a syllable of a compound that holds another word."""
        h = self.lexicon.plain_homographs.get(word)
        if h is None:
            return False
        before = _SYLLABLE.findall(self.folded, max(0, start - 12), start)
        after = _SYLLABLE.findall(self.folded, end, end + 16)
        phrase = " ".join([word, *after[:2]])
        if any(phrase == u or phrase.startswith(u + " ") for u in h["unless"]):
            return False            # `cần bổ sung`: the word after all
        return bool(before and before[-1] in h["after"]) or bool(after and after[0] in h["before"])


def build(text: str, ocr: bool = False, local=()) -> Doc:
    """The document of a cleaned text (`textprep.clean`), with the office's own agency names."""
    folded = fold(text)
    gz = gazetteer(local)
    lex = load()
    return Doc(text, folded, ocr, lex, gz, agencies_of(text, folded, gz, lex, ocr), directive_offsets(text),
               plain=ocr or diacritic_ratio(text) < 0.05)
