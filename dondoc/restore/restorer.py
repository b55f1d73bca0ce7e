"""A text in, the same text with its diacritics back out.

Three kinds of text:
- with diacritics (a normal Vietnamese text): left alone;
- typed without them (`De nghi So Y te bao cao`): every word without marks gets its marks
  back; words that have marks, numbers, punctuation, spaces and lines stay as they are, and a
  line that mostly has its marks (a quotation typed properly) is kept whole. Each restored
  character replaces one character, so every offset into the original holds in the copy;
- read by an OCR engine without Vietnamese (`Kinh gtri`, `ndm`): first repaired to syllables
  (nlp.ocrfix), then restored as if stripped; the copy keeps a map back to the original.
"""
from __future__ import annotations

import bisect
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from ..nlp.fold import diacritic_ratio, fold
from ..nlp.textprep import normalize_tone
from .decode import Decoder
from .model import Model
from .tokens import NUM, TOKEN, UNK, abbreviation_contexts, case_class, is_syllable_form

ACCENTED_TEXT = 0.15     # share of letters with marks above which a text has its diacritics
ACCENTED_LINE = 0.3      # share of words with marks above which a line is kept as typed
ABBREVIATION_EVIDENCE = 3   # initialisms a letter context must have been seen in to decide a D


@dataclass
class Restoration:
    text: str
    mode: str                          # unchanged | stripped | garbled
    to_original: list[int] | None = None   # garbled: offset in the original of each character (+ end)

    @property
    def changed(self) -> bool:
        return self.mode != "unchanged"

    def original_offset(self, i: int) -> int:
        return i if self.to_original is None else self.to_original[i]

    def restored_offset(self, original: int) -> int:
        """Where an offset of the original falls in the restored copy."""
        return original if self.to_original is None else bisect.bisect_left(self.to_original, original)

    def restored_span(self, start: int, end: int) -> str:
        """The restored copy of the original's text from `start` to `end`."""
        return self.text[self.restored_offset(start):self.restored_offset(end)]

    def runs(self) -> list[list[int]] | None:
        """The map back as [restored start, original start, length] runs, for storing; None when
        every offset is the same in both."""
        if self.to_original is None:
            return None
        out: list[list[int]] = []
        for i, o in enumerate(self.to_original[:-1]):
            if out and out[-1][0] + out[-1][2] == i and out[-1][1] + out[-1][2] == o:
                out[-1][2] += 1
            else:
                out.append([i, o, 1])
        return out


def strip_marks(text: str) -> str:
    """Same-length copy without diacritics, case kept (`Đồng` -> `Dong`)."""
    return "".join(_strip_char(c) if not c.isascii() else c for c in text)


def _strip_char(c: str) -> str:
    if c in "đĐ":
        return "d" if c == "đ" else "D"
    base = unicodedata.normalize("NFD", c)[0]
    return base if base.isascii() else c


def _in_code(text: str, start: int, end: int) -> bool:
    """Whether the word at text[start:end] is a part of a number and symbol (`119-KH/TU`,
    `12/QĐ-UBND`): joined by `-` or `/` to the next part, in a run without spaces that has a
    slash or a digit (so that a heading's `KINH TE-XA HOI` is no code)."""
    joined = (start > 1 and text[start - 1] in "-/" and text[start - 2].isalnum()) or \
        (end + 1 < len(text) and text[end] in "-/" and text[end + 1].isalnum())
    if not joined:
        return False
    a, b = start, end
    while a > 0 and not text[a - 1].isspace():
        a -= 1
    while b < len(text) and not text[b].isspace():
        b += 1
    run = text[a:b]
    return "/" in run or any(c.isdigit() for c in run)


def _recase(word: str, like: str) -> str:
    return "".join(w.upper() if o.isupper() else w for w, o in zip(word, like))


