"""Repairing text read by an OCR engine without Vietnamese (`Kinh gtri`, `ndm`, `t6 chirc`).

Each word that is no Vietnamese syllable once folded is replaced by the nearest syllable of the
vocabulary (the folded syllables of underthesea's Viet74K word list, weighted by how many words
use each),
with OCR's usual confusions made cheap (digits and symbols for letters, one vowel for another).
The repaired text keeps a map to the original offsets, so what is found in it points back into
the text as it was read.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from importlib import resources

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from .fold import diacritic_ratio, fold

_TOKEN = re.compile(r"[^\W_]+(?:[€&@$][^\W_]*)*|[€&@$][^\W_]+", re.UNICODE)
# What an OCR engine without Vietnamese puts for letters it cannot read: `S6` for Sở, `x@` for
# xã, `Tw` for Tư. Shared with the agency gazetteer's near-miss search.
LOOKALIKE = str.maketrans({"0": "o", "6": "o", "4": "a", "3": "a", "&": "o", "€": "e", "@": "a", "$": "s", "1": "l", "8": "a",
                           "w": "u"})
_VOWELS = set("aeiouy")
_U_HORN_GLYPHS = ("tr", "ir", "it", "tt", "rr")


# Closed-class words (grammar, not content) are rare in a word list and common in any text.
_FUNCTION_WORDS = ("cac cua va co duoc la nhung trong cho voi de theo ve nay mot khong da se tai tu den "
                   "nhu sau hoac cung thi ma do neu khi tren duoi giua moi tung bang").split()


@lru_cache(maxsize=1)
def word_list() -> str:
    """underthesea's Viet74K word list, one word a line, with its diacritics."""
    return resources.files("underthesea").joinpath("corpus", "data", "Viet74K.txt").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, int]:
    words = word_list()
    vocab: dict[str, int] = {}
    for syl in re.findall(r"[^\W\d_]+", fold(words)):
        vocab[syl] = vocab.get(syl, 0) + 1
    top = max(vocab.values())
    for w in _FUNCTION_WORDS:
        vocab[w] = vocab.get(w, 0) + top
    return vocab


def _cost(a: str, b: str) -> float:
    """Edit cost of OCR turning syllable b into a: vowel-for-vowel and d/b-for-vowel are cheap."""
    ops = Levenshtein.editops(b, a)
    cost = 0.0
    for op in ops:
        if op.tag == "replace":
            x, y = b[op.src_pos], a[op.dest_pos]
            cost += 0.4 if (x in _VOWELS and (y in _VOWELS or y in "db")) else 1.0
        else:
            cost += 0.8
    return cost


@lru_cache(maxsize=20000)
def nearest(word: str) -> str | None:
    """The syllable OCR most likely garbled into `word` (folded), or None if none is close."""
    vocab = vocabulary()
    w = word.translate(LOOKALIKE) if not word.isdigit() else word
    if w in vocab:
        return w
    if not w.isalpha() or len(w) < 2:
        return None
    best, best_key = None, None
    # ư with its tone mark drawn as two glyphs ("cứ" -> "ctr", "cir"; "chức" -> "chitc", "chttc")
    for glyphs in _U_HORN_GLYPHS:
        i = w.find(glyphs, 1)
        if i > 0:
            cand = w[:i] + "u" + w[i + len(glyphs):]
            if cand in vocab and (best_key is None or (0.5, -vocab[cand]) < best_key):
                best, best_key = cand, (0.5, -vocab[cand])
    cands = process.extract(w, vocab.keys(), scorer=Levenshtein.distance, limit=12, score_cutoff=2)
    for cand, _dist, _ in cands:
        c = _cost(w, cand)
        if c > 1.6 or (len(w) <= 3 and c > 1.0):
            continue
        key = (c, -vocab[cand])
        if best_key is None or key < best_key:
            best, best_key = cand, key
    return best


