"""Putting diacritics back: each stripped word's candidates decoded with its neighbours.

A word typed without marks (`quyet`) can be any word of the model that folds to it (`quyết`,
`quyệt`); a word with marks, a number or a punctuation mark is what it is. The best sequence
of candidates under the trigram model is found exactly (Viterbi over pairs of words). All the
model's look-ups for a text are made at once with numpy, the dynamic programme then walks the
positions; a stretch where nothing is to be chosen costs almost nothing.
"""
from __future__ import annotations

import numpy as np

from .model import BITS, Model
from .tokens import BOS, UNK

_B = np.uint64(BITS)


class Decoder:
    def __init__(self, model: Model):
        self.m = model
        self.bos = model.vocab.index(BOS)
        self.unk = model.vocab.index(UNK)

    def scores(self, a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
        """log P(c | a b) for arrays of word ids, backing off as Kneser–Ney interpolation
        stored in back-off form does."""
        m = self.m
        a64, b64, c64 = a.astype(np.uint64), b.astype(np.uint64), c.astype(np.uint64)
        key3 = (a64 << (_B + _B)) | (b64 << _B) | c64
        i3 = np.searchsorted(m.tri_keys, key3)
        i3[i3 == len(m.tri_keys)] = 0
        hit = m.tri_keys[i3] == key3
        out = np.empty(len(a), dtype=np.float32)
        out[hit] = m.tri_lp[i3[hit]]
        miss = ~hit
        if miss.any():
            am, bm, cm = a64[miss], b64[miss], c64[miss]
            key_ab = ((am << _B) | bm).astype(np.uint32)
            key_bc = ((bm << _B) | cm).astype(np.uint32)
            nb = len(m.bi_keys)
            i_ab = np.searchsorted(m.bi_keys, key_ab)
            i_ab[i_ab == nb] = 0
            bo = np.where(m.bi_keys[i_ab] == key_ab, m.bi_bo[i_ab], 0.0)
            i_bc = np.searchsorted(m.bi_keys, key_bc)
            i_bc[i_bc == nb] = 0
            bi_hit = m.bi_keys[i_bc] == key_bc
            bi_idx = bm.astype(np.int64)
            low = np.where(bi_hit, m.bi_lp[i_bc], m.uni_bo[bi_idx] + m.uni_lp[cm.astype(np.int64)])
            out[miss] = bo + low
        return out

    def bigram_scores(self, b: np.ndarray, c: np.ndarray) -> np.ndarray:
        m = self.m
        key = ((b.astype(np.uint64) << _B) | c.astype(np.uint64)).astype(np.uint32)
        i = np.searchsorted(m.bi_keys, key)
        i[i == len(m.bi_keys)] = 0
        return np.where(m.bi_keys[i] == key, m.bi_lp[i], m.uni_bo[b] + m.uni_lp[c])

    def unary(self, flat: np.ndarray, K: np.ndarray, cases: np.ndarray, seen: tuple | None) -> np.ndarray:
        """What each candidate's own position says of it: log P(the word's case as written |
        candidate) (`Sở` with a capital is the agency far more often than `Số` is; 0 where
        nothing is chosen, case -1) plus, for OCR, a bonus for the word as it was read."""
        cls = np.repeat(cases, K)
        out = self.m.case_lp[flat, np.maximum(cls, 0)]
        out[cls < 0] = 0.0
        if seen is not None:
            ids, bonus = seen
            out += np.where(flat == np.repeat(ids, K), np.repeat(bonus, K), 0.0).astype(np.float32)
        return out

    def prune(self, lists: list[np.ndarray], cases: np.ndarray, seen: tuple | None, keep: int,
              margin: float) -> list[np.ndarray]:
        """Each position's candidates cut to the `keep` best, and to those within `margin` of the
        best, by what the bigram model says of them with their best left and right neighbours."""
        K = np.fromiter((len(c) for c in lists), dtype=np.int64, count=len(lists))
        if K.max() <= 1:
            return lists
        flat = np.concatenate(lists)
        start = np.concatenate(([0], np.cumsum(K)[:-1]))
        p = np.arange(1, len(lists))
        n = K[p - 1] * K[p]
        pos = np.repeat(p, n)
        j = np.arange(int(n.sum())) - np.repeat(np.concatenate(([0], np.cumsum(n)[:-1])), n)
        kc = K[pos]
        gl = start[pos - 1] + j // kc
        gc = start[pos] + j % kc
        s = self.bigram_scores(flat[gl], flat[gc])
        left = np.full(len(flat), -np.inf, dtype=np.float32)
        right = np.full(len(flat), -np.inf, dtype=np.float32)
        np.maximum.at(left, gc, s)
        np.maximum.at(right, gl, s)
        right[start[-1]:] = 0.0
        left[:K[0]] = 0.0
        local = left + right + self.unary(flat, K, cases, seen)
        owner = np.repeat(np.arange(len(lists)), K)
        order = np.lexsort((-local, owner))
        rank = np.arange(len(flat)) - start[owner[order]]
        best = np.maximum.reduceat(local, start) if len(start) else local
        ok = (rank < keep) & (local[order] >= best[owner[order]] - margin)
        chosen = order[ok]
        bounds = np.searchsorted(owner[chosen], np.arange(len(lists) + 1))
        ids = flat[chosen]
        return [ids[bounds[i]:bounds[i + 1]] for i in range(len(lists))]

    def best(self, cands: list[np.ndarray], cases: list[int], seen: tuple[list[int], list[float]] | None = None,
             keep: int = 4, margin: float = 6.0) -> list[int]:
        """The best sequence: for each position, the chosen word id. `cases`: the case class of
        each position's word as written (tokens.case_class), -1 where nothing is chosen;
        `seen`: for each position the id of the word as read (-1: none) and the log-odds that
        the reading is right (OCR rescoring)."""
        T = len(cands)
        if T == 0:
            return []
        bos = np.array([self.bos])
        cls = np.array([-1, -1] + list(cases), dtype=np.int64)
        if seen is not None:
            seen = (np.array([-1, -1] + list(seen[0]), dtype=np.int64), np.array([0.0, 0.0] + list(seen[1]), dtype=np.float32))
        lists = self.prune([bos, bos] + cands, cls, seen, keep, margin)
        K = np.fromiter((len(c) for c in lists), dtype=np.int64, count=T + 2)
        flat = np.concatenate(lists)
        start = np.concatenate(([0], np.cumsum(K)[:-1]))
        t = np.arange(2, T + 2)
        n = K[t - 2] * K[t - 1] * K[t]
        first = np.concatenate(([0], np.cumsum(n)[:-1]))
        pos = np.repeat(t, n)
        j = np.arange(int(n.sum())) - np.repeat(first, n)
        k1, k2 = K[pos - 1], K[pos]
        a = flat[start[pos - 2] + j // (k1 * k2)]
        b = flat[start[pos - 1] + (j // k2) % k1]
        gc = start[pos] + j % k2
        c = flat[gc]
        s = self.scores(a, b, c) + self.unary(flat, K, cls, seen)[gc]
        # Viterbi over states (previous word, word); after pruning a position has a few
        # candidates, so plain Python over lists beats numpy's per-call cost here
        sl = s.tolist()
        delta = [[0.0]]
        back: list[list[list[int]] | None] = []
        Kl = K.tolist()
        fl = first.tolist()
        for i in range(T):
            ka, kb, kc = Kl[i], Kl[i + 1], Kl[i + 2]
            base = fl[i]
            if ka == kb == kc == 1:
                back.append(None)
                continue
            nd = []
            nb = []
            for bj in range(kb):
                row, brow = [], []
                for cj in range(kc):
                    best_v, best_a = -1e30, 0
                    k = base + bj * kc + cj
                    for ai in range(ka):
                        v = delta[ai][bj] + sl[k + ai * kb * kc]
                        if v > best_v:
                            best_v, best_a = v, ai
                    row.append(best_v)
                    brow.append(best_a)
                nd.append(row)
                nb.append(brow)
            delta = nd
            back.append(nb)
        # backtrack: the state at the last position is (b, c)
        kb, kc = len(delta), len(delta[0])
        flat_delta = [v for row in delta for v in row]
        bi, ci = divmod(max(range(len(flat_delta)), key=flat_delta.__getitem__), kc)
        out = [0] * T
        for i in range(T - 1, -1, -1):
            out[i] = int(lists[i + 2][ci])
            arg = back[i]
            ai = arg[bi][ci] if arg is not None else 0
            ci, bi = bi, ai
        return out
