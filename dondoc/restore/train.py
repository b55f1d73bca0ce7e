"""Training the restorer: Công báo texts, the gazetteer's agency names and Viet74K's syllables
in, a trigram model file out (`dondoc train-restorer`, `make model`).

Every text of a labelled set (seeds, dev, dev2 and their variants) is kept out of training, so
that what the benchmark measures on them is what the model does on documents it has never
seen. Some labelled documents were taken from the same source as the training corpus, under
other file names: they are found by content, as an unlabelled text holding most of a labelled
text's 8-syllable shingles.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..nlp.fold import fold
from ..nlp.textprep import normalize_tone
from .model import BITS, MAX_VOCAB, Model
from .tokens import BOS, EOS, NUM, SPECIALS, UNK, abbreviation_contexts, cased_tokens, is_syllable_form

SHINGLE = 8
OVERLAP = 0.5        # share of a labelled text's shingles found in one training text
MIN_COUNT = 2        # a word seen once, and in no word list, is more likely a typo than a word
ORDER = 3


@dataclass
class Corpus:
    texts: list[tuple[str, str]]                       # (name, text) used for training
    excluded: dict[str, str] = field(default_factory=dict)   # training name -> labelled name


def _shingles(text: str) -> set[int]:
    words = re.findall(r"[a-z0-9]+", fold(text))
    return {hash(tuple(words[i:i + SHINGLE])) for i in range(len(words) - SHINGLE + 1)}


def read_texts(folder: Path) -> list[tuple[str, str]]:
    return [(p.name, p.read_text(encoding="utf-8", errors="replace")) for p in sorted(Path(folder).glob("*.txt"))]


def labelled_texts(folders: list[Path]) -> list[tuple[str, str]]:
    """Every .txt under the labelled sets' folders (the gold texts and their variants)."""
    out = []
    for folder in folders:
        folder = Path(folder)
        for p in sorted(folder.rglob("*.txt")):
            out.append((f"{folder.name}/{p.relative_to(folder)}", p.read_text(encoding="utf-8", errors="replace")))
    return out


def remove_labelled(texts: list[tuple[str, str]], labelled: list[tuple[str, str]]) -> Corpus:
    """Training texts without those that hold most of any labelled text (by content: the same
    document under another name, or with its page furniture left in)."""
    owners: dict[int, list[int]] = {}
    sizes = []
    for i, (_, t) in enumerate(labelled):
        sh = _shingles(t)
        sizes.append(len(sh))
        for h in sh:
            owners.setdefault(h, []).append(i)
    kept, excluded = [], {}
    for name, text in texts:
        hits = Counter(i for h in _shingles(text) for i in owners.get(h, ()))
        over = [i for i, n in hits.items() if n >= OVERLAP * sizes[i]]
        if over:
            excluded[name] = labelled[min(over)][0]
        else:
            kept.append((name, text))
    return Corpus(kept, excluded)


def _pack(cols: list[np.ndarray]) -> np.ndarray:
    key = np.zeros(len(cols[0]), dtype=np.uint64)
    for c in cols:
        key = (key << np.uint64(BITS)) | c.astype(np.uint64)
    return key


def _discounts(counts: np.ndarray) -> np.ndarray:
    """Modified Kneser–Ney discounts D1, D2, D3+ from the counts of counts."""
    n = [max(1, int(np.sum(counts == i))) for i in range(1, 5)]
    y = n[0] / (n[0] + 2 * n[1])
    return np.array([0.0, 1 - 2 * y * n[1] / n[0], 2 - 3 * y * n[2] / n[1], 3 - 4 * y * n[3] / n[2]])


