"""The embedded backend: an index in a SQLite file of its own in the data folder
(`search.sqlite3`), needing no server, shared by every process of the machine.

Per task it keeps its words — folded (diacritics and case ignored) and as written — as
roaring-bitmap postings (postings.py), and its status, deadline, issue date, issuer and agencies
as rows every process holds in memory as columns (sqlite_columns.py). A query intersects the
postings of its words, filters, counts facets, ranks and pages over the columns, and reads the
page's tasks from the register. The text itself is not stored again: the register keeps it.

Ranking: tasks holding every word as written (diacritics matching) first, then BM25 with each
word counted once (the shorter the task, the higher), then the nearer deadline.
"""
from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from functools import lru_cache
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy import text as sql

from ..config import Settings
from ..domain import ReportClass, Status
from ..nlp.fold import fold
from ..storage import models as m
from ..storage.db import engine_for, session_scope
from . import postings
from .base import Hit, Overview, Query, Results, raw_terms, snippet, terms
from .documents import task_docs
from .postings import DISPATCH_EXACT, DISPATCH_FOLDED, TASK_EXACT, TASK_FOLDED
from .sqlite_columns import NO_DATE, TaskColumns, columns_for, day_number, write_snapshot
from .sqlite_selection import kept_tasks

SCHEMA = {
    "s_meta": "CREATE TABLE IF NOT EXISTS {p}s_meta (key TEXT PRIMARY KEY, value TEXT)",
    # `gen`: the generation of the write that stored the row; `seg`: the postings segment holding its words
    # statuses, issuers and agencies by code (`s_vocab`), dates as day numbers: a row is a few bytes
    # kept by dispatch (what a write replaces or deletes), with no second index for that
    "s_task": "CREATE TABLE IF NOT EXISTS {p}s_task (id INTEGER, dispatch_id INTEGER, status INTEGER,"
              " next_due INTEGER, issued INTEGER, issuer INTEGER, ntok INTEGER, seg INTEGER, gen INTEGER,"
              " agencies TEXT, flags INTEGER,"      # agencies: "lead codes|support codes"; flags: 1 done late
              " PRIMARY KEY (dispatch_id, id)) WITHOUT ROWID",
    "s_vocab": "CREATE TABLE IF NOT EXISTS {p}s_vocab (kind TEXT, name TEXT, code INTEGER, PRIMARY KEY (kind, name))"
               " WITHOUT ROWID",
    "s_task_gone": "CREATE TABLE IF NOT EXISTS {p}s_task_gone (task_id INTEGER, gen INTEGER)",
    "s_dispatch": "CREATE TABLE IF NOT EXISTS {p}s_dispatch (id INTEGER PRIMARY KEY, issuer TEXT, issued TEXT,"
                  " subject_words TEXT, seg INTEGER, gen INTEGER)",
    "s_snapshot": "CREATE TABLE IF NOT EXISTS {p}s_snapshot (name TEXT PRIMARY KEY, data BLOB)",
    **postings.SCHEMA,
}
INDEXES = [
    # rows a rebuild wrote have generation 0 (BASE): readers take them from the snapshot, never
    # by generation, so they are left out of this index
    "CREATE INDEX IF NOT EXISTS {p}ix_s_task_gen ON {p}s_task(gen) WHERE gen > 0",
    "CREATE INDEX IF NOT EXISTS {p}ix_s_gone_gen ON {p}s_task_gone(gen)",
    "CREATE INDEX IF NOT EXISTS {p}ix_s_dispatch_seg ON {p}s_dispatch(seg)",
    *postings.INDEXES,
]
# where a kind of posting says which segment holds a row's words now
LIVE = {TASK_FOLDED: ("s_task", "id"), TASK_EXACT: ("s_task", "id"),
        DISPATCH_FOLDED: ("s_dispatch", "id"), DISPATCH_EXACT: ("s_dispatch", "id")}
BASE = 0                   # the generation of the rows a rebuild writes
SNAPSHOT_AFTER = 20_000    # rows written since the columns' snapshot before a writer takes a new one
K1, B = 1.2, 0.75


def _average_length(ntok: np.ndarray) -> float:
    return max(float(ntok.mean()) if len(ntok) else 1.0, 1.0)


