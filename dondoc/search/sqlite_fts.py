"""The embedded backend: SQLite FTS5 tables beside the register, in the same database file.

Two columns are indexed for every text: as written (diacritics kept) and folded. A query
matches the folded column (so `tre em`, `trẻ em`, `TRE EM` find the same) and also the written
column, whose extra weight ranks exact-diacritic matches first.
"""
from __future__ import annotations

import json
from typing import Iterable

from sqlalchemy import text as sql

from ..config import Settings
from ..storage.db import engine_for
from .base import Hit, Query, Results, raw_terms, snippet, terms

SCHEMA = {
    "s_task": "CREATE TABLE IF NOT EXISTS {p}s_task (id INTEGER PRIMARY KEY, dispatch_id INTEGER, status TEXT,"
              " next_due TEXT, issued TEXT, issuer TEXT, number TEXT, subject TEXT, text TEXT,"
              " lead TEXT, support TEXT, deadlines TEXT)",
    # status and next_due repeated from s_task, so a listing by status and deadline ("what is
    # late") counts its agencies from one index
    "s_task_agency": "CREATE TABLE IF NOT EXISTS {p}s_task_agency (task_id INTEGER, name TEXT, role TEXT, status TEXT, next_due TEXT)",
    "s_task_fts": "CREATE VIRTUAL TABLE IF NOT EXISTS {p}s_task_fts USING fts5(text, folded,"
                  " tokenize='unicode61 remove_diacritics 0')",
    "s_dispatch": "CREATE TABLE IF NOT EXISTS {p}s_dispatch (id INTEGER PRIMARY KEY, number TEXT, issuer TEXT,"
                  " issued TEXT, kind TEXT, subject TEXT, text TEXT)",
    "s_dispatch_fts": "CREATE VIRTUAL TABLE IF NOT EXISTS {p}s_dispatch_fts USING fts5(text, folded,"
                      " tokenize='unicode61 remove_diacritics 0')",
}
INDEXES = [
    "CREATE INDEX IF NOT EXISTS {p}ix_s_task_due ON {p}s_task(next_due)",
    "CREATE INDEX IF NOT EXISTS {p}ix_s_task_status ON {p}s_task(status, next_due, issuer)",
    "CREATE INDEX IF NOT EXISTS {p}ix_s_ta_status ON {p}s_task_agency(status, next_due, name)",
    "CREATE INDEX IF NOT EXISTS {p}ix_s_task_issued ON {p}s_task(issued)",
    "CREATE INDEX IF NOT EXISTS {p}ix_s_task_issuer ON {p}s_task(issuer)",
    "CREATE INDEX IF NOT EXISTS {p}ix_s_task_disp ON {p}s_task(dispatch_id)",
    "CREATE INDEX IF NOT EXISTS {p}ix_s_ta_name ON {p}s_task_agency(name, task_id)",
    "CREATE INDEX IF NOT EXISTS {p}ix_s_ta_task ON {p}s_task_agency(task_id, name)",
]


def _fts_query(text: str) -> str | None:
    folded = terms(text)
    if not folded:
        return None
    f = " AND ".join(f'"{w}"' for w in folded)
    exact = " AND ".join('"' + w.replace('"', "") + '"' for w in raw_terms(text))
    return f"folded : ({f}) OR text : ({exact})" if exact else f"folded : ({f})"


def _facets(c, agencies_from: str, tasks_from: str, tasks_where: str, params: dict) -> dict:
    """Counts by agency, status and issuer: `agencies_from` yields agency rows (`name`), the
    tasks source with its condition yields task rows (`status`, `issuer`)."""
    issuer_where = f"{tasks_where} AND issuer IS NOT NULL" if tasks_where else " WHERE issuer IS NOT NULL"
    return {
        "agency": [tuple(r) for r in c.execute(sql(
            f"SELECT name, count(*) n FROM {agencies_from} GROUP BY name ORDER BY n DESC, name LIMIT 20"), params)],
        "status": [tuple(r) for r in c.execute(sql(
            f"SELECT status, count(*) n FROM {tasks_from}{tasks_where} GROUP BY status ORDER BY n DESC, status"), params)],
        "issuer": [tuple(r) for r in c.execute(sql(
            f"SELECT issuer, count(*) n FROM {tasks_from}{issuer_where} GROUP BY issuer ORDER BY n DESC, issuer LIMIT 20"), params)],
    }


