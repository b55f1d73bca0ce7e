"""The SQLite backend keeps its filter and facet columns in memory: what a write changes must
show in the next search, in this process and in any other, and large match sets still rank
exact-diacritic matches first."""
from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest
from sqlalchemy import select

from dondoc import config
from dondoc.domain import Status
from dondoc.pipeline import ingest_file
from dondoc.search import outbox, service, sqlite_columns, sqlite_fts
from dondoc.search.base import Query, raw_terms
from dondoc.storage import models as m
from dondoc.storage.db import session_scope, upgrade

from .conftest import CORPUS, ROOT

TODAY = date(2024, 6, 1)


@pytest.fixture
def register(tmp_path):
    s = config.load(data_dir=tmp_path, search_backend="sqlite")
    upgrade(s)
    for f in sorted((CORPUS / "seeds").glob("*.txt")):
        ingest_file(f, s, confirm=True)      # under tracking: only confirmed tasks are indexed
    return s


def search(s, **kw):
    return service.search_tasks(s, Query(today=TODAY, **kw))


def _set_status(s, task_id: int, status: str) -> None:
    with session_scope(s) as sess:
        t = sess.get(m.Task, task_id)
        t.status = status
        outbox.enqueue(sess, [t.dispatch_id])
    outbox.drain(s)


def test_a_status_change_shows_in_the_next_search_without_a_full_reload(register):
    before = search(register)
    cached = sqlite_columns._cache[str(sqlite_fts.SqliteBackend(register).engine.url)]
    task_id = before.hits[0].id
    _set_status(register, task_id, Status.DONE)
    after = search(register)
    assert dict(after.facets["status"]).get(Status.DONE, 0) == dict(before.facets["status"]).get(Status.DONE, 0) + 1
    assert [h.id for h in search(register, status=Status.DONE).hits] == [task_id]
    now = sqlite_columns._cache[str(sqlite_fts.SqliteBackend(register).engine.url)]
    assert now.epoch == cached.epoch and now.generation > cached.generation


def test_a_deleted_dispatch_leaves_totals_and_facets(register):
    before = search(register)
    with session_scope(register) as sess:
        d = sess.scalars(select(m.Dispatch).order_by(m.Dispatch.id)).first()
        n_tasks, did = len(d.tasks), d.id
    sqlite_fts.SqliteBackend(register).delete([did])
    after = search(register)
    assert after.total == before.total - n_tasks
    assert sum(n for _, n in after.facets["status"]) == after.total


def test_a_write_from_another_process_is_seen(register):
    """The web app's worker writes in its own process; the searching process must notice."""
    before = search(register, status=Status.DONE).total
    with session_scope(register) as sess:
        t = sess.scalars(select(m.Task).where(m.Task.status != Status.DONE).order_by(m.Task.id)).first()
        sess.add(m.IndexJob(entity="dispatch", entity_id=t.dispatch_id, op="upsert"))
        t.status = Status.DONE
    code = ("import sys; from dondoc import config; from dondoc.search import outbox;"
            "outbox.drain(config.load(data_dir=sys.argv[1], search_backend='sqlite'))")
    subprocess.run([sys.executable, "-c", code, str(register.data_dir)], check=True, cwd=ROOT)
    assert search(register, status=Status.DONE).total == before + 1


def test_a_reindex_elsewhere_reloads_the_columns(register):
    before = search(register)
    service.reindex(register)
    after = search(register)
    assert (after.total, after.facets) == (before.total, before.facets)


def test_large_match_sets_still_rank_exact_diacritics_first(register, monkeypatch):
    monkeypatch.setattr(sqlite_fts, "BM25_MAX_MATCHES", 0)      # every match set counts as large
    res = search(register, text="trẻ em", per_page=5)
    assert res.total > 5
    assert all("trẻ em" in h.fields["text"].lower() for h in res.hits)


def test_large_match_sets_rank_shorter_tasks_first(register, monkeypatch):
    monkeypatch.setattr(sqlite_fts, "BM25_MAX_MATCHES", 0)
    hits = search(register, text="trẻ em", per_page=50).hits
    exact = [h for h in hits if {"trẻ", "em"} <= set(raw_terms(h.fields["text"]))]
    assert exact == hits[: len(exact)] and len(exact) >= 10
    scores = [h.score for h in exact]
    assert scores == sorted(scores, reverse=True)
    assert len(exact[0].fields["text"]) < len(exact[-1].fields["text"])