def _rank_by_length(ntok: np.ndarray, n_words: int, avg: float) -> np.ndarray:
    """BM25 (k1 = 1.2, b = 0.75) with each query word counted once per task: among tasks holding
    every word, the shorter the task the higher it ranks (`avg`: the matching tasks' mean length)."""
    return n_words * (K1 + 1) / (1 + K1 * (1 - B + B * ntok / avg))


def _day(iso: str | None) -> int | None:
    return day_number(iso) if iso else None


def _codes(c, p: str, kind: str, names: set[str]) -> dict[str, int]:
    """The codes of these names, new ones numbered after the last."""
    if not names:
        return {}
    found: dict[str, int] = {}
    for name, code in c.exec_driver_sql(f"SELECT name, code FROM {p}s_vocab WHERE kind = ?", (kind,)):
        if name in names:
            found[name] = code
    missing = sorted(names - set(found))
    if missing:
        top = c.exec_driver_sql(f"SELECT ifnull(max(code), -1) FROM {p}s_vocab WHERE kind = ?", (kind,)).scalar()
        new = {n: top + 1 + k for k, n in enumerate(missing)}
        c.exec_driver_sql(f"INSERT INTO {p}s_vocab (kind, name, code) VALUES (?, ?, ?)", [(kind, n, k) for n, k in new.items()])
        found.update(new)
    return found


def _agency_codes(t: dict, codes: dict[str, int]) -> str | None:
    lead = ",".join(str(codes[n]) for n in dict.fromkeys(t["lead"]))
    support = ",".join(str(codes[n]) for n in dict.fromkeys(t["support"]) if n not in t["lead"])
    return f"{lead}|{support}" if lead or support else None


@lru_cache(maxsize=1 << 17)
def _folding_changes(word: str) -> bool:
    return fold(word) != word


def _marked(words: set[str], folded: set[str]) -> set[str]:
    """The words as written that folding changes (`trẻ`, not `em`): a word folding leaves alone
    is found through its folded postings, so it is not listed twice. Words among the folded ones
    are such words, so only the others are asked."""
    return {w for w in words - folded if not w.isascii() and _folding_changes(w)}


def _words_and_lengths(docs: Sequence[dict]) -> tuple[list[tuple[str, int, set[str]]], list[tuple[int, dict]]]:
    """(kind, id, distinct words) of the dispatches and tasks for their postings, and (word count,
    task) for their rows: each text tokenized once."""
    words: list[tuple[str, int, set[str]]] = []
    tasks: list[tuple[int, dict]] = []
    for d in docs:
        folded = set(terms(d["subject_folded"]) + terms(d["folded"]))
        words.append((DISPATCH_FOLDED, d["id"], folded))
        words.append((DISPATCH_EXACT, d["id"], _marked(set(raw_terms(d["subject"]) + raw_terms(d["text"])), folded)))
        for t in d["tasks"]:
            all_folded = terms(t["folded"])
            folded = set(all_folded)
            words.append((TASK_FOLDED, t["id"], folded))
            words.append((TASK_EXACT, t["id"], _marked(set(raw_terms(t["text"])), folded)))
            tasks.append((len(all_folded), t))
    return words, tasks


def _as_written(folded_kind: str, exact_kind: str, text: str) -> list[tuple[str, str]]:
    """(kind, word) for every query word as written: its exact postings when folding changes it,
    else its folded ones."""
    return [(exact_kind, w) if fold(w) != w else (folded_kind, w) for w in raw_terms(text)]


