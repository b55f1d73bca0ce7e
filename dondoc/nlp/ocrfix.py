"""Repairing text read by an OCR engine without Vietnamese (`Kinh gtri`, `ndm`, `t6 chirc`).

Each word that is no Vietnamese syllable once folded is replaced by the nearest syllable of the
vocabulary (the folded syllables of underthesea's Viet74K word list, weighted by how many words
use each),
with OCR's usual confusions made cheap (digits and symbols for letters, one vowel for another).
The repaired text keeps a map to the original offsets, so what is found in it points back into
the text as it was read.
"""
from __future__ import annotations

import importlib.util
import re
from itertools import islice
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

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
_U_HOOK_GLYPHS = ("ti", "ui")


# Closed-class words (grammar, not content) are rare in a word list and common in any text.
_FUNCTION_WORDS = ("cac cua va co duoc la nhung trong cho voi de theo ve nay mot khong da se tai tu den "
                   "nhu sau hoac cung thi ma do neu khi tren duoi giua moi tung bang").split()


@lru_cache(maxsize=1)
def word_list() -> str:
    """underthesea's Viet74K word list, one word a line, with its diacritics. Found by the
    package's location, not by importing it: that would load all of underthesea."""
    spec = importlib.util.find_spec("underthesea")
    if spec is None or spec.origin is None:
        raise RuntimeError("underthesea is not installed: its Viet74K word list is the OCR vocabulary")
    return (Path(spec.origin).parent / "corpus" / "data" / "Viet74K.txt").read_text(encoding="utf-8")


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


def nearest(word: str) -> str | None:
    """The syllable OCR most likely garbled into `word` (folded), or None if none is close."""
    found = candidates(word)
    return found[0][1] if found else None


@lru_cache(maxsize=20000)
def candidates(word: str) -> tuple[tuple[float, str], ...]:
    """(cost, syllable) OCR may have garbled into `word` (folded), the likeliest first: the
    cheapest edit, then the commonest syllable."""
    vocab = vocabulary()
    w = word.translate(LOOKALIKE) if not word.isdigit() else word
    if w in vocab:
        return ((0.0, w),)
    if not w.isalpha() or len(w) < 2:
        return ()
    keyed: dict[str, tuple[float, int]] = {}
    # ư with its tone mark, or ủ with its hook after a consonant, drawn as two glyphs ("cứ" -> "ctr",
    # "cir"; "chức" -> "chitc", "chttc"; "của" -> "ctia", "cUia"; not "gửi" -> "giti")
    for glyphs in _U_HORN_GLYPHS + _U_HOOK_GLYPHS:
        i = w.find(glyphs, 1)
        if i > 0 and not (glyphs in _U_HOOK_GLYPHS and w[i - 1] in _VOWELS):
            cand = w[:i] + "u" + w[i + len(glyphs):]
            if cand in vocab:
                keyed[cand] = min(keyed.get(cand, (9.0, 0)), (0.5, -vocab[cand]))
    for cand, _dist, _ in process.extract(w, vocab.keys(), scorer=Levenshtein.distance, limit=12, score_cutoff=2):
        c = _cost(w, cand)
        if c <= 1.6 and not (len(w) <= 3 and c > 1.0):
            keyed[cand] = min(keyed.get(cand, (9.0, 0)), (c, -vocab[cand]))
    return tuple((k[0], cand) for cand, k in sorted(keyed.items(), key=lambda x: x[1]))


# The marks an engine without Vietnamese has: its é stands for ế, ệ, but also for ộ, ở, ạ ("Bé"
# for Bộ, "Sé" for Sở), so the vowel under such a mark is itself in doubt, syllable or not.
_LATIN_MARKED = frozenset("éèêëóòôöáàâäíìîïúùûüýỳÉÈÊËÓÒÔÖÁÀÂÄÍÌÎÏÚÙÛÜÝỲ")


@lru_cache(maxsize=20000)
def _vowel_swaps(word: str, at: int) -> tuple[tuple[float, str], ...]:
    vocab = vocabulary()
    alts = (word[:at] + v + word[at + 1:] for v in "aeiouy" if v != word[at])
    return ((0.0, word),) + tuple(sorted(((0.4, a) for a in alts if a in vocab), key=lambda x: -vocab[x[1]]))


