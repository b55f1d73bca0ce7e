"""The embedded backend: SQLite FTS5 tables beside the register, in the same database file.

Two columns are indexed for every text: as written (diacritics kept) and folded. A query
matches the folded column (so `tre em`, `trẻ em`, `TRE EM` find the same); the tasks it also
matches in the written column rank first. FTS5 finds the matching ids; filters, facets and
ordering run over columns held in memory (sqlite_columns).
"""
from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence

import numpy as np
from sqlalchemy import text as sql

from ..config import Settings
from ..domain import OPEN_STATUSES
from ..storage.db import engine_for
from .base import DispatchDoc, Hit, Query, Results, raw_terms, snippet, terms
from .sqlite_columns import NO_DATE, TaskColumns, columns_for, day_number, ints

SCHEMA = {
    # `gen`: the generation of the write that stored the row (see sqlite_columns)
    "s_task": "CREATE TABLE IF NOT EXISTS {p}s_task (id INTEGER PRIMARY KEY, dispatch_id INTEGER, status TEXT,"
              " next_due TEXT, issued TEXT, issuer TEXT, number TEXT, subject TEXT, text TEXT,"
              " lead TEXT, support TEXT, deadlines TEXT, gen INTEGER, ntok INTEGER)",
    "s_task_agency": "CREATE TABLE IF NOT EXISTS {p}s_task_agency (task_id INTEGER, name TEXT, role TEXT)",
    "s_task_fts": "CREATE VIRTUAL TABLE IF NOT EXISTS {p}s_task_fts USING fts5(text, folded,"
                  " tokenize='unicode61 remove_diacritics 0')",
    "s_task_gone": "CREATE TABLE IF NOT EXISTS {p}s_task_gone (task_id INTEGER, gen INTEGER)",
    "s_meta": "CREATE TABLE IF NOT EXISTS {p}s_meta (key TEXT PRIMARY KEY, value TEXT)",
    "s_dispatch": "CREATE TABLE IF NOT EXISTS {p}s_dispatch (id INTEGER PRIMARY KEY, number TEXT, issuer TEXT,"
                  " issued TEXT, kind TEXT, subject TEXT, text TEXT)",
    "s_dispatch_fts": "CREATE VIRTUAL TABLE IF NOT EXISTS {p}s_dispatch_fts USING fts5(text, folded,"
                      " tokenize='unicode61 remove_diacritics 0')",
}
INDEXES = [
    "CREATE INDEX IF NOT EXISTS {p}ix_s_task_cols ON {p}s_task(gen, id, status, issuer, next_due, issued, ntok)",
    "CREATE INDEX IF NOT EXISTS {p}ix_s_task_disp ON {p}s_task(dispatch_id)",
    "CREATE INDEX IF NOT EXISTS {p}ix_s_ta_task ON {p}s_task_agency(task_id, name)",
    "CREATE INDEX IF NOT EXISTS {p}ix_s_gone_gen ON {p}s_task_gone(gen)",
    "CREATE INDEX IF NOT EXISTS {p}ix_s_dispatch_issued ON {p}s_dispatch(issued)",
]
# Above this many matches, ranking every match with FTS5's bm25() costs more than the whole
# query may take; ranking then uses BM25 with each query word counted once (see _rank_by_length).
BM25_MAX_MATCHES = 2000
K1, B = 1.2, 0.75
_ensured: set[tuple[str, str]] = set()


def _folded_query(text: str) -> str | None:
    """Every query word, diacritics and case ignored."""
    folded = terms(text)
    return " AND ".join(f'"{w}"' for w in folded) if folded else None


def _exact_query(text: str) -> str | None:
    """Every query word as written (case ignored): these matches rank first."""
    exact = raw_terms(text)
    return " AND ".join('"' + w.replace('"', "") + '"' for w in exact) if exact else None


def _fts_query(text: str) -> str | None:
    f, e = _folded_query(text), _exact_query(text)
    if not f:
        return None
    return f"folded : ({f}) OR text : ({e})" if e else f"folded : ({f})"


def _ids(c, table: str, match: str) -> np.ndarray:
    # one string instead of a row per match: tens of thousands of rows cost more to fetch
    # into Python than to match
    return ints(c.execute(sql(f"SELECT group_concat(rowid) FROM {table} WHERE {table} MATCH :q"), {"q": match}).scalar())


