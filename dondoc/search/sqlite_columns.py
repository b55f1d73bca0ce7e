"""The SQLite backend's filter, facet and sort columns, held in memory as numpy arrays.

Counting facets, filtering by agency or deadline and sorting a match set of tens of thousands of
tasks row by row in SQL takes hundreds of milliseconds; over arrays indexed by task id it takes a
few. The arrays are a cache of the `s_task` table (codes named in `s_vocab`): every write to it
bumps a generation number in `s_meta`, and a reader brings its arrays up to date from the rows
written (and the tasks deleted) since the generation it last saw. A rebuild of the index gives
the tables a new epoch, which makes every reader load them afresh — from the snapshot writers
keep of the arrays (`s_snapshot`, one read), then the rows written since.
"""
from __future__ import annotations

import io
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

EPOCH_DAY = date(1970, 1, 1)
NO_DATE = np.iinfo(np.int32).max        # a missing date sorts after every real one


# a facet over fewer than one task in this many reads only the pairs of its tasks (`_agency_codes_of`)
FEW_TASKS = 5


def ints(joined: str | None) -> np.ndarray:
    return np.fromstring(joined, dtype=np.int64, sep=",") if joined else np.zeros(0, np.int64)


def day_number(iso: str | date | None) -> int:
    if iso is None:
        return NO_DATE
    d = date.fromisoformat(iso) if isinstance(iso, str) else iso
    return (d - EPOCH_DAY).days


@dataclass
class Vocabulary:
    """Strings (statuses, issuers, agency names) numbered in the order first seen."""
    names: list[str] = field(default_factory=list)
    codes: dict[str, int] = field(default_factory=dict)
    # what `matching` found and each name's place in sorted order: a pass over every name in
    # Python costs a millisecond a query; both are dropped when a name is added
    _matched: dict[tuple, np.ndarray] = field(default_factory=dict, repr=False, compare=False)
    _rank: np.ndarray | None = field(default=None, repr=False, compare=False)

    def code(self, name: str | None) -> int:
        if name is None:
            return -1
        c = self.codes.get(name)
        if c is None:
            c = self.codes[name] = len(self.names)
            self.names.append(name)
            self._matched, self._rank = {}, None
        return c

    def codes_of(self, names: list[str]) -> np.ndarray:
        """Codes of many names at once; the empty string stands for none (-1)."""
        get = self.codes.get
        found = [get(n) for n in names]
        return np.array([c if c is not None else (self.code(n) if n else -1) for c, n in zip(found, names)], np.int32)

    def matching(self, wanted: Sequence[str], with_suffix: bool = True, fold_case: bool = False) -> np.ndarray:
        """Codes of the names equal to one of `wanted`, or (with_suffix) starting with one of
        them followed by a space: `Sở Tư pháp` reaches `Sở Tư pháp tỉnh Kon Tum`."""
        key = (tuple(wanted), with_suffix, fold_case)
        hit = self._matched.get(key)
        if hit is None:
            if len(self._matched) > 4096:       # any agency a user may type, not without bound
                self._matched.clear()
            hit = self._matched[key] = self._match(wanted, with_suffix, fold_case)
            hit.setflags(write=False)
        return hit

    def _match(self, wanted: Sequence[str], with_suffix: bool, fold_case: bool) -> np.ndarray:
        norm = (lambda s: s.casefold()) if fold_case else (lambda s: s)
        want = [norm(w) for w in wanted]
        prefixes = tuple(w + " " for w in want) if with_suffix else ()
        hit = [i for i, n in enumerate(self.names)
               if norm(n) in want or (prefixes and norm(n).startswith(prefixes))]
        return np.array(hit, dtype=np.int32)

    def ranked(self, counts: np.ndarray, limit: int | None) -> list[tuple[str, int]]:
        """(name, count) of the codes counted, most first, then by name; the first `limit`."""
        if self._rank is None:
            rank = np.empty(len(self.names), np.int32)
            rank[sorted(range(len(self.names)), key=self.names.__getitem__)] = np.arange(len(self.names), dtype=np.int32)
            self._rank = rank
        found = np.flatnonzero(counts[: len(self.names)])
        order = found[np.lexsort((self._rank[found], -counts[found]))]
        return [(self.names[i], int(counts[i])) for i in (order[:limit] if limit else order).tolist()]