def estimate(seq: np.ndarray, vocab_size: int) -> dict:
    """Interpolated modified Kneser–Ney trigram tables from a sequence of word ids."""
    mask = np.uint64((1 << BITS) - 1)
    tri, tri_c = np.unique(_pack([seq[:-2], seq[1:-1], seq[2:]]), return_counts=True)
    # lower orders count the distinct words seen before them (continuation counts)
    bi, bi_c = np.unique(tri & np.uint64((1 << 2 * BITS) - 1), return_counts=True)
    uni, uni_c = np.unique(bi & mask, return_counts=True)
    out = {}
    # unigrams, interpolated with the uniform distribution
    d = _discounts(uni_c)
    disc = d[np.minimum(uni_c, 3)]
    total = uni_c.sum()
    p_uni = np.full(vocab_size, disc.sum() / total / vocab_size)
    p_uni[uni.astype(np.int64)] += np.maximum(uni_c - disc, 0) / total
    out["uni_lp"] = np.log(p_uni)

    def level(keys, counts, lower_p):
        d = _discounts(counts)
        disc = d[np.minimum(counts, 3)]
        hist = keys >> np.uint64(BITS)
        uh, inv = np.unique(hist, return_inverse=True)
        c_h = np.bincount(inv, weights=counts)
        gamma = np.bincount(inv, weights=disc) / c_h
        p = np.maximum(counts - disc, 0) / c_h[inv] + gamma[inv] * lower_p
        return p, uh, gamma

    p_bi, bi_hist, bi_gamma = level(bi, bi_c, p_uni[(bi & mask).astype(np.int64)])
    uni_bo = np.zeros(vocab_size)
    uni_bo[bi_hist.astype(np.int64)] = np.log(bi_gamma)
    out["uni_bo"] = uni_bo
    suffix = tri & np.uint64((1 << 2 * BITS) - 1)
    j = np.searchsorted(bi, suffix)
    p_tri, tri_hist, tri_gamma = level(tri, tri_c, p_bi[j])
    bi_bo = np.zeros(len(bi))
    at = np.minimum(np.searchsorted(bi, tri_hist), len(bi) - 1)
    known = bi[at] == tri_hist       # (<s>, <s>) of the first text is no bigram: it backs off by 1
    bi_bo[at[known]] = np.log(tri_gamma[known])
    out.update(bi_keys=bi.astype(np.uint32), bi_lp=np.log(p_bi), bi_bo=bi_bo, tri_keys=tri, tri_lp=np.log(p_tri))
    return out


def abbreviation_model(texts: list[str], syllables: set[str]) -> dict:
    """For initialisms the model has never seen (`CNVCLD`): how often a D between two letters
    is Đ in the initialisms of the corpus that are no syllable (`LĐTBXH`, `HĐND`, `GDĐT`),
    counted once per distinct initialism. Keys: "pn" the letters before and after, "p" before,
    "n" after, "" any; values [D, Đ]."""
    seen = {w for t in texts for w in re.findall(r"[^\W\d_]+", t)
            if len(w) >= 2 and w.isupper() and "D" in w.replace("Đ", "D") and all(c.isascii() or c == "Đ" for c in w)
            and fold(w) not in syllables}
    table: dict[str, dict[str, list[int]]] = {"pn": {}, "p": {}, "n": {}, "": {}}
    for w in sorted(seen):
        for key, ctx, is_dd in abbreviation_contexts(w):
            table[key].setdefault(ctx, [0, 0])[is_dd] += 1
    return table


CASE_PRIOR = 4.0     # pseudo-counts of the corpus-wide case distribution given to every word


def case_model(cased: list[list[tuple[str, int]]], ids: dict[str, int], vocab_size: int) -> np.ndarray:
    """log P(case class | word), each word's counts smoothed towards all words' together."""
    counts = np.zeros((vocab_size, 4))
    for d in cased:
        for t, k in d:
            if k >= 0 and t in ids:
                counts[ids[t], k] += 1
    prior = (counts.sum(axis=0) + 1) / (counts.sum() + 4)
    p = (counts + CASE_PRIOR * prior) / (counts.sum(axis=1, keepdims=True) + CASE_PRIOR)
    return np.log(p)


