"""The embedded index's word postings: for each word, the set of tasks (or dispatches) holding it,
as a roaring bitmap (pyroaring) stored in SQLite.

Postings are written in immutable segments, one per write. A row of `s_task` (or `s_dispatch`)
names the segment that holds its current postings (`seg`); older segments may still list it, and
are read through that column, so re-indexing or deleting a task never rewrites a large bitmap.
Because a segment never changes once written, any process may keep its bitmaps in memory for as
long as the segment lives. Writers merge small segments into one now and then.

Matching every word of a query is then an intersection of compressed bitmaps per segment — a few
milliseconds for words held by a quarter of a million tasks, where SQLite FTS5 takes hundreds.
"""
from __future__ import annotations

import threading
import zlib
from collections import OrderedDict, defaultdict
from collections.abc import Iterable

import numpy as np
from pyroaring import BitMap

from ..nlp.fold import fold

# what a posting lists: task words folded / as written; dispatch words folded / as written
TASK_FOLDED, TASK_EXACT, DISPATCH_FOLDED, DISPATCH_EXACT = "f", "e", "df", "de"
# a word as written is mostly the one written form of its folded word (`trẻ` of `tre`): its ids are
# then kept as those of the folded word that lack it (kind + OTHERS), a far smaller bitmap
FOLDED_OF = {TASK_EXACT: TASK_FOLDED, DISPATCH_EXACT: DISPATCH_FOLDED}
OTHERS = "~"
MERGE_AT = 16                  # a writer merges the small segments once there are this many
CACHE_BYTES = 64 << 20         # bitmaps kept in memory per process

SCHEMA = {
    "s_post": "CREATE TABLE IF NOT EXISTS {p}s_post (seg INTEGER, kind TEXT, term TEXT, ids BLOB)",
    "s_seg": "CREATE TABLE IF NOT EXISTS {p}s_seg (seg INTEGER PRIMARY KEY, gen INTEGER, postings INTEGER)",
}
INDEXES = ["CREATE INDEX IF NOT EXISTS {p}ix_s_post_term ON {p}s_post(term, kind, seg)"]


def collect(rows: Iterable[tuple[str, int, Iterable[str]]]) -> dict[tuple[str, str], list[int]]:
    """(kind, word) -> ids, from (kind, id, distinct words) triples."""
    by_kind: dict[str, dict[str, list[int]]] = {}
    for kind, i, words in rows:
        lists = by_kind.get(kind)
        if lists is None:
            lists = by_kind[kind] = defaultdict(list)
        for w in words:
            lists[w].append(i)
    return {(k, w): ids for k, lists in by_kind.items() for w, ids in lists.items()}


class Gathered:
    """The postings of many batches of rows, as one bitmap per (kind, word): what a rebuild writes
    as its single segment."""

    def __init__(self) -> None:
        self.bitmaps: dict[tuple[str, str], BitMap] = defaultdict(BitMap)

    def add(self, rows: Iterable[tuple[str, int, Iterable[str]]]) -> None:
        for key, ids in collect(rows).items():
            self.bitmaps[key] |= BitMap(ids)


def next_segment(c, p: str = "") -> int:
    return int(c.exec_driver_sql(f"SELECT ifnull(max(seg), 0) + 1 FROM {p}s_seg").scalar())


def write_segment(c, seg: int, gen: int, postings: dict, p: str = "") -> None:
    """One segment: (kind, word) -> ids (a list or a BitMap)."""
    c.exec_driver_sql(f"INSERT INTO {p}s_seg (seg, gen, postings) VALUES (?, ?, ?)",
                      (seg, gen, sum(len(v) for v in postings.values())))
    bms = {key: ids if isinstance(ids, BitMap) else BitMap(ids) for key, ids in postings.items()}
    rows = []
    for (kind, term), bm in bms.items():
        bm.run_optimize()          # runs of consecutive ids (a dispatch's tasks) kept as runs
        rows.append((seg, *_stored(kind, term, bm, bms)))
    if rows:
        c.exec_driver_sql(f"INSERT INTO {p}s_post (seg, kind, term, ids) VALUES (?, ?, ?, ?)", rows)


def packed(bm: BitMap) -> bytes:
    """A bitmap as a segment stores it: roaring's serialization, deflated (a fifth smaller; its
    first byte, 0x78, is never that of a roaring serialization, 0x3a or 0x3b, which older
    segments hold as they are)."""
    return zlib.compress(bm.serialize(), 1)


def unpacked(blob: bytes) -> BitMap:
    return BitMap.deserialize(zlib.decompress(blob) if blob[:1] == b"\x78" else blob)


def _in_memory(bm: BitMap) -> int:
    st = bm.get_statistics()
    return 16 + st["n_bytes_array_containers"] + st["n_bytes_bitset_containers"] + st["n_bytes_run_containers"]


def _stored(kind: str, term: str, bm: BitMap, bms: dict[tuple[str, str], BitMap]) -> tuple[str, str, bytes]:
    """(kind, term, blob) as a segment stores the bitmap: a word as written by the ids of its
    folded word that lack it, when every id holding it holds the folded word too and that is smaller."""
    blob = packed(bm)
    whole = bms.get((FOLDED_OF[kind], fold(term))) if kind in FOLDED_OF else None
    if whole is not None and bm.issubset(whole):
        rest = whole - bm
        rest.run_optimize()
        other = packed(rest)
        if len(other) < len(blob):
            return kind + OTHERS, term, other
    return kind, term, blob


