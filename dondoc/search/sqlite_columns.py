"""The SQLite backend's filter, facet and sort columns, held in memory as numpy arrays.

Counting facets, filtering by agency or deadline and sorting a match set of tens of thousands of
tasks row by row in SQL takes hundreds of milliseconds; over arrays indexed by task id it takes a
few. The arrays are a cache of the `s_task` / `s_task_agency` tables: every write to those tables
bumps a generation number in `s_meta`, and a reader brings its arrays up to date from the rows
written (and the tasks deleted) since the generation it last saw. A rebuild of the index gives
the tables a new epoch, which makes every reader load them afresh.
"""
from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

EPOCH_DAY = date(1970, 1, 1)
NO_DATE = np.iinfo(np.int32).max        # a missing date sorts after every real one


# the SQL twin of day_number, for loading many rows at once
_DAY = "ifnull(CAST(julianday({0}) - 2440587.5 AS INTEGER), 2147483647)"


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

    def code(self, name: str | None) -> int:
        if name is None:
            return -1
        c = self.codes.get(name)
        if c is None:
            c = self.codes[name] = len(self.names)
            self.names.append(name)
        return c

    def codes_of(self, names: list[str]) -> np.ndarray:
        """Codes of many names at once; the empty string stands for none (-1)."""
        get = self.codes.get
        found = [get(n) for n in names]
        return np.array([c if c is not None else (self.code(n) if n else -1) for c, n in zip(found, names)], np.int32)

    def matching(self, wanted: Sequence[str], with_suffix: bool = True, fold_case: bool = False) -> np.ndarray:
        """Codes of the names equal to one of `wanted`, or (with_suffix) starting with one of
        them followed by a space: `Sở Tư pháp` reaches `Sở Tư pháp tỉnh Kon Tum`."""
        norm = (lambda s: s.casefold()) if fold_case else (lambda s: s)
        want = [norm(w) for w in wanted]
        prefixes = tuple(w + " " for w in want) if with_suffix else ()
        hit = [i for i, n in enumerate(self.names)
               if norm(n) in want or (prefixes and norm(n).startswith(prefixes))]
        return np.array(hit, dtype=np.int32)