class SqliteBackend:
    name = "sqlite"

    def __init__(self, settings: Settings):
        self.settings = settings
        self.engine = engine_for(settings.index_db_url)
        self._ensured = False
        self._dispatch_segs: tuple[tuple[str, int], np.ndarray] | None = None

    # -- writing ---------------------------------------------------------------------------
    def ensure(self, prefix: str = "") -> None:
        if self._ensured and not prefix:
            return
        with self.engine.begin() as c:
            for ddl in SCHEMA.values():
                c.exec_driver_sql(ddl.format(p=prefix))
            for ddl in INDEXES:
                c.exec_driver_sql(ddl.format(p=prefix))
            c.exec_driver_sql(f"INSERT OR IGNORE INTO {prefix}s_meta VALUES ('epoch', ?), ('generation', '0')",
                              (uuid.uuid4().hex,))
        if not prefix:
            self._ensured = True

    def ping(self) -> bool:
        return True

    @staticmethod
    def _next_generation(c, p: str = "") -> int:
        c.exec_driver_sql(f"UPDATE {p}s_meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")
        return int(c.exec_driver_sql(f"SELECT value FROM {p}s_meta WHERE key = 'generation'").scalar())

    def _delete(self, c, ids: Sequence[int], gen: int, p: str = "") -> None:
        """Rows go; their postings stay in their segments, dead, until a merge or rebuild."""
        if not ids:
            return
        marks = ",".join("?" * len(ids))
        c.exec_driver_sql(f"INSERT INTO {p}s_task_gone (task_id, gen) SELECT id, ? FROM {p}s_task WHERE dispatch_id IN ({marks})",
                          (gen, *ids))
        c.exec_driver_sql(f"DELETE FROM {p}s_task WHERE dispatch_id IN ({marks})", tuple(ids))
        c.exec_driver_sql(f"DELETE FROM {p}s_dispatch WHERE id IN ({marks})", tuple(ids))

    def _write_fresh(self, c, docs: Sequence[dict], gen: int, p: str = "") -> None:
        """The dispatches' rows, and their words as one new postings segment."""
        if not docs:
            return
        seg = postings.next_segment(c, p)
        words, tasks = _words_and_lengths(docs)
        postings.write_segment(c, seg, gen, postings.collect(words), p)
        self._write_rows(c, docs, tasks, seg, gen, p)

    def _write_rows(self, c, docs: Sequence[dict], tasks: list[tuple[int, dict]], seg: int, gen: int, p: str) -> None:
        """The rows of these dispatches and of their tasks ((word count, task)), their postings in `seg`."""
        c.exec_driver_sql(f"INSERT INTO {p}s_dispatch (id, issuer, issued, subject_words, seg, gen) VALUES (?, ?, ?, ?, ?, ?)",
                          [(d["id"], d["issuer"], d["issued"], " ".join(sorted(set(terms(d["subject_folded"])))), seg, gen)
                           for d in docs])
        if not tasks:
            return
        status = _codes(c, p, "s", {str(t["status"]) for _, t in tasks})
        issuer = _codes(c, p, "i", {t["issuer"] for _, t in tasks if t["issuer"]})
        agency = _codes(c, p, "a", {n for _, t in tasks for n in t["lead"] + t["support"]})
        c.exec_driver_sql(f"INSERT INTO {p}s_task (id, dispatch_id, status, next_due, issued, issuer, ntok, seg, gen,"
                          " agencies, flags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          [(t["id"], t["dispatch_id"], status[str(t["status"])], _day(t["next_due"]), _day(t["issued"]),
                            issuer.get(t["issuer"]), ntok, seg, gen, _agency_codes(t, agency),
                            1 if t.get("done_late") else 0)
                           for ntok, t in tasks])

    def upsert(self, dispatches: Sequence[dict]) -> None:
        self.ensure()
        with self.engine.begin() as c:
            gen = self._next_generation(c)
            self._delete(c, [d["id"] for d in dispatches], gen)
            self._write_fresh(c, dispatches, gen)
            postings.merge(c, gen, LIVE)
        self._maybe_snapshot()

    def delete(self, dispatch_ids: Sequence[int]) -> None:
        self.ensure()
        with self.engine.begin() as c:
            self._delete(c, dispatch_ids, self._next_generation(c))
        self._maybe_snapshot()

    def _maybe_snapshot(self) -> None:
        """Writers keep the columns' snapshot near the present, so a new process loads them in one
        read instead of row by row (the first search of a process at a million tasks)."""
        with self.engine.connect() as c:
            meta: dict[str, str] = dict(c.exec_driver_sql("SELECT key, value FROM s_meta").fetchall())
            since = int(meta.get("snapshot_generation", -1))
            behind = int(c.exec_driver_sql("SELECT count(*) FROM s_task WHERE gen > ? AND gen > 0", (since,)).scalar() or 0)
        if since < 0 or behind >= SNAPSHOT_AFTER:
            write_snapshot(self.engine, columns_for(self.engine))

    def rebuild(self, dispatches: Iterable[dict]) -> int:
        """A new set of tables filled beside the live one, swapped in one transaction: readers
        see the old index until the commit, then the new one (with a new epoch, so every process
        reloads its columns). The old tables' pages are given back to the file system."""
        p = "new_"
        self.ensure()
        with self.engine.begin() as c:
            for name in SCHEMA:
                c.exec_driver_sql(f"DROP TABLE IF EXISTS {p}{name}")
        self.ensure(prefix=p)
        n = 0
        with self.engine.begin() as c:
            gen = self._next_generation(c, p)
            seg = postings.next_segment(c, p)
            gathered = postings.Gathered()      # the whole index's postings: one segment, no merge
            for batch in _batches(dispatches, 2000):
                words, tasks = _words_and_lengths(batch)
                gathered.add(words)
                self._write_rows(c, batch, tasks, seg, BASE, p)
                n += len(batch)
            postings.write_segment(c, seg, gen, gathered.bitmaps, p)
        with self.engine.begin() as c:
            for name in SCHEMA:
                c.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
                c.exec_driver_sql(f"ALTER TABLE {p}{name} RENAME TO {name}")
            for ddl in INDEXES:   # index names keep their prefix after a rename; recreate plain ones
                c.exec_driver_sql(ddl.format(p=""))
            for (name,) in c.exec_driver_sql(f"SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '{p}%'").fetchall():
                c.exec_driver_sql(f"DROP INDEX {name}")
        write_snapshot(self.engine, columns_for(self.engine))
        self._give_back_pages()
        return n

    def _give_back_pages(self) -> None:
        """The old tables' pages given back to the file system, so no second copy of the index
        stays in the file. The file must be in incremental auto-vacuum for that; one that is not
        (the mode can only be set on an empty file, and setting WAL first makes it non-empty) is
        turned into one by a VACUUM, once."""
        with self.engine.connect() as c:
            raw: Any = c.connection.dbapi_connection
            if raw.execute("PRAGMA auto_vacuum").fetchone()[0] != 2:
                raw.execute("PRAGMA auto_vacuum = INCREMENTAL")
                raw.execute("VACUUM")
            # sqlite3's execute frees one page of the list; a script runs the pragma to its end
            raw.executescript("PRAGMA incremental_vacuum")
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    # -- reading ---------------------------------------------------------------------------
    def search_tasks(self, q: Query, agency_names: Sequence[str] | None = None) -> Results:
        self.ensure()
        cols = columns_for(self.engine)
        chosen = kept_tasks(cols, q, agency_names or [])
        kept = chosen.mask_if_made        # the tasks counted by the facets, as a mask (None: only as `ids`)
        score = exact = None          # over `ids` below, not over every task
        words = terms(q.text)
        if words:
            cache = postings.cache_for(str(self.engine.url))
            with self.engine.connect() as c:
                epoch = cols.epoch or ""
                matched = postings.matching(c, cache, epoch, [(TASK_FOLDED, w) for w in words], cols.seg)
                as_written = postings.matching(c, cache, epoch, _as_written(TASK_FOLDED, TASK_EXACT, q.text), cols.seg)
            ids = chosen.of(matched)           # the matches the filters keep, without a pass over every task
            kept = None
            score = _rank_by_length(cols.ntok[ids], len(words), _average_length(cols.ntok[matched]))
            exact = cols.mask_of(as_written)[ids]
        else:
            ids = chosen.ids
        order = self._order(cols, ids, q, score, exact)
        at = order[(q.page - 1) * q.per_page: q.page * q.per_page] if len(ids) else np.zeros(0, np.intp)
        page = [int(i) for i in ids[at]]
        scores = {int(ids[k]): float(score[k]) if score is not None else 0.0 for k in at}
        facets = cols.facets(kept, sel=ids)
        with engine_for(self.settings.db_url).connect() as c:     # reads only: no session to set up
            shown = task_docs(c, page)
        hits = [Hit(i, "task", scores[i], snippet(shown[i]["text"], q.text),
                    {k: shown[i][k] for k in ("dispatch_id", "text", "status", "next_due", "deadlines", "lead", "support",
                                              "number", "issuer", "issued", "subject")})
                for i in page if i in shown]
        return Results(len(ids), hits, facets)

    @staticmethod
    def _order(cols: TaskColumns, ids: np.ndarray, q: Query, score, exact) -> np.ndarray:
        """Positions of `ids` in result order: by relevance (exact-diacritic matches first, then
        score, then the nearer deadline), by deadline, or by issue date (newest first); ties by id."""
        due = cols.next_due[ids].astype(np.int64)
        keys: tuple[np.ndarray, ...]
        if q.sort == "issued":
            issued = cols.issued[ids].astype(np.int64)
            keys = (ids, np.where(issued == NO_DATE, np.iinfo(np.int64).max, -issued))
        elif q.sort != "deadline" and score is not None:
            # one number for (exact match first, then score): lets the partition below cut on it
            keys = (ids, due, np.where(exact, 0.0, 1e9) - score)
        else:
            keys = (ids, due)
        need = q.page * q.per_page
        if len(ids) > 4 * need:
            # only the rows up to the requested page need sorting: those whose leading key
            # does not exceed the one at that position
            lead = keys[-1]
            cut = np.partition(lead, need - 1)[need - 1]
            cand = np.flatnonzero(lead <= cut)
            return cand[np.lexsort(tuple(k[cand] for k in keys))]
        return np.lexsort(keys)

    def indexed(self) -> dict[int, set[int]]:
        """What the index holds: dispatch id -> its task ids (for `dondoc check`)."""
        self.ensure()
        with self.engine.connect() as c:
            out: dict[int, set[int]] = {i: set() for (i,) in c.execute(sql("SELECT id FROM s_dispatch"))}
            for tid, did in c.execute(sql("SELECT id, dispatch_id FROM s_task")):
                out.setdefault(did, set()).add(tid)
        return out

    # -- the dashboard -----------------------------------------------------------------------
    def overview(self, today: date, weeks: int = 8, within: Sequence[str] | None = None, top: int = 10) -> Overview:
        """domain.report_class's branches as masks over the columns: a few milliseconds for a
        million tasks."""
        self.ensure()
        cols = columns_for(self.engine)
        mine = cols.present.copy()          # the task index holds only tasks under tracking
        if within is not None:
            mine &= cols.with_agencies(cols.agencies.matching(list(within), with_suffix=False))
        status, due = cols.status, cols.next_due
        suspended = status == cols.statuses.codes.get(Status.SUSPENDED.value, -2)
        done = status == cols.statuses.codes.get(Status.DONE.value, -2)
        open_, dated, day = ~suspended & ~done, due != NO_DATE, day_number(today)
        branches = {
            ReportClass.SUSPENDED: suspended, ReportClass.NO_DEADLINE: ~suspended & ~dated,
            ReportClass.ON_TIME: done & dated & ~cols.late, ReportClass.DONE_LATE: done & dated & cols.late,
            ReportClass.OVERDUE: open_ & dated & (due < day), ReportClass.IN_TIME: open_ & dated & (due >= day),
        }
        counts = {k.value: int(n) for k, v in branches.items() if (n := np.count_nonzero(mine & v))}
        in_time = due[mine & branches[ReportClass.IN_TIME]]
        per_week = [int(np.count_nonzero((in_time >= day + 7 * w) & (in_time < day + 7 * w + 7))) for w in range(weeks)]
        overdue = mine & branches[ReportClass.OVERDUE]
        leads = cols.pair_agency[cols.pair_lead & overdue[cols.pair_task]]
        found = np.bincount(leads, minlength=len(cols.agencies.names)) if len(leads) else np.zeros(0, np.int64)
        ranked = sorted(((cols.agencies.names[i], int(n)) for i, n in enumerate(found) if n), key=lambda p: (-p[1], p[0]))
        return Overview(counts, per_week, ranked[:top])

    # -- dispatches ------------------------------------------------------------------------
    def _dispatch_segments(self, c, epoch: str) -> np.ndarray:
        """Dispatch id -> its postings segment, read again only after a write."""
        gen = int(c.exec_driver_sql("SELECT value FROM s_meta WHERE key = 'generation'").scalar())
        if self._dispatch_segs is None or self._dispatch_segs[0] != (epoch, gen):
            row = c.exec_driver_sql("SELECT group_concat(id), group_concat(seg) FROM s_dispatch").fetchone()
            ids = np.array(row[0].split(","), np.int64) if row[0] else np.zeros(0, np.int64)
            segs = np.array(row[1].split(","), np.int64) if row[1] else np.zeros(0, np.int64)
            seg_of = np.full(int(ids.max()) + 1 if len(ids) else 0, -1, np.int64)
            seg_of[ids] = segs
            self._dispatch_segs = ((epoch, gen), seg_of)
        return self._dispatch_segs[1]

    def search_dispatches(self, q: Query) -> Results:
        self.ensure()
        params: dict = {}
        where: list[str] = []
        words = terms(q.text)
        with self.engine.connect() as c:
            epoch = c.exec_driver_sql("SELECT value FROM s_meta WHERE key = 'epoch'").scalar() or ""
            exact: set[int] = set()
            if words:
                cache = postings.cache_for(str(self.engine.url))
                seg_of = self._dispatch_segments(c, epoch)
                found = postings.matching(c, cache, epoch, [(DISPATCH_FOLDED, w) for w in words], seg_of)
                exact = set(postings.matching(c, cache, epoch, _as_written(DISPATCH_FOLDED, DISPATCH_EXACT, q.text),
                                              seg_of).tolist())
                where.append("d.id IN (SELECT value FROM json_each(:found))")
                params["found"] = json.dumps(found.tolist())
            if q.issuer:
                where.append("(d.issuer = :issuer OR d.issuer LIKE :issuer_p)")
                params["issuer"], params["issuer_p"] = q.issuer, q.issuer + " %"
            if q.issued_from:
                where.append("d.issued >= :issued_from")
                params["issued_from"] = q.issued_from.isoformat()
            if q.issued_to:
                where.append("d.issued <= :issued_to")
                params["issued_to"] = q.issued_to.isoformat()
            if q.within is not None:           # dispatches that gave one of these agencies a task
                cols = columns_for(self.engine)
                theirs = cols.present & cols.with_agencies(cols.agencies.matching(list(q.within), with_suffix=False))
                where.append("d.id IN (SELECT value FROM json_each(:within))")
                params["within"] = json.dumps(np.unique(cols.dispatch[theirs]).tolist())
            w = (" WHERE " + " AND ".join(where)) if where else ""
            rows = list(c.execute(sql(f"SELECT d.id, d.issuer, d.issued, d.subject_words FROM s_dispatch d{w}"), params).all())
        subject_hit = lambda r: all(x in (r.subject_words or "").split() for x in words)   # noqa: E731
        key: Callable[[Any], tuple]
        if q.sort in ("issued", "deadline") or not words:
            key = lambda r: (r.issued is None, _neg_day(r.issued), r.id)   # noqa: E731
        else:   # written as asked first, then the words in the subject, then the newest
            key = lambda r: (r.id not in exact, not subject_hit(r), r.issued is None, _neg_day(r.issued), r.id)   # noqa: E731
        rows.sort(key=key)
        page = rows[(q.page - 1) * q.per_page: q.page * q.per_page]
        counts: dict[str, int] = {}
        for r in rows:
            if r.issuer:
                counts[r.issuer] = counts.get(r.issuer, 0) + 1
        issuers = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:20]
        with session_scope(self.settings) as s:
            shown = {d.id: d for d in s.scalars(select(m.Dispatch).where(m.Dispatch.id.in_([r.id for r in page])))}
            hits: list[Hit] = []
            for r in page:
                d = shown.get(r.id)
                if d is None:
                    continue
                body = d.text_restored or d.text or ""
                hits.append(Hit(d.id, "dispatch", float(len(page) - len(hits)),
                                snippet(f"{d.subject} — {body}" if d.subject else body, q.text),
                                {"number": d.number, "issuer": d.issuer, "issued": d.issued.isoformat() if d.issued else None,
                                 "kind": d.kind, "subject": d.subject or ""}))
        return Results(len(rows), hits, {"issuer": issuers})


def _batches(items: Iterable[dict], size: int) -> Iterable[list[dict]]:
    batch: list[dict] = []
    for d in items:
        batch.append(d)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _neg_day(iso: str | None) -> int:
    return -day_number(iso) if iso else 0