def misread_vowel(token: str, folded: str) -> tuple[tuple[float, str], ...] | None:
    """A syllable whose one vowel carries a Latin mark: itself and the syllables with another
    vowel there (`be` -> `bo`, `ba` …), for the context to choose; None for any other token."""
    marked = [i for i, c in enumerate(token) if c in _LATIN_MARKED]
    if len(marked) != 1 or len(folded) != len(token) or folded not in vocabulary():
        return None
    alts = _vowel_swaps(folded, marked[0])
    return alts if len(alts) > 1 else None


def _real_word_misread(tokens: list[re.Match[str]], words: list[str], readings: list, i: int, text: str,
                       anchors: tuple[frozenset[str], ...]) -> tuple[tuple[float, str], ...] | None:
    """A syllable OCR turned into another by one vowel (`thời gian` read `thai gian`): it makes no
    known word with its neighbours where one of its vowel swaps does. Itself and that swap, for
    the context to choose; None for a word that fits, a function word or a short one."""
    w = words[i]
    if not anchors or len(w) < 3 or w in _FUNCTION_WORDS or not w.isalpha():
        return None
    pairs = _joined(anchors)
    left = _neighbours(tokens, readings, text, i, i - 1)
    right = _neighbours(tokens, readings, text, i, i + 1)

    def fits(cand: str) -> bool:
        return any(f"{n} {cand}" in pairs for n in left) or any(f"{cand} {n}" in pairs for n in right)
    if fits(w):
        return None
    swaps = [c for at, ch in enumerate(w) if ch in _VOWELS for c in _vowel_swaps(w, at)[1:] if fits(c[1])]
    return ((0.0, w), *swaps) if swaps else None


def _neighbours(tokens: list[re.Match[str]], readings: list, text: str, i: int, j: int) -> tuple[str, ...]:
    """The readings of token j beside token i, if it stands right next to it: a garbled
    neighbour may be any of its candidates (`phdi hap`: `phối` and `hấp` misread together)."""
    if not 0 <= j < len(tokens) or not readings[j]:
        return ()
    a, b = (tokens[j], tokens[i]) if j < i else (tokens[i], tokens[j])
    return tuple(r[1] for r in readings[j]) if _adjacent(text, a, b) else ()


# A garbled syllable next to another is read as the known phrase they nearly spell ("cht tri" ->
# "chủ trì", "phdéi hop" -> "phối hợp"): a candidate this much dearer that makes one still wins.
_PHRASE_BONUS = 0.9


# Words enough to tell a scan read without Vietnamese (a fifth of them no syllable) from text
# typed without marks (a few in a hundred): reading a long compilation to the end tells no more.
_OOV_SAMPLE = 3000