class TaskColumns:
    """One array per column, indexed by task id; `present` says which ids are tasks now."""

    def __init__(self) -> None:
        self.epoch: str | None = None
        self.generation = -1
        self.statuses, self.issuers, self.agencies = Vocabulary(), Vocabulary(), Vocabulary()
        self._size(0)
        # one (task, agency) pair per lead/support row; task ids as numpy's own index type: a
        # gather by int32 indices converts them first (12 ms for 1.8 million pairs, 2 ms without)
        self.pair_task = np.zeros(0, np.intp)
        self.pair_agency = np.zeros(0, np.int32)
        self.pair_lead = np.zeros(0, bool)          # the agency leads the task (else supports it)
        self._by_task: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._by_agency: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def _size(self, n: int) -> None:
        self.present = np.zeros(n, bool)
        self.status = np.full(n, -1, np.int16)
        self.issuer = np.full(n, -1, np.int32)
        self.next_due = np.full(n, NO_DATE, np.int32)
        self.issued = np.full(n, NO_DATE, np.int32)
        self.ntok = np.zeros(n, np.int32)
        self.seg = np.full(n, -1, np.int32)          # the postings segment holding the task's words
        self.dispatch = np.full(n, -1, np.int32)
        self.late = np.zeros(n, bool)               # done after its deadline (documents.done_late)

    PER_TASK = ("present", "status", "issuer", "next_due", "issued", "ntok", "seg", "dispatch", "late")
    ARRAYS = PER_TASK + ("pair_task", "pair_agency", "pair_lead")

    def _grow(self, n: int) -> None:
        if n <= len(self.present):
            return
        n = max(n, int(len(self.present) * 1.5) + 1024)
        old = {k: getattr(self, k) for k in self.PER_TASK}
        self._size(n)
        for k, o in old.items():
            getattr(self, k)[: len(o)] = o

    def clone(self) -> "TaskColumns":
        new = TaskColumns.__new__(TaskColumns)
        new.__dict__.update({k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in self.__dict__.items()})
        for name in ("statuses", "issuers", "agencies"):
            v = getattr(self, name)
            setattr(new, name, Vocabulary(list(v.names), dict(v.codes)))
        return new

    # -- loading ---------------------------------------------------------------------------
    def refreshed(self, c) -> "TaskColumns":
        """These columns brought up to date over the SQLAlchemy connection `c`: a new object when
        anything changed, so a search running in another thread keeps the arrays it started with.
        Everything is read in one transaction, so the rows and the generation agree. A process
        further behind than the writers' snapshot starts again from it (cheaper than the rows)."""
        raw = c.connection.dbapi_connection
        raw.execute("BEGIN")
        try:
            meta = dict(raw.execute("SELECT key, value FROM s_meta").fetchall())
            epoch, generation = meta.get("epoch"), int(meta.get("generation") or 0)
            snap = int(meta.get("snapshot_generation", -1))
            if epoch == self.epoch and generation == self.generation:
                return self
            if epoch != self.epoch or self.generation < snap:
                new = _from_snapshot(raw, epoch) or TaskColumns()
                new.epoch = epoch
            else:
                new = self.clone()
            since = new.generation
            new._vocabularies(raw)
            # one row of concatenated columns: fetching 100,000 rows one by one into Python
            # costs more than everything else here
            gone = raw.execute("SELECT group_concat(task_id) FROM s_task_gone WHERE gen > ?", (since,)).fetchone()[0]
            rows = raw.execute(
                "SELECT group_concat(id), group_concat(ifnull(next_due, 2147483647)), group_concat(ifnull(issued, 2147483647)),"
                " group_concat(ifnull(ntok, 0)), group_concat(ifnull(status, -1)), group_concat(ifnull(issuer, -1)),"
                " group_concat(ifnull(seg, -1)), group_concat(ifnull(dispatch_id, -1)), group_concat(ifnull(agencies, ''), ';'),"
                " group_concat(ifnull(flags, 0)) FROM s_task WHERE gen > ?"
                + (" AND gen > 0" if since >= 0 else ""), (since,)).fetchone()   # see ix_s_task_gen
        finally:
            raw.execute("ROLLBACK")
        new._apply(ints(gone), rows)
        new.generation = generation
        return new

    def _vocabularies(self, raw) -> None:
        """Status, issuer and agency names by the codes the writers gave them (`s_vocab`)."""
        by_kind: dict[str, list[tuple[int, str]]] = {"s": [], "i": [], "a": []}
        for kind, code, name in raw.execute("SELECT kind, code, name FROM s_vocab"):
            by_kind.setdefault(kind, []).append((code, name))
        for kind, attr in (("s", "statuses"), ("i", "issuers"), ("a", "agencies")):
            pairs = sorted(by_kind[kind])
            names = [""] * (pairs[-1][0] + 1 if pairs else 0)
            for code, name in pairs:
                names[code] = name
            setattr(self, attr, Vocabulary(names, {n: i for i, n in enumerate(names) if n}))

    def _apply(self, gone: np.ndarray, rows: tuple) -> None:
        before = self._by_agency
        self._by_task = self._by_agency = None    # made again from the pairs as they are now
        changed = np.concatenate([gone, ints(rows[0])])
        new_task, new_code = self._apply_rows(gone, rows)
        if before is not None and len(changed) + len(new_task) <= AGENCY_RUNS_UPDATED_UPTO:
            # a write's few pairs moved in the runs a reader has already made (a new sort of the
            # 1.8 million pairs costs ~50 ms, the first agency query after every write)
            self._by_agency = _runs_updated(before, changed, new_task, new_code, len(self.agencies.names), len(self.present))

    def _apply_rows(self, gone: np.ndarray, rows: tuple) -> tuple[np.ndarray, np.ndarray]:
        """The rows written and the tasks gone applied to the arrays; the (task, agency) pairs
        added, in task order."""
        none = (np.zeros(0, np.intp), np.zeros(0, np.int32))
        ids = ints(rows[0])
        changed = np.concatenate([gone, ids])
        if len(changed) and len(self.pair_task):
            keep = ~np.isin(self.pair_task, changed)
            self.pair_task, self.pair_agency, self.pair_lead = self.pair_task[keep], self.pair_agency[keep], self.pair_lead[keep]
        gone = gone[gone < len(self.present)]
        self.present[gone] = False
        if not len(ids):
            return none
        self._grow(int(ids.max()) + 1)
        self.present[ids] = True
        self.next_due[ids] = ints(rows[1])
        self.issued[ids] = ints(rows[2])
        self.ntok[ids] = ints(rows[3])
        self.status[ids] = ints(rows[4])
        self.issuer[ids] = ints(rows[5])
        self.seg[ids] = ints(rows[6])
        self.dispatch[ids] = ints(rows[7])
        flags = ints(rows[9])
        self.late[ids] = (flags & 1) > 0
        tasks, codes, lead = [], [], []
        for i, agencies in zip(ids.tolist(), rows[8].split(";")):
            if not agencies:
                continue
            leads, _, supports = agencies.partition("|")      # "lead codes|support codes"
            for part, is_lead in ((leads, True), (supports, False)):
                if part:
                    cs = part.split(",")
                    tasks.extend([i] * len(cs))
                    codes.extend(cs)
                    lead.extend([is_lead] * len(cs))
        if not tasks:
            return none
        # merged in task order, not appended: the pairs by task and by agency are then made
        # without sorting the 1.8 million pairs by task after every write
        order = np.argsort(np.array(tasks, np.intp), kind="stable")
        new_task, new_code = np.array(tasks, np.intp)[order], np.array(codes, np.int32)[order]
        at = np.searchsorted(self.pair_task, new_task, side="right")
        self.pair_task = np.insert(self.pair_task, at, new_task)
        self.pair_agency = np.insert(self.pair_agency, at, new_code)
        self.pair_lead = np.insert(self.pair_lead, at, np.array(lead, bool)[order])
        return new_task, new_code

    # -- reading ---------------------------------------------------------------------------
    def mask_of(self, ids: np.ndarray) -> np.ndarray:
        m = np.zeros(len(self.present), bool)
        m[ids[ids < len(m)]] = True
        return m & self.present

    def tasks_of(self, codes: np.ndarray) -> np.ndarray:
        """The sorted ids of the tasks one of these agencies leads or supports: their runs of the
        pairs in agency order, never a pass over every task or pair."""
        tasks, start, count = self._pairs_by_agency()
        codes = codes[(codes >= 0) & (codes < len(start))]
        runs = [tasks[start[c]: start[c] + count[c]] for c in codes.tolist()]
        if not runs:
            return np.zeros(0, np.intp)
        joined = runs[0] if len(runs) == 1 else np.concatenate(runs)
        if len(runs) == 1 and bool(np.all(joined[1:] > joined[:-1])):   # one agency's run: sorted, each task once
            return joined.astype(np.intp)
        if 4 * len(joined) < len(self.present):
            # a sort, not np.unique (it hashes: ten times slower) nor a mask over every task; a
            # stable one (timsort) merges the runs, each already sorted: 0.4 against 1.2 ms for
            # the 39,000 pairs of eight agencies at a million tasks
            joined = np.sort(joined, kind="stable")
            return joined[np.concatenate(([True], joined[1:] != joined[:-1]))].astype(np.intp)
        m = np.zeros(len(self.present), bool)     # most of the tasks: marking them beats sorting them
        m[joined] = True
        return np.flatnonzero(m)

    def with_agencies(self, codes: np.ndarray) -> np.ndarray:
        m = np.zeros(len(self.present), bool)
        m[self.tasks_of(codes)] = True
        return m

    def _pairs_by_agency(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(the pairs' tasks in (agency, task) order, each agency's first pair among them, its
        number of pairs), made once per version of the columns like `_pairs_by_task`. Tasks as
        int32: the runs taken from it are short, converting them costs nothing."""
        got = self.__dict__.get("_by_agency")
        if got is None:
            pt, pa = self.pair_task, self.pair_agency
            if len(pt) > 1 and not bool(np.all(pt[1:] >= pt[:-1])):    # pairs left out of task order
                by_task = np.argsort(pt, kind="stable")
                pt, pa = pt[by_task], pa[by_task]
            # a stable sort of 16-bit keys is a radix sort: linear in the 1.8 million pairs
            key = pa.astype(np.uint16) if len(pa) and 0 <= int(pa.min()) and int(pa.max()) < 1 << 16 else pa
            order = np.argsort(key, kind="stable")
            count = np.bincount(key, minlength=len(self.agencies.names)) if len(pa) else np.zeros(len(self.agencies.names), np.int64)
            start = np.cumsum(count) - count
            got = self._by_agency = (pt.astype(np.int32)[order], start, count)
        return got

    def _pairs_by_task(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(the pairs' agency codes in task order, each task's first pair among them, its number
        of pairs), made once per version of the columns (`_apply` drops it): what lets a facet
        read only the pairs of the tasks it counts."""
        got = self.__dict__.get("_by_task")
        if got is None:
            pt = self.pair_task
            ordered = len(pt) < 2 or bool(np.all(pt[1:] >= pt[:-1]))   # as a snapshot loads them
            agency = self.pair_agency if ordered else self.pair_agency[np.argsort(pt, kind="stable")]
            count = np.bincount(pt, minlength=len(self.present)).astype(np.int32)   # half of numpy's default
            start = (np.cumsum(count) - count).astype(np.int32)
            got = self._by_task = (agency, start, count)
        return got

    def _agency_codes_of(self, mask: np.ndarray | None, sel: np.ndarray) -> np.ndarray:
        """The agency code of every (task, agency) pair of the tasks `sel` (`mask`, if given, the
        same tasks as a mask): only their pairs when they are few, else a pass over every pair
        (at a million tasks the two cost the same near 180,000 tasks: 2.5 against 3.3 ms at 100,000)."""
        if FEW_TASKS * len(sel) > len(self.present):
            if mask is None:
                mask = np.zeros(len(self.present), bool)
                mask[sel] = True
            return np.compress(np.take(mask, self.pair_task), self.pair_agency)
        agency, start, count = self._pairs_by_task()
        n = count[sel]
        ends = np.cumsum(n)
        # the positions of each task's pairs: its first one, then the next ones up to its count
        pos = np.repeat(start[sel] - (ends - n), n) + np.arange(int(ends[-1]) if len(ends) else 0)
        return agency[pos]

    def facets(self, mask: np.ndarray | None, top: int = 20, sel: np.ndarray | None = None) -> dict:
        """Agency, status and issuer counts over the tasks of `mask` (`sel`: their ids, if known;
        then `mask` may be None)."""
        if sel is None:
            assert mask is not None
            sel = np.flatnonzero(mask)
        status = self.status[sel]
        issuer = self.issuer[sel]
        agency = self._agency_codes_of(mask, sel)
        return {
            "agency": self.agencies.ranked(np.bincount(agency, minlength=len(self.agencies.names)), top),
            "status": self.statuses.ranked(np.bincount(status[status >= 0], minlength=len(self.statuses.names)), None),
            "issuer": self.issuers.ranked(np.bincount(issuer[issuer >= 0], minlength=len(self.issuers.names)), top),
        }


    # -- the snapshot ------------------------------------------------------------------------
    def dumps(self) -> bytes:
        """The arrays, each integer one in the narrowest type that holds its values (segments,
        word counts, codes: a byte or two where memory keeps four)."""
        buf = io.BytesIO()
        vocab = json.dumps({"epoch": self.epoch, "generation": self.generation}, ensure_ascii=False)
        arrays: dict[str, Any] = {k: _narrow(getattr(self, k)) for k in self.PER_TASK}
        # the pairs in task order, their tasks as a count per task (a byte, not an id of four)
        order = np.argsort(self.pair_task, kind="stable")
        arrays.update(pair_count=_narrow(np.bincount(self.pair_task, minlength=len(self.present))),
                      pair_agency=_narrow(self.pair_agency[order]), pair_lead=self.pair_lead[order])
        np.savez(buf, vocab=np.frombuffer(vocab.encode(), np.uint8), **arrays)
        return buf.getvalue()

    @classmethod
    def loads(cls, data: bytes) -> "TaskColumns":
        z = np.load(io.BytesIO(data), allow_pickle=False)
        head = json.loads(z["vocab"].tobytes().decode())
        new = cls()
        for k in cls.ARRAYS:
            if k == "pair_task" and "pair_count" in z:
                counts = z["pair_count"]
                new.pair_task = np.repeat(np.arange(len(counts), dtype=np.intp), counts)
            else:
                setattr(new, k, z[k].astype(getattr(new, k).dtype, copy=False))
        new.epoch, new.generation = head["epoch"], head["generation"]
        return new


AGENCY_RUNS_UPDATED_UPTO = 2_000      # tasks changed and pairs added by a write (a few µs each); beyond, the runs are made again


def _runs_updated(runs: tuple[np.ndarray, np.ndarray, np.ndarray], changed: np.ndarray, new_task: np.ndarray,
                  new_code: np.ndarray, n_codes: int, n_tasks: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pairs in agency order (`_pairs_by_agency`) once the tasks `changed` lost their pairs
    and the pairs (new_task, new_code) were added."""
    tasks, start, count = runs
    n_codes = max(n_codes, int(new_code.max()) + 1 if len(new_code) else 0)
    count = np.concatenate([count, np.zeros(max(0, n_codes - len(count)), count.dtype)])
    if len(changed):
        was = np.zeros(n_tasks, bool)
        was[changed[changed < n_tasks]] = True
        drop = np.flatnonzero(was[tasks])
        if len(drop):
            # the agency of each pair dropped: the last run starting at or before it
            count = count - np.bincount(np.searchsorted(start, drop, side="right") - 1, minlength=len(count))
            tasks = np.delete(tasks, drop)
    start = np.cumsum(count) - count
    if len(new_task):
        order = np.lexsort((new_task, new_code))       # by agency, then task: the runs' order
        new_task, new_code = new_task[order], new_code[order]
        at = np.array([start[c] + np.searchsorted(tasks[start[c]: start[c] + count[c]], t)
                       for t, c in zip(new_task.tolist(), new_code.tolist())], np.intp)
        tasks = np.insert(tasks, at, new_task.astype(tasks.dtype))
        count = count + np.bincount(new_code, minlength=len(count))
        start = np.cumsum(count) - count
    return tasks, start, count


def _narrow(a: np.ndarray) -> np.ndarray:
    if a.dtype.kind != "i" or not len(a):
        return a
    lo, hi = int(a.min()), int(a.max())
    for t in (np.int8, np.int16):
        if np.iinfo(t).min <= lo and hi <= np.iinfo(t).max:
            return a.astype(t)
    return a


def _from_snapshot(raw, epoch: str | None) -> TaskColumns | None:
    """The arrays as a writer saved them for this epoch, if it did."""
    row = raw.execute("SELECT data FROM s_snapshot WHERE name = 'columns'").fetchone()
    if row is None:
        return None
    cols = TaskColumns.loads(row[0])
    return cols if cols.epoch == epoch else None


def write_snapshot(engine, cols: TaskColumns) -> None:
    """Save the arrays of a process that is up to date (a writer, after its write), unless the
    index was rebuilt meanwhile."""
    data = cols.dumps()
    with engine.begin() as c:
        epoch = c.exec_driver_sql("SELECT value FROM s_meta WHERE key = 'epoch'").scalar()
        if epoch != cols.epoch:
            return
        c.exec_driver_sql("INSERT OR REPLACE INTO s_snapshot (name, data) VALUES ('columns', ?)", (data,))
        c.exec_driver_sql("INSERT OR REPLACE INTO s_meta (key, value) VALUES ('snapshot_generation', ?)", (str(cols.generation),))


_cache: dict[str, TaskColumns] = {}
_lock = threading.Lock()


def columns_for(engine) -> TaskColumns:
    """The up-to-date columns of the index in `engine`'s database, shared by this process."""
    key = str(engine.url)
    with _lock:
        with engine.connect() as c:
            cols = _cache[key] = _cache.get(key, TaskColumns()).refreshed(c)
        return cols
