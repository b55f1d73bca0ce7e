"""Tesseract `vie` confuses tone marks on degraded scans (`thâm quyên` for `thẩm quyền`): about
half of its errors there. Each word it read is rescored among its diacritic variants (the
words of the model with the same letters) in the context of its neighbours, by the restorer's
language model, with Tesseract's own confidence as the prior that the word was read right.
"""
from __future__ import annotations

import math
import unicodedata

import numpy as np

from ..nlp.fold import fold
from ..nlp.textprep import normalize_tone
from .restorer import Restorer, _recase
from .tokens import TOKEN, case_class

MIN_ERROR = 0.0005    # even a word Tesseract is sure of is sometimes wrong
MAX_ERROR = 0.5


def reading_bonus(confidence: float) -> float:
    """Log-odds that the word is as read. The chance that it is not falls with the square of
    Tesseract's doubt, ((100 - confidence) / 100)²: taking the confidence itself as the
    probability let the model overrule twice as many right readings as it put right on the
    synthetic scans of dev2 (dev2-variants/scan, the set this was chosen on)."""
    e = min(MAX_ERROR, max(MIN_ERROR, ((100.0 - confidence) / 100.0) ** 2))
    return math.log((1 - e) / e)


def rescore_words(words: list[str], confidences: list[float], restorer: Restorer) -> list[str]:
    """The words of a page in reading order, each with its marks chosen again in context."""
    ids, unk, vocab = restorer.ids, restorer.unk, restorer.model.vocab
    cands: list[np.ndarray] = []
    cases: list[int] = []
    seen_ids: list[int] = []
    bonus: list[float] = []
    where: list[tuple[int, int, int]] = []      # (word index, start, end) of each token
    chosen: list[int] = []                       # token positions that may change
    fixed: dict[str, np.ndarray] = {}
    for wi, (word, conf) in enumerate(zip(words, confidences)):
        word = unicodedata.normalize("NFC", word)
        words[wi] = word
        for m in TOKEN.finditer(word):
            tok = m.group(0)
            where.append((wi, m.start(), m.end()))
            low = normalize_tone(tok.lower()) if tok[0].isalpha() else tok
            cs = restorer.candidates.get(fold(low)) if tok[0].isalpha() else None
            me = ids.get(low, unk) if not tok[0].isdigit() else restorer._num[0]
            if cs is not None and conf >= 0 and (len(cs) > 1 or me != cs[0]):
                if me not in cs:
                    cs = np.concatenate(([me], cs))     # an unknown reading competes as itself
                chosen.append(len(cands))
                cands.append(cs)
                cases.append(case_class(tok))
                seen_ids.append(me)
                bonus.append(reading_bonus(conf))
                continue
            arr = fixed.get(low)
            if arr is None:
                arr = fixed[low] = np.array([me])
            cands.append(arr)
            cases.append(-1)
            seen_ids.append(-1)
            bonus.append(0.0)
    if not chosen:
        return words
    best = restorer.decoder.best(cands, cases, (seen_ids, bonus))
    out = list(words)
    for k in chosen:
        if best[k] == seen_ids[k] or best[k] == unk:
            continue
        wi, s, e = where[k]
        w = out[wi]
        out[wi] = w[:s] + _recase(vocab[best[k]], w[s:e]) + w[e:]
    return out


def rescore_tesseract(data: dict, restorer: Restorer | None = None) -> dict:
    """pytesseract's image_to_data dictionary with its words rescored (the rest untouched)."""
    if restorer is None:
        from . import default_restorer
        restorer = default_restorer()
    idx = [i for i, w in enumerate(data["text"]) if w and w.strip()]
    if not idx:
        return data
    words = rescore_words([data["text"][i] for i in idx], [float(data["conf"][i]) for i in idx], restorer)
    text = list(data["text"])
    for i, w in zip(idx, words):
        text[i] = w
    return {**data, "text": text}