def _rank_by_length(ntok: np.ndarray, n_words: int) -> np.ndarray:
    """BM25 (k1 = 1.2, b = 0.75) with each query word counted once per task: among tasks holding
    every word, the shorter the task the higher it ranks, as in full BM25 when words occur once."""
    avg = max(float(ntok.mean()) if len(ntok) else 1.0, 1.0)
    return n_words * (K1 + 1) / (1 + K1 * (1 - B + B * ntok / avg))


class SqliteBackend:
    name = "sqlite"

    def __init__(self, settings: Settings):
        self.settings = settings
        self.engine = engine_for(settings.index_db_url)

    # -- writing ---------------------------------------------------------------------------
    def ensure(self, prefix: str = "") -> None:
        key = (str(self.engine.url), prefix)
        if key in _ensured and not prefix:
            return
        with self.engine.begin() as c:
            for ddl in SCHEMA.values():
                c.execute(sql(ddl.format(p=prefix)))
            cols = {r[1] for r in c.execute(sql(f"PRAGMA table_info({prefix}s_task)"))}
            for col in ("gen", "ntok"):            # tables written before these columns existed
                if col not in cols:
                    c.execute(sql(f"ALTER TABLE {prefix}s_task ADD COLUMN {col} INTEGER DEFAULT 0"))
            for ddl in INDEXES:
                c.execute(sql(ddl.format(p=prefix)))
            c.execute(sql(f"INSERT OR IGNORE INTO {prefix}s_meta VALUES ('epoch', :e), ('generation', '0')"),
                      {"e": uuid.uuid4().hex})
        if not prefix:
            _ensured.add(key)

    def ping(self) -> bool:
        return True

    @staticmethod
    def _next_generation(c, p: str = "") -> int:
        c.execute(sql(f"UPDATE {p}s_meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'"))
        return int(c.execute(sql(f"SELECT value FROM {p}s_meta WHERE key = 'generation'")).scalar())

    def _write(self, c, docs: Sequence[DispatchDoc], p: str = "") -> None:
        gen = self._next_generation(c, p)
        self._delete(c, [d["id"] for d in docs], gen, p)
        self._write_fresh(c, docs, gen, p)

    def _delete(self, c, ids: Sequence[int], gen: int, p: str = "") -> None:
        for i in ids:
            tids = [r[0] for r in c.execute(sql(f"SELECT id FROM {p}s_task WHERE dispatch_id = :i"), {"i": i})]
            for tid in tids:
                c.execute(sql(f"DELETE FROM {p}s_task_fts WHERE rowid = :t"), {"t": tid})
                c.execute(sql(f"DELETE FROM {p}s_task_agency WHERE task_id = :t"), {"t": tid})
                c.execute(sql(f"INSERT INTO {p}s_task_gone VALUES (:t, :g)"), {"t": tid, "g": gen})
            c.execute(sql(f"DELETE FROM {p}s_task WHERE dispatch_id = :i"), {"i": i})
            c.execute(sql(f"DELETE FROM {p}s_dispatch_fts WHERE rowid = :i"), {"i": i})
            c.execute(sql(f"DELETE FROM {p}s_dispatch WHERE id = :i"), {"i": i})

    def upsert(self, dispatches: Sequence[DispatchDoc]) -> None:
        self.ensure()
        with self.engine.begin() as c:
            self._write(c, dispatches)

    def delete(self, dispatch_ids: Sequence[int]) -> None:
        self.ensure()
        with self.engine.begin() as c:
            self._delete(c, dispatch_ids, self._next_generation(c))

    def indexed(self) -> dict[int, set[int]]:
        """What the index holds: dispatch id -> its task ids (for `dondoc check`)."""
        self.ensure()
        with self.engine.connect() as c:
            out: dict[int, set[int]] = {i: set() for (i,) in c.execute(sql("SELECT id FROM s_dispatch"))}
            for tid, did in c.execute(sql("SELECT id, dispatch_id FROM s_task")):
                out.setdefault(did, set()).add(tid)
        return out

    def rebuild(self, dispatches: Iterable[DispatchDoc]) -> int:
        """A new set of tables filled beside the live one, swapped in one transaction: readers
        see the old index until the commit, then the new one (with a new epoch, so every process
        reloads its columns)."""
        p = "new_"
        with self.engine.begin() as c:
            for name in SCHEMA:
                c.execute(sql(f"DROP TABLE IF EXISTS {p}{name}"))
        self.ensure(prefix=p)
        n = 0
        batch: list[dict] = []
        with self.engine.begin() as c:
            gen = self._next_generation(c, p)
            for d in dispatches:
                batch.append(d)
                n += 1
                if len(batch) >= 500:
                    self._write_fresh(c, batch, gen, p)
                    batch = []
            self._write_fresh(c, batch, gen, p)
        with self.engine.begin() as c:
            for name in SCHEMA:
                c.execute(sql(f"DROP TABLE IF EXISTS {name}"))
                c.execute(sql(f"ALTER TABLE {p}{name} RENAME TO {name}"))
            for ddl in INDEXES:   # index names keep their prefix after a rename; recreate plain ones
                c.execute(sql(ddl.format(p="")))
        return n

    def _write_fresh(self, c, docs, gen: int, p: str = ""):
        if not docs:
            return
        c.execute(sql(f"INSERT INTO {p}s_dispatch (id, number, issuer, issued, kind, subject, text) VALUES (:id, :number, :issuer, :issued, :kind, :subject, :text)"),
                  [{k: d[k] for k in ("id", "number", "issuer", "issued", "kind", "subject", "text")} for d in docs])
        c.execute(sql(f"INSERT INTO {p}s_dispatch_fts (rowid, text, folded) VALUES (:id, :t, :f)"),
                  [{"id": d["id"], "t": f"{d['subject']}\n{d['text']}", "f": f"{d['subject_folded']}\n{d['folded']}"} for d in docs])
        tasks = [t for d in docs for t in d["tasks"]]
        if not tasks:
            return
        c.execute(sql(f"INSERT INTO {p}s_task VALUES (:id, :dispatch_id, :status, :next_due, :issued, :issuer, :number, :subject, :text, :lead, :support, :deadlines, :gen, :ntok)"),
                  [{**{k: t[k] for k in ("id", "dispatch_id", "status", "next_due", "issued", "issuer", "number", "subject", "text")},
                    "lead": json.dumps(t["lead"], ensure_ascii=False), "support": json.dumps(t["support"], ensure_ascii=False),
                    "deadlines": json.dumps(t["deadlines"]), "gen": gen, "ntok": len(terms(t["folded"]))} for t in tasks])
        c.execute(sql(f"INSERT INTO {p}s_task_fts (rowid, text, folded) VALUES (:id, :t, :f)"),
                  [{"id": t["id"], "t": t["text"], "f": t["folded"]} for t in tasks])
        rows = [{"t": t["id"], "n": n, "r": r} for t in tasks for r in ("lead", "support") for n in t[r]]
        if rows:
            c.execute(sql(f"INSERT INTO {p}s_task_agency (task_id, name, role) VALUES (:t, :n, :r)"), rows)

    # -- reading ---------------------------------------------------------------------------
    def _selection(self, cols: TaskColumns, q: Query, agency_names: Sequence[str]) -> np.ndarray:
        """The tasks the filters keep, as a mask over task ids."""
        m = cols.present.copy()
        if agency_names:
            m &= cols.with_agencies(cols.agencies.matching(agency_names))
        if q.within is not None:           # exact names: a scope never widens to a locality's body
            m &= cols.with_agencies(cols.agencies.matching(list(q.within), with_suffix=False))
        if q.issuer:
            m &= np.isin(cols.issuer, cols.issuers.matching([q.issuer], fold_case=True))
        if q.status:
            m &= cols.status == cols.statuses.codes.get(q.status, -2)
        due, issued = cols.next_due, cols.issued
        if q.due_from:
            m &= (due >= day_number(q.due_from)) & (due != NO_DATE)
        if q.due_to:
            m &= due <= day_number(q.due_to)
        if q.issued_from:
            m &= (issued >= day_number(q.issued_from)) & (issued != NO_DATE)
        if q.issued_to:
            m &= issued <= day_number(q.issued_to)
        if q.overdue:
            open_ = [cols.statuses.codes.get(s, -2) for s in OPEN_STATUSES]   # domain.is_overdue
            m &= np.isin(cols.status, open_) & (due < day_number(q.today))
        return m

    def search_tasks(self, q: Query, agency_names: Sequence[str] | None = None) -> Results:
        self.ensure()
        cols = columns_for(self.engine)
        mask = self._selection(cols, q, agency_names or [])
        score = None
        folded = _folded_query(q.text)
        with self.engine.connect() as c:
            if folded:
                matched = _ids(c, "s_task_fts", f"folded : ({folded})")
                mask &= cols.mask_of(matched)
                exact = np.zeros(len(mask), bool)
                exact_q = _exact_query(q.text)
                if exact_q:
                    exact = cols.mask_of(_ids(c, "s_task_fts", f"text : ({exact_q})"))
                score = self._scores(c, cols, q, folded, matched)
            ids = np.flatnonzero(mask)
            total = len(ids)
            order = self._order(cols, ids, q, score, exact if folded else None)
            page = ids[order[(q.page - 1) * q.per_page: q.page * q.per_page]] if total else ids[:0]
            rows = {}
            if len(page):
                rows = {r["id"]: r for r in c.execute(sql(
                    f"SELECT * FROM s_task WHERE id IN ({','.join(str(int(i)) for i in page)})")).mappings()}
        facets = cols.facets(mask)
        hits = [self._hit(rows[int(i)], q, float(score[i]) if score is not None else 0.0) for i in page if int(i) in rows]
        return Results(total, hits, facets)

    def _scores(self, c, cols: TaskColumns, q: Query, folded: str, matched: np.ndarray) -> np.ndarray:
        """Relevance by task id, higher first: FTS5's bm25() when the matches are few enough to
        rank them all, else BM25 with each word counted once."""
        score = np.zeros(len(cols.present))
        if len(matched) <= BM25_MAX_MATCHES:
            for rowid, s in c.execute(sql("SELECT rowid, bm25(s_task_fts) FROM s_task_fts WHERE s_task_fts MATCH :q"),
                                      {"q": f"folded : ({folded})"}):
                if rowid < len(score):
                    score[rowid] = -s
        else:
            m = matched[matched < len(score)]
            score[m] = _rank_by_length(cols.ntok[m], len(terms(q.text)))
        return score

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
            keys = (ids, due, np.where(exact[ids], 0.0, 1e9) - score[ids])
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

    @staticmethod
    def _hit(r, q: Query, score: float) -> Hit:
        return Hit(r["id"], "task", score, snippet(r["text"], q.text), {
            "dispatch_id": r["dispatch_id"], "text": r["text"], "status": r["status"], "next_due": r["next_due"],
            "deadlines": json.loads(r["deadlines"]), "lead": json.loads(r["lead"]), "support": json.loads(r["support"]),
            "number": r["number"], "issuer": r["issuer"], "issued": r["issued"], "subject": r["subject"]})

    def search_dispatches(self, q: Query) -> Results:
        self.ensure()
        params: dict = {"limit": q.per_page, "offset": (q.page - 1) * q.per_page}
        where, join, score = [], "", "0.0"
        fq = _fts_query(q.text)
        if fq:
            join = "JOIN s_dispatch_fts f ON f.rowid = d.id AND s_dispatch_fts MATCH :fq"
            params["fq"] = fq
            score = "bm25(s_dispatch_fts, 2.0, 1.0)"
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
            names = {f"within{i}": n for i, n in enumerate(q.within)}
            params.update(names)
            where.append("d.id IN (SELECT t.dispatch_id FROM s_task t JOIN s_task_agency a ON a.task_id = t.id"
                         f" WHERE a.name IN ({', '.join(':' + k for k in names) or 'NULL'}))")
        w = (" WHERE " + " AND ".join(where)) if where else ""
        base = f"SELECT d.id AS id, {score} AS score FROM s_dispatch d {join}{w}"
        order = "d.issued IS NULL, d.issued DESC, d.id" if q.sort in ("issued", "deadline") else "score, d.issued DESC, d.id"
        with self.engine.connect() as c:
            total = c.execute(sql(f"SELECT count(*) FROM ({base})"), params).scalar()
            rows = c.execute(sql(f"SELECT d.*, m.score FROM ({base}) m JOIN s_dispatch d ON d.id = m.id ORDER BY {order} LIMIT :limit OFFSET :offset"), params).mappings().all()
            issuers = [tuple(r) for r in c.execute(sql(
                f"SELECT d.issuer, count(*) n FROM ({base}) m JOIN s_dispatch d ON d.id = m.id WHERE d.issuer IS NOT NULL GROUP BY d.issuer ORDER BY n DESC, d.issuer LIMIT 20"), params)]
        hits = [Hit(r["id"], "dispatch", -float(r["score"] or 0), snippet(f"{r['subject']} — {r['text']}" if r["subject"] else r["text"], q.text),
                    {"number": r["number"], "issuer": r["issuer"], "issued": r["issued"], "kind": r["kind"], "subject": r["subject"]}) for r in rows]
        return Results(total or 0, hits, {"issuer": issuers})