def oov_ratio(text: str) -> float:
    vocab = vocabulary()
    words = [fold(m.group(0)) for m in _TOKEN.finditer(text) if not m.group(0).isdigit()]
    words = [w for w in words if not (len(w) > 1 and w.isupper())]
    if not words:
        return 0.0
    return sum(1 for w in words if w not in vocab) / len(words)


def _recase(new: str, old: str) -> str:
    if old.isupper() and len(old) > 1:
        return new.upper()
    if old[:1].isupper():
        return new[:1].upper() + new[1:]
    return new


# Fixed tokens of a dispatch that OCR misreads, put back with the same length (offsets hold):
# the "V/v" (về việc) opening a subject, its slash read as i, l, 1 or |; Roman heading numbers;
# the "thành phố" of localities; specks read as a colon.
_FIXED_TOKENS: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [(re.compile(r"(?m)^(\s*)([Vv])[il1|]([vV])\b"), r"\1\2/\3"),
                 # a Roman heading number with I read as l or 1 ("Il. HO SO")
                 (re.compile(r"(?m)^(\s*)((?=[IVXl1]*[IVX])[IVXl1]{2,5})(?=\.\s)"),
                  lambda m: m.group(1) + m.group(2).replace("l", "I").replace("1", "I")),
                 # a speck read as a colon after a sentence has ended ("... năm 2017. :"): not a lead-in
                 (re.compile(r"(?m)(\.[ \t]*):([ \t]*)$"), r"\1 \2"),
                 # "thành phố" with its ố read as é, d or 6 ("thanh phé"): a locality of many names
                 (re.compile(r"\b([Tt][Hh][Aa][Nn][Hh]\s+[Pp][Hh])[eéèd6EÉÈD](?![^\W_])"),
                  lambda m: m.group(1) + ("Ố" if m.group(1)[-1].isupper() else "ố"))]


def repair(text: str) -> tuple[str, list[int]]:
    """(repaired text, offset map): map[i] is the original offset of repaired character i;
    map has one extra entry for the end."""
    for pattern, repl in _FIXED_TOKENS:
        text = pattern.sub(repl, text)
    vocab = vocabulary()
    out: list[str] = []
    offs: list[int] = []
    pos = 0
    for m in _TOKEN.finditer(text):
        s, e = m.span()
        out.append(text[pos:s])
        offs.extend(range(pos, s))
        word = m.group(0)
        f = fold(word)
        fixed = word
        glued = (s > 0 and text[s - 1] in "/-") or (e < len(text) and text[e:e + 1] in "/-" and e + 1 < len(text) and not text[e + 1].isspace())
        mixed = any(c.isupper() for c in word[1:]) and any(c.islower() for c in word)
        keep = glued or mixed or f in vocab or word.isdigit() or (word.isupper() and len(word) > 1) \
            or re.fullmatch(r"\d+[a-z]{0,2}|[a-z]{1,2}\d+\w*", f) and not re.fullmatch(r"[a-z]{1,3}[0-9&€]{1,2}[a-z]{0,3}", f)
        if not keep:
            cand = nearest(f)
            if cand is not None:
                fixed = _recase(cand, word)
        out.append(fixed)
        if len(fixed) == len(word):
            offs.extend(range(s, e))
        else:
            offs.extend(min(e - 1, s + int(i * len(word) / max(1, len(fixed)))) for i in range(len(fixed)))
        pos = e
    out.append(text[pos:])
    offs.extend(range(pos, len(text)))
    offs.append(len(text))
    return "".join(out), offs


def looks_garbled(text: str) -> bool:
    """Read without Vietnamese: almost no marks, and many words that are no syllable."""
    # Latin lookalikes (é, ó) leave OCR without Vietnamese a few marks: 5-8% of letters, where
    # Vietnamese text has some 30%; halfway between is safe on either side
    return diacritic_ratio(text) < 0.15 and oov_ratio(text) > 0.06