class SqliteBackend:
    name = "sqlite"

    def __init__(self, settings: Settings):
        self.settings = settings
        self.engine = engine_for(settings.db_url)

    # -- writing ---------------------------------------------------------------------------
    def ensure(self, prefix: str = "") -> None:
        with self.engine.begin() as c:
            for ddl in list(SCHEMA.values()) + INDEXES:
                c.execute(sql(ddl.format(p=prefix)))

    def ping(self) -> bool:
        return True

    def _write(self, c, docs: list[dict], p: str = "") -> None:
        self._delete(c, [d["id"] for d in docs], p)
        self._write_fresh(c, docs, p)

    def _delete(self, c, ids: list[int], p: str = "") -> None:
        for i in ids:
            tids = [r[0] for r in c.execute(sql(f"SELECT id FROM {p}s_task WHERE dispatch_id = :i"), {"i": i})]
            for tid in tids:
                c.execute(sql(f"DELETE FROM {p}s_task_fts WHERE rowid = :t"), {"t": tid})
                c.execute(sql(f"DELETE FROM {p}s_task_agency WHERE task_id = :t"), {"t": tid})
            c.execute(sql(f"DELETE FROM {p}s_task WHERE dispatch_id = :i"), {"i": i})
            c.execute(sql(f"DELETE FROM {p}s_dispatch_fts WHERE rowid = :i"), {"i": i})
            c.execute(sql(f"DELETE FROM {p}s_dispatch WHERE id = :i"), {"i": i})

    def upsert(self, dispatches: list[dict]) -> None:
        self.ensure()
        with self.engine.begin() as c:
            self._write(c, dispatches)

    def delete(self, dispatch_ids: list[int]) -> None:
        self.ensure()
        with self.engine.begin() as c:
            self._delete(c, dispatch_ids)

    def rebuild(self, dispatches: Iterable[dict]) -> int:
        """A new set of tables filled beside the live one, swapped in one transaction: readers
        see the old index until the commit, then the new one."""
        p = "new_"
        with self.engine.begin() as c:
            for name in SCHEMA:
                c.execute(sql(f"DROP TABLE IF EXISTS {p}{name}"))
        self.ensure(prefix=p)
        n = 0
        batch: list[dict] = []
        with self.engine.begin() as c:
            for d in dispatches:
                batch.append(d)
                n += 1
                if len(batch) >= 500:
                    self._write_fresh(c, batch, p)
                    batch = []
            self._write_fresh(c, batch, p)
        with self.engine.begin() as c:
            for name in SCHEMA:
                c.execute(sql(f"DROP TABLE IF EXISTS {name}"))
                c.execute(sql(f"ALTER TABLE {p}{name} RENAME TO {name}"))
            for ddl in INDEXES:   # index names keep their prefix after a rename; recreate plain ones
                c.execute(sql(ddl.format(p="")))
        return n

    def _write_fresh(self, c, docs, p):
        if not docs:
            return
        c.execute(sql(f"INSERT INTO {p}s_dispatch (id, number, issuer, issued, kind, subject, text) VALUES (:id, :number, :issuer, :issued, :kind, :subject, :text)"),
                  [{k: d[k] for k in ("id", "number", "issuer", "issued", "kind", "subject", "text")} for d in docs])
        c.execute(sql(f"INSERT INTO {p}s_dispatch_fts (rowid, text, folded) VALUES (:id, :t, :f)"),
                  [{"id": d["id"], "t": f"{d['subject']}\n{d['text']}", "f": f"{d['subject_folded']}\n{d['folded']}"} for d in docs])
        tasks = [t for d in docs for t in d["tasks"]]
        if not tasks:
            return
        c.execute(sql(f"INSERT INTO {p}s_task VALUES (:id, :dispatch_id, :status, :next_due, :issued, :issuer, :number, :subject, :text, :lead, :support, :deadlines)"),
                  [{**{k: t[k] for k in ("id", "dispatch_id", "status", "next_due", "issued", "issuer", "number", "subject", "text")},
                    "lead": json.dumps(t["lead"], ensure_ascii=False), "support": json.dumps(t["support"], ensure_ascii=False),
                    "deadlines": json.dumps(t["deadlines"])} for t in tasks])
        c.execute(sql(f"INSERT INTO {p}s_task_fts (rowid, text, folded) VALUES (:id, :t, :f)"),
                  [{"id": t["id"], "t": t["text"], "f": t["folded"]} for t in tasks])
        rows = [{"t": t["id"], "n": n, "r": r, "s": t["status"], "d": t["next_due"]}
                for t in tasks for r in ("lead", "support") for n in t[r]]
        if rows:
            c.execute(sql(f"INSERT INTO {p}s_task_agency (task_id, name, role, status, next_due) VALUES (:t, :n, :r, :s, :d)"), rows)

    # -- reading ---------------------------------------------------------------------------
    def _task_filter(self, q: Query, agency_names: list[str]):
        where, params, join = [], {}, ""
        fq = _fts_query(q.text)
        score = "0.0"
        if fq:
            join = "JOIN s_task_fts f ON f.rowid = t.id AND s_task_fts MATCH :fq"
            params["fq"] = fq
            score = "bm25(s_task_fts, 2.0, 1.0)"
        if agency_names:
            ors = []
            for i, n in enumerate(agency_names):
                # the name itself, or the name followed by a locality ("Sở Tư pháp tỉnh ...")
                params[f"a{i}"], params[f"alo{i}"], params[f"ahi{i}"] = n, n + " ", n + "!"
                ors.append(f"a.name = :a{i} OR (a.name >= :alo{i} AND a.name < :ahi{i})")
            where.append(f"t.id IN (SELECT a.task_id FROM s_task_agency a WHERE {' OR '.join(ors)})")
        if q.issuer:
            where.append("(t.issuer = :issuer OR t.issuer LIKE :issuer_p)")
            params["issuer"], params["issuer_p"] = q.issuer, q.issuer + " %"
        if q.status:
            where.append("t.status = :status")
            params["status"] = q.status
        if q.due_from:
            where.append("t.next_due >= :due_from")
            params["due_from"] = q.due_from.isoformat()
        if q.due_to:
            where.append("t.next_due <= :due_to")
            params["due_to"] = q.due_to.isoformat()
        if q.issued_from:
            where.append("t.issued >= :issued_from")
            params["issued_from"] = q.issued_from.isoformat()
        if q.issued_to:
            where.append("t.issued <= :issued_to")
            params["issued_to"] = q.issued_to.isoformat()
        if q.overdue:
            where.append("t.status IN ('chua_thuc_hien', 'dang_thuc_hien') AND t.next_due < :today")
            params["today"] = q.today.isoformat()
        return join, (" WHERE " + " AND ".join(where)) if where else "", params, score

    def search_tasks(self, q: Query, agency_names: list[str] | None = None) -> Results:
        self.ensure()
        join, where, params, score = self._task_filter(q, agency_names or [])
        order = {
            "deadline": "m.next_due IS NULL, m.next_due, m.id",
            "issued": "m.issued IS NULL, m.issued DESC, m.id",
        }.get(q.sort, "m.score, m.next_due IS NULL, m.next_due, m.id")
        params.update(limit=q.per_page, offset=(q.page - 1) * q.per_page)
        if not join and not agency_names and not q.issuer and not q.issued_from and not q.issued_to:
            return self._by_status_and_deadline(q, where, params, order.replace("m.score, ", "").replace("m.", "t."))
        with self.engine.connect() as c:
            # The match set once, in a temporary table: count, page and facets all read it.
            c.execute(sql("DROP TABLE IF EXISTS temp.m"))
            c.execute(sql(f"CREATE TEMP TABLE m AS SELECT t.id AS id, {score} AS score, t.status AS status,"
                          f" t.issuer AS issuer, t.next_due AS next_due, t.issued AS issued FROM s_task t {join}{where}"), params)
            total = c.execute(sql("SELECT count(*) FROM temp.m")).scalar()
            rows = c.execute(sql(f"SELECT t.*, m.score FROM temp.m m JOIN s_task t ON t.id = m.id ORDER BY {order} LIMIT :limit OFFSET :offset"),
                             {"limit": q.per_page, "offset": (q.page - 1) * q.per_page}).mappings().all()
            facets = _facets(c, "temp.m m JOIN s_task_agency a ON a.task_id = m.id", "temp.m", "", {})
            c.execute(sql("DROP TABLE temp.m"))
        return Results(total, [self._hit(r, q) for r in rows], facets)

    def _by_status_and_deadline(self, q: Query, where: str, params: dict, order: str) -> Results:
        """Listings filtered only by status and deadline (the whole register, what is late, what
        is due this month): counts straight from covering indexes, no match set."""
        ta_where = where.replace("t.", "a.")
        # SQLite's planner prefers the name/issuer indexes here and scans; the (status, next_due, ...)
        # covering indexes answer these counts from a range when the listing is by status
        by_status = "t.status" in where
        t_idx = " INDEXED BY ix_s_task_status" if by_status else ""
        a_idx = " INDEXED BY ix_s_ta_status" if by_status else ""
        if "t.next_due" in where:          # every row has a deadline: the deadline index gives the order
            order = order.replace("t.next_due IS NULL, ", "")
        with self.engine.connect() as c:
            total = c.execute(sql(f"SELECT count(*) FROM s_task t{where}"), params).scalar()
            rows = c.execute(sql(f"SELECT t.*, 0.0 AS score FROM s_task t{where} ORDER BY {order} LIMIT :limit OFFSET :offset"),
                             params).mappings().all()
            facets = _facets(c, f"s_task_agency a{a_idx}{ta_where}", f"s_task t{t_idx}", where, params)
        return Results(total, [self._hit(r, q) for r in rows], facets)

    @staticmethod
    def _hit(r, q: Query) -> Hit:
        return Hit(r["id"], "task", -float(r["score"] or 0), snippet(r["text"], q.text), {
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
        return Results(total, hits, {"issuer": issuers})