class TaskColumns:
    """One array per column, indexed by task id; `present` says which ids are tasks now."""

    def __init__(self) -> None:
        self.epoch: str | None = None
        self.generation = -1
        self.statuses, self.issuers, self.agencies = Vocabulary(), Vocabulary(), Vocabulary()
        self._size(0)
        self.pair_task = np.zeros(0, np.int32)      # one (task, agency) pair per lead/support row
        self.pair_agency = np.zeros(0, np.int32)

    def _size(self, n: int) -> None:
        self.present = np.zeros(n, bool)
        self.status = np.full(n, -1, np.int16)
        self.issuer = np.full(n, -1, np.int32)
        self.next_due = np.full(n, NO_DATE, np.int32)
        self.issued = np.full(n, NO_DATE, np.int32)
        self.ntok = np.zeros(n, np.int32)

    def _grow(self, n: int) -> None:
        if n <= len(self.present):
            return
        n = max(n, int(len(self.present) * 1.5) + 1024)
        old: tuple[np.ndarray, ...] = (self.present, self.status, self.issuer, self.next_due, self.issued, self.ntok)
        self._size(n)
        fresh: tuple[np.ndarray, ...] = (self.present, self.status, self.issuer, self.next_due, self.issued, self.ntok)
        for new, o in zip(fresh, old):
            new[: len(o)] = o

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
        Everything is read in one transaction, so the rows and the generation agree."""
        raw = c.connection.dbapi_connection
        raw.execute("BEGIN")
        try:
            meta = dict(raw.execute("SELECT key, value FROM s_meta").fetchall())
            epoch, generation = meta.get("epoch"), int(meta.get("generation") or 0)
            if epoch != self.epoch:
                new, since = TaskColumns(), -1
                new.epoch = epoch
            elif generation == self.generation:
                return self
            else:
                new, since = self.clone(), self.generation
            # one row of concatenated columns: fetching 100,000 rows one by one into Python
            # costs more than everything else here
            gone = raw.execute("SELECT group_concat(task_id) FROM s_task_gone WHERE gen > ?", (since,)).fetchone()[0]
            rows = raw.execute(
                f"SELECT group_concat(id), group_concat({_DAY.format('next_due')}), group_concat({_DAY.format('issued')}),"
                " group_concat(ifnull(ntok, 0)), group_concat(ifnull(status, ''), char(30)),"
                " group_concat(ifnull(issuer, ''), char(30)) FROM s_task WHERE gen > ?", (since,)).fetchone()
            pairs = raw.execute(
                "SELECT group_concat(a.task_id), group_concat(a.name, char(30)) FROM s_task_agency a"
                " JOIN s_task t ON t.id = a.task_id WHERE t.gen > ? AND a.name IS NOT NULL", (since,)).fetchone()
        finally:
            raw.execute("ROLLBACK")
        new._apply(ints(gone), rows, pairs)
        new.generation = generation
        return new

    def _apply(self, gone: np.ndarray, rows: tuple, pairs: tuple) -> None:
        ids = ints(rows[0])
        changed = np.concatenate([gone, ids])
        if len(changed) and len(self.pair_task):
            keep = ~np.isin(self.pair_task, changed)
            self.pair_task, self.pair_agency = self.pair_task[keep], self.pair_agency[keep]
        gone = gone[gone < len(self.present)]
        self.present[gone] = False
        if len(ids):
            self._grow(int(ids.max()) + 1)
            self.present[ids] = True
            self.next_due[ids] = ints(rows[1])
            self.issued[ids] = ints(rows[2])
            self.ntok[ids] = ints(rows[3])
            self.status[ids] = self.statuses.codes_of(rows[4].split("\x1e"))
            self.issuer[ids] = self.issuers.codes_of(rows[5].split("\x1e"))
        if pairs[0]:
            self.pair_task = np.concatenate([self.pair_task, ints(pairs[0]).astype(np.int32)])
            self.pair_agency = np.concatenate([self.pair_agency, self.agencies.codes_of(pairs[1].split("\x1e"))])

    # -- reading ---------------------------------------------------------------------------
    def mask_of(self, ids: np.ndarray) -> np.ndarray:
        m = np.zeros(len(self.present), bool)
        m[ids[ids < len(m)]] = True
        return m & self.present

    def with_agencies(self, codes: np.ndarray) -> np.ndarray:
        m = np.zeros(len(self.present), bool)
        m[self.pair_task[np.isin(self.pair_agency, codes)]] = True
        return m

    def facets(self, mask: np.ndarray, top: int = 20) -> dict:
        def ranked(vocab: Vocabulary, counts: np.ndarray, limit: int | None):
            pairs = sorted(((vocab.names[i], int(n)) for i, n in enumerate(counts) if n), key=lambda p: (-p[1], p[0]))
            return pairs[:limit] if limit else pairs
        sel = np.flatnonzero(mask)
        status = self.status[sel]
        issuer = self.issuer[sel]
        agency = self.pair_agency[mask[self.pair_task]]
        return {
            "agency": ranked(self.agencies, np.bincount(agency, minlength=len(self.agencies.names)), top),
            "status": ranked(self.statuses, np.bincount(status[status >= 0], minlength=len(self.statuses.names)), None),
            "issuer": ranked(self.issuers, np.bincount(issuer[issuer >= 0], minlength=len(self.issuers.names)), top),
        }


_cache: dict[str, TaskColumns] = {}
_lock = threading.Lock()


def columns_for(engine) -> TaskColumns:
    """The up-to-date columns of the index in `engine`'s database, shared by this process."""
    key = str(engine.url)
    with _lock:
        with engine.connect() as c:
            cols = _cache[key] = _cache.get(key, TaskColumns()).refreshed(c)
        return cols