class SegmentCache:
    """Deserialized bitmaps of live segments, least recently used dropped first, per database.
    Keyed by (epoch, segment, kind, word): a merge or rebuild makes new keys, so nothing cached is
    ever stale."""

    def __init__(self, limit: int = CACHE_BYTES):
        self.limit, self.size = limit, 0
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            v = self.items.get(key)
            if v is not None:
                self.items.move_to_end(key)
            return v

    def put(self, key, bm: BitMap, nbytes: int) -> None:
        with self.lock:
            if key in self.items:
                return
            self.items[key] = (bm, nbytes)
            self.size += nbytes
            while self.size > self.limit and self.items:
                _, (_, n) = self.items.popitem(last=False)
                self.size -= n


_caches: dict[str, SegmentCache] = {}


def cache_for(db_key: str) -> SegmentCache:
    return _caches.setdefault(db_key, SegmentCache())


def bitmaps(c, cache: SegmentCache, epoch: str, kind: str, word: str) -> dict[int, BitMap]:
    """Segment -> the bitmap of the ids that segment lists for the word."""
    out: dict[int, BitMap] = {}
    kinds = (kind, kind + OTHERS)
    missing: dict[int, str] = {}
    for s, k in c.exec_driver_sql("SELECT seg, kind FROM s_post WHERE term = ? AND kind IN (?, ?)", (word, *kinds)):
        hit = cache.get((epoch, s, kind, word))
        if hit is None:
            missing[s] = k
        else:
            out[s] = hit[0]
    if missing:
        whole = bitmaps(c, cache, epoch, FOLDED_OF[kind], fold(word)) if kind + OTHERS in missing.values() else {}
        marks = ",".join("?" * len(missing))
        for s, k, blob in c.exec_driver_sql(f"SELECT seg, kind, ids FROM s_post WHERE term = ? AND kind IN (?, ?)"
                                            f" AND seg IN ({marks})", (word, *kinds, *missing)):
            bm = unpacked(blob)
            if k != kind:
                bm = whole.get(s, BitMap()) - bm
            cache.put((epoch, s, kind, word), bm, _in_memory(bm))
            out[s] = bm
    return out


def matching(c, cache: SegmentCache, epoch: str, words: list[tuple[str, str]], seg_of: np.ndarray) -> np.ndarray:
    """Sorted ids holding every (kind, word), each judged by the segment its row names (`seg_of[id]`)."""
    if not words:
        return np.zeros(0, np.int64)
    per_word = [bitmaps(c, cache, epoch, kind, w) for kind, w in dict.fromkeys(words)]
    found = []
    for s in set.intersection(*(set(b) for b in per_word)) if per_word else ():
        both = BitMap.intersection(*(b[s] for b in per_word)) if len(per_word) > 1 else per_word[0][s]
        if not both:
            continue
        ids = np.frombuffer(both.to_array(), dtype=np.uint32).astype(np.int64)
        ids = ids[ids < len(seg_of)]
        found.append(ids[seg_of[ids] == s])       # only where this segment holds the row's postings now
    if not found:
        return np.zeros(0, np.int64)
    return np.sort(np.concatenate(found)) if len(found) > 1 else found[0]


def _segment_bitmaps(c, segs: tuple, p: str) -> dict[tuple[int, str, str], BitMap]:
    """(segment, kind, word) -> ids of every posting of these segments, words as written made
    whole again from their folded word's."""
    marks = ",".join("?" * len(segs))
    out: dict[tuple[int, str, str], BitMap] = {}
    others = []
    for s, kind, term, blob in c.exec_driver_sql(f"SELECT seg, kind, term, ids FROM {p}s_post WHERE seg IN ({marks})", segs):
        if kind.endswith(OTHERS):
            others.append((s, kind[:-len(OTHERS)], term, unpacked(blob)))
        else:
            out[(s, kind, term)] = unpacked(blob)
    for s, kind, term, rest in others:
        out[(s, kind, term)] = out.get((s, FOLDED_OF[kind], fold(term)), BitMap()) - rest
    return out


def merge(c, gen: int, live: dict[str, tuple[str, str]], p: str = "", every: bool = False) -> int | None:
    """Merge every segment but the largest (`every`: all of them, after a rebuild) into one new
    segment, keeping only the postings still live (listed for a row whose `seg` is that segment).
    `live` names, per kind, the table and id column whose `seg` says where a row's postings are.
    Returns the new segment, or None when there was nothing to merge."""
    segs = [r[0] for r in c.exec_driver_sql(f"SELECT seg FROM {p}s_seg ORDER BY postings DESC, seg")]
    if len(segs) < (2 if every else MERGE_AT):
        return None
    small = tuple(segs if every else segs[1:])
    marks = ",".join("?" * len(small))
    new = next_segment(c, p)
    alive: dict[str, dict[int, BitMap]] = {}
    for kind_table in {v for v in live.values()}:
        table, col = kind_table
        by_seg: dict[int, BitMap] = defaultdict(BitMap)
        for i, s in c.exec_driver_sql(f"SELECT {col}, seg FROM {p}{table} WHERE seg IN ({marks})", small):
            by_seg[s].add(i)
        alive[table] = by_seg
    merged: dict[tuple[str, str], BitMap] = defaultdict(BitMap)
    for (s, kind, term), bm in _segment_bitmaps(c, small, p).items():
        keep = bm & alive[live[kind][0]].get(s, BitMap())
        if keep:
            merged[(kind, term)] |= keep
    c.exec_driver_sql(f"DELETE FROM {p}s_post WHERE seg IN ({marks})", small)
    c.exec_driver_sql(f"DELETE FROM {p}s_seg WHERE seg IN ({marks})", small)
    write_segment(c, new, gen, merged, p)
    for table in {t for t, _ in live.values()}:
        # a new generation for the moved rows: every process reads their new segment
        c.exec_driver_sql(f"UPDATE {p}{table} SET seg = ?, gen = ? WHERE seg IN ({marks})", (new, gen, *small))
    return new