class Restorer:
    def __init__(self, model: Model):
        self.model = model
        self.decoder = Decoder(model)
        self.ids = {w: i for i, w in enumerate(model.vocab)}
        self.unk = self.ids[UNK]
        self._num = np.array([self.ids[NUM]])
        groups: dict[str, list[int]] = defaultdict(list)
        for i, w in enumerate(model.vocab):
            if w[0].isalpha() and is_syllable_form(w):
                groups[fold(w)].append(i)
        lp = model.uni_lp
        # most frequent first: a tie goes to the commoner word
        self.candidates = {f: np.array(sorted(ids, key=lambda i: -lp[i]), dtype=np.int64) for f, ids in groups.items()}
        self.abbreviations = model.meta.get("abbreviations") or {}
        # the candidates an initialism can be: no marks but Đ
        plain = np.array([w.replace("đ", "d").isascii() for w in model.vocab])
        self.initialisms = {f: c[plain[c]] for f, c in self.candidates.items() if plain[c].any()}

    def initialism(self, word: str) -> str:
        """An upper-case initialism the model has never seen, each D made Đ where the corpus's
        initialisms mostly have Đ between the same letters (`CNVCLD` -> `CNVCLĐ`, `GDDT` ->
        `GDĐT`): the most specific context seen often enough decides."""
        out = list(word)
        contexts = list(abbreviation_contexts(word))
        for k, i in enumerate(j for j, c in enumerate(word) if c == "D"):
            for kind, ctx, _ in contexts[4 * k:4 * k + 4]:
                d, dd = self.abbreviations.get(kind, {}).get(ctx, (0, 0))
                if d + dd >= ABBREVIATION_EVIDENCE:
                    if dd > d:
                        out[i] = "Đ"
                    break
        return "".join(out)

    # -- whole texts ---------------------------------------------------------------------------
    def restore(self, text: str) -> Restoration:
        from ..nlp.ocrfix import looks_garbled, repair
        text = unicodedata.normalize("NFC", text)
        if looks_garbled(text):
            repaired, to_orig = repair(text)
            return Restoration(self.restore_words(strip_marks(repaired), keep_marked_lines=False), "garbled", to_orig)
        if diacritic_ratio(text) >= ACCENTED_TEXT:
            return Restoration(text, "unchanged")
        out = self.restore_words(text)
        return Restoration(out, "stripped" if out != text else "unchanged")

    # -- words ---------------------------------------------------------------------------------
    def restore_words(self, text: str, keep_marked_lines: bool = True) -> str:
        """`text` with marks put on its words that have none (same length, NFC in)."""
        matches = list(TOKEN.finditer(text))
        if not matches:
            return text
        kept_lines = self._marked_lines(text, matches) if keep_marked_lines else set()
        newlines = [i for i, c in enumerate(text) if c == "\n"] if kept_lines else []
        cands: list[np.ndarray] = []
        cases: list[int] = []
        choose: list[int] = []           # positions whose word is to be chosen
        spelled: list[tuple[int, str]] = []   # initialisms put right letter by letter
        fixed_cache: dict[str, np.ndarray] = {}
        for k, m in enumerate(matches):
            tok = m.group(0)
            c = tok[0]
            if c.isalpha():
                skip = bool(kept_lines) and bisect.bisect(newlines, m.start()) in kept_lines
                arr, case, pick, spell = self._word(text, m, skip, fixed_cache)
                cands.append(arr)
                cases.append(case)
                if pick:
                    choose.append(k)
                if spell is not None:
                    spelled.append((k, spell))
                continue
            if c.isdigit():
                cands.append(self._num)
            else:
                arr = fixed_cache.get(tok)
                if arr is None:
                    arr = fixed_cache[tok] = np.array([self.ids.get(tok, self.unk)])
                cands.append(arr)
            cases.append(-1)
        out = list(text)
        for k, word in spelled:
            m = matches[k]
            out[m.start():m.end()] = word
        if not choose:
            return "".join(out)
        best = self.decoder.best(cands, cases)
        vocab = self.model.vocab
        for k in choose:
            m = matches[k]
            word = vocab[best[k]]
            out[m.start():m.end()] = _recase(word, m.group(0))
        return "".join(out)

    def _word(self, text: str, m, skip: bool, fixed_cache: dict) -> tuple[np.ndarray, int, bool, str | None]:
        """A word's candidates, its case class (-1: kept as is), whether the decoder chooses among
        them, and its spelling as an initialism put right letter by letter (or None)."""
        tok = m.group(0)
        low = tok.lower()
        spell = None
        if low.isascii() and not skip:
            cs = self.candidates.get(low)
            if cs is not None and tok.isupper() and len(tok) > 1 and _in_code(text, m.start(), m.end()):
                # a part of a code (`92/TTr-UBND`, `KH-TU`) is an initialism: its vowels carry no
                # marks, only a D may be Đ
                cs = self.initialisms.get(low)
                if cs is None:
                    return np.array([self.ids.get(low, self.unk)]), -1, False, None
            if cs is not None:
                return cs, case_class(tok), len(cs) > 1 or self.model.vocab[cs[0]] != low, None
            if tok.isupper() and len(tok) > 1 and "D" in tok and self.abbreviations:
                spell = self.initialism(tok)
        arr = fixed_cache.get(low)
        if arr is None:
            arr = fixed_cache[low] = np.array([self.ids.get(normalize_tone(low), self.unk)])
        return arr, -1, False, spell

    @staticmethod
    def _marked_lines(text: str, matches) -> set[int]:
        """Numbers of the lines where most words already carry their marks."""
        words: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        line, last = 0, 0
        for m in matches:
            tok = m.group(0)
            if not tok[0].isalpha():
                continue
            line += text.count("\n", last, m.start())
            last = m.start()
            w = words[line]
            w[0] += 1
            w[1] += not tok.isascii()
        return {ln for ln, (n, marked) in words.items() if marked and marked >= ACCENTED_LINE * n}