def oov_ratio(text: str) -> float:
    vocab = vocabulary()
    tokens = list(islice((m for m in _TOKEN.finditer(text) if not m.group(0).isdigit()), _OOV_SAMPLE))
    folded = fold(text[:tokens[-1].end()] if tokens else "")   # once: fold keeps offsets, words are slices
    words = [folded[m.start():m.end()] for m in tokens]
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
# the "V/v" (về việc) opening a subject, its slash read as i, l, 1, |, \ or W; Roman heading numbers;
# the "thành phố" of localities; specks read as a colon; the "Căn cứ" opening each line of a
# preamble, its ứ read as t, tr, w, ir, it, iv, ur, ut or r; the "Điều N." of an article, its Đ read as P, a
# speck before it read as a dash; a bullet's dash read as a tilde; the kind line (`QUYẾT ĐỊNH`).
_HORN = {"U": "Ư", "u": "ư", "O": "Ơ", "o": "ơ"}
_FIXED_TOKENS: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
                 (re.compile(r"(?m)^(\s*)([Vv])[il1|\\Ww]([vV])\b"), r"\1\2/\3"),
                 (re.compile(r"(?m)^(\s*)~(?=\s)"), r"\1-"),
                 (re.compile(r"(?m)^(\s*)[-_](\s*)(?=[ĐDP]i[eéề]u\s+\d+\s*[.:])"), r"\1 \2"),
                 (re.compile(r"(?m)^(\s*)P(?=i[eéề]u\s+\d+\s*[.:])"), r"\1Đ"),
                 # (the letters over one go before the line, where blocks strip them)
                 (re.compile(r"(?m)^(\s*)([Cc][Aa][Nn]\s+[Cc])(tr|t|w|ir|it|iv|ur|ut|r|TR|T|W|IR|IT|IV|UR|UT|R)(?=\s)"),
                  lambda m: m.group(1) + " " * (len(m.group(3)) - 1) + m.group(2) + ("U" if m.group(2)[-1].isupper() else "u")),
                 # a Roman heading number with I read as l or 1 ("Il. HO SO")
                 (re.compile(r"(?m)^(\s*)((?=[IVXl1]*[IVX])[IVXl1]{2,5})(?=\.\s)"),
                  lambda m: m.group(1) + m.group(2).replace("l", "I").replace("1", "I")),
                 # the document's kind on a line of its own, or the enacting line (`QUYẾT ĐỊNH:`), its I
                 # read as ] | ! l 1 (or as i, in CHỈ THỊ) and its Đ as B or P ("NGH] QUYET", "QUYET BINH:", "CHi TH!")
                 (re.compile(r"(?m)^(\s*NGH)[\]|!l1](?=\s+QUY[EÉ]T\s*:?\s*$)"), r"\1I"),
                 (re.compile(r"(?m)^(\s*QUY[EÉ]T\s+)[BP](?=[I\]|!l1]NH\s*:?\s*$)"), r"\1Đ"),
                 (re.compile(r"(?m)^(\s*QUY[EÉ]T\s+[ĐD])[\]|!l1](?=NH\s*:?\s*$)"), r"\1I"),
                 (re.compile(r"(?m)^(\s*CH)[i\]|!l1](?=\s+TH[Ii\]|!l1]\s*$)"), r"\1I"),
                 (re.compile(r"(?m)^(\s*CH[I\]|!l1]\s+TH)[i\]|!l1](?=\s*$)"), r"\1I"),
                 # a speck read as a colon after a sentence has ended ("... năm 2017. :"): not a lead-in
                 (re.compile(r"(?m)(\.[ \t]*):([ \t]*)$"), r"\1 \2"),
                 # "thành phố" with its ố read as é, d or 6 ("thanh phé"): a locality of many names
                 (re.compile(r"\b([Tt][Hh][Aa][Nn][Hh]\s+[Pp][Hh])[eéèd6EÉÈD](?![^\W_])"),
                  lambda m: m.group(1) + ("Ố" if m.group(1)[-1].isupper() else "ố")),
                 # the horn of ư and ơ read as an apostrophe after the vowel ("TO CHU'C THU'C HIEN",
                 # "THONG TU’"), where what follows can end a syllable of ư or ơ ("co's" is no "cơs");
                 # the word moves one place right to keep the offsets
                 (re.compile(r"(?<![^\W_])([^\W\d_]*?)([UuOo])['’](?=(?i:ng|nh|ch|c|n|m|t|p|i|u|a|o(?:ng|n|c|t|i|m|p|u)?)?(?![^\W_]))"),
                  lambda m: " " + m.group(1) + _HORN[m.group(2)])]