def _vocabulary(docs: list[list[str]], name_docs: list[list[str]], word_list: str, min_count: int) -> list[str]:
    """The specials, then the corpus's words seen `min_count` times, every syllable of the word
    list and every word of a name (non-letters first)."""
    counts = Counter(t for d in docs for t in d)
    listed = {w for w in re.findall(r"[^\W\d_]+", normalize_tone(word_list).lower()) if is_syllable_form(w)}
    listed |= {t for d in name_docs for t in d if t[0].isalpha()}
    words = {w for w, n in counts.items() if (n >= min_count or w in listed) and w not in SPECIALS}
    words |= {w for w in listed}
    vocab = list(SPECIALS) + sorted(w for w in words if not w[0].isalpha()) + sorted(w for w in words if w[0].isalpha())
    if len(vocab) >= MAX_VOCAB:
        raise ValueError(f"vocabulary of {len(vocab)} words does not fit {BITS}-bit ids")
    return vocab


def train(corpus: Corpus, names: list[str], word_list: str, *, min_count: int = MIN_COUNT) -> Model:
    """`names`: agency and place names (gazetteer), each learnt as a sentence of its own;
    `word_list`: Viet74K, whose syllables are all candidates even if the corpus lacks them."""
    cased = [cased_tokens(t) for _, t in corpus.texts] + [cased_tokens(n) for n in names]
    docs = [[t for t, _ in d] for d in cased]
    vocab = _vocabulary(docs, docs[len(corpus.texts):], word_list, min_count)
    ids = {w: i for i, w in enumerate(vocab)}
    unk, bos, eos = ids[UNK], ids[BOS], ids[EOS]
    seq = []
    for d in docs:
        seq.extend((bos, bos))
        seq.extend(ids.get(t, unk) for t in d)
        seq.append(eos)
    tables = estimate(np.asarray(seq, dtype=np.int64), len(vocab))
    tables["case_lp"] = case_model(cased, ids, len(vocab))
    syllables = {fold(w) for w in vocab if w[0].isalpha() and is_syllable_form(w)}
    digest = hashlib.sha256()
    for name, text in corpus.texts:
        digest.update(name.encode() + b"\0" + text.encode("utf-8") + b"\0")
    meta = {
        "order": ORDER, "smoothing": "interpolated modified Kneser-Ney",
        "training_texts": len(corpus.texts), "training_tokens": int(sum(len(d) for d in docs[:len(corpus.texts)])),
        "names": len(names), "excluded": dict(sorted(corpus.excluded.items())),
        "corpus_sha256": digest.hexdigest(), "min_count": min_count, "vocab": len(vocab),
        "bigrams": int(len(tables["bi_keys"])), "trigrams": int(len(tables["tri_keys"])), "numbers": NUM,
        "abbreviations": abbreviation_model([normalize_tone(t) for _, t in corpus.texts], syllables),
    }
    return Model(vocab=vocab, meta=meta, **tables)


def gazetteer_names() -> list[str]:
    from ..nlp.agency import gazetteer
    g = gazetteer()
    names = {name for name, _ in g.alias_to_name.values()} | set(g.province_names.values())
    return sorted(names)


def build(corpus_dir: Path, labelled_dirs: list[Path], out: Path) -> Model:
    from ..nlp.ocrfix import word_list
    corpus = remove_labelled(read_texts(corpus_dir), labelled_texts(labelled_dirs))
    model = train(corpus, gazetteer_names(), word_list())
    model.save(out)
    return model


def shared_corpus() -> Path | None:
    """The team's shared corpus, `shared/corpus` beside the checkout (or beside a folder of it)."""
    from ..config import PROJECT_ROOT
    for folder in PROJECT_ROOT.parents:
        if (folder / "shared" / "corpus" / "unlabelled" / "text").is_dir():
            return folder / "shared" / "corpus"
    return None


def labelled_folders(shared: Path | None) -> list[Path]:
    """Every labelled set: the project's corpus/ and, when present, the shared corpus's copies
    (gold texts and their stripped and OCR'd variants alike)."""
    from ..config import PROJECT_ROOT
    out = [p for p in sorted((PROJECT_ROOT / "corpus").iterdir()) if p.is_dir() and p.name != "eval"]
    if shared is not None:
        out += [p for p in sorted(shared.iterdir()) if p.is_dir() and p.name != "unlabelled"]
    return out