def repair(text: str, phrases: tuple[frozenset[str], ...] = (), anchors: tuple[frozenset[str], ...] = ()) -> tuple[str, list[int]]:
    """(repaired text, offset map): map[i] is the original offset of repaired character i;
    map has one extra entry for the end. `phrases`: sets of known folded syllable pairs
    (`chu tri`) that decide between a garbled syllable's candidates; `anchors`: the few pairs a
    real syllable is read again to make (`thai gian` -> `thoi gian`): common words make common
    pairs, so only the words that give a role or a time."""
    for pattern, repl in _FIXED_TOKENS:
        text = pattern.sub(repl, text)
    tokens = list(_TOKEN.finditer(text))
    folded = fold(text)         # once: fold keeps offsets, so each word is a slice of it
    words = [folded[m.start():m.end()] for m in tokens]
    garbled = [_garbled(text, m, f) for m, f in zip(tokens, words)]
    # the likeliest reading of each word, the context of its neighbours
    readings = [candidates(f) if g else ((0.0, f),) for f, g in zip(words, garbled)]
    for i, m in enumerate(tokens):
        if not garbled[i] and (alt := misread_vowel(m.group(0), words[i])):
            garbled[i], readings[i] = True, alt
    for i in range(len(tokens)):
        if not garbled[i] and (alt := _real_word_misread(tokens, words, readings, i, text, anchors)):
            garbled[i], readings[i] = True, alt
    out: list[str] = []
    offs: list[int] = []
    pos = 0
    for i, m in enumerate(tokens):
        s, e = m.span()
        out.append(text[pos:s])
        offs.extend(range(pos, s))
        word = m.group(0)
        fixed = word
        if garbled[i] and readings[i]:
            left = readings[i - 1][0][1] if i and readings[i - 1] and _adjacent(text, tokens[i - 1], m) else None
            right = tuple(r[1] for r in readings[i + 1]) \
                if i + 1 < len(tokens) and readings[i + 1] and _adjacent(text, m, tokens[i + 1]) else ()
            choice = _in_context(readings[i], left, right, phrases)
            fixed = word if choice == words[i] else _recase(choice, word)
            readings[i] = ((0.0, fold(fixed)),)     # the choice is the left context of the next word
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


_CODE = re.compile(r"\d+[a-z]{0,2}|[a-z]{1,2}\d+\w*")
_GARBLED_CODE = re.compile(r"[a-z]{1,3}[0-9&€]{1,2}[a-z]{0,3}")


def _garbled(text: str, m: re.Match[str], f: str) -> bool:
    """A token to repair (`f`: the token folded): not a syllable, a number, a code glued to a
    slash or hyphen, an initialism or a mixed-case name."""
    if f in vocabulary():        # most words: asked first
        return False
    s, e = m.span()
    word = m.group(0)
    glued = (s > 0 and text[s - 1] in "/-") or (e < len(text) and text[e:e + 1] in "/-" and e + 1 < len(text) and not text[e + 1].isspace())
    mixed = any(c.isupper() for c in word[1:]) and any(c.islower() for c in word)
    keep = glued or mixed or word.isdigit() or (word.isupper() and len(word) > 1) \
        or _CODE.fullmatch(f) and not _GARBLED_CODE.fullmatch(f)
    return not keep


def _adjacent(text: str, a: re.Match[str], b: re.Match[str]) -> bool:
    gap = text[a.end():b.start()]
    return gap.isspace() and gap.count("\n") <= 1


@lru_cache(maxsize=4)
def _joined(phrases: tuple[frozenset[str], ...]) -> frozenset[str]:
    """The known pairs of every set, as one set (asked for each candidate of each word)."""
    return frozenset().union(*phrases)


def _in_context(cands: tuple[tuple[float, str], ...], left: str | None, right: tuple[str, ...],
                phrases: tuple[frozenset[str], ...]) -> str:
    """The candidate that, with the word before it or any reading of the word after it, makes a
    known phrase, if one is nearly as cheap as the likeliest; else the likeliest."""
    if len(cands) == 1 or not phrases or (left is None and not right):
        return cands[0][1]

    pairs = _joined(phrases)

    def known(pair: str) -> bool:
        # an initialism joined by "&" (`Bộ NN&MT`) stands in the names as one syllable: "bo nnmt"
        return pair.replace("&", "") in pairs

    def score(item: tuple[float, str]) -> float:
        cost, cand = item
        fits = (left is not None and known(f"{left} {cand}")) or any(known(f"{cand} {r}") for r in right)
        return cost - (_PHRASE_BONUS if fits else 0.0)
    return min(cands, key=score)[1]


def looks_garbled(text: str) -> bool:
    """Read without Vietnamese: almost no marks, and many words that are no syllable."""
    # Latin lookalikes (é, ó) leave OCR without Vietnamese a few marks: 5-8% of letters, where
    # Vietnamese text has some 30%; halfway between is safe on either side
    return diacritic_ratio(text) < 0.15 and oov_ratio(text) > 0.06
