"""The SQLite backend keeps its filter and facet columns in memory: what a write changes must
show in the next search, in this process and in any other, and large match sets still rank
exact-diacritic matches first."""
from __future__ import annotations

import json
from collections import Counter
import subprocess
import sys
from datetime import date

import numpy as np
import pytest
from sqlalchemy import select

from dondoc import config
from dondoc.domain import Status
from dondoc.pipeline import ingest_file
from dondoc.search import backends, outbox, postings, service, sqlite_columns, sqlite_index
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
    cached = sqlite_columns._cache[str(sqlite_index.SqliteBackend(register).engine.url)]
    task_id = before.hits[0].id
    _set_status(register, task_id, Status.DONE)
    after = search(register)
    assert dict(after.facets["status"]).get(Status.DONE, 0) == dict(before.facets["status"]).get(Status.DONE, 0) + 1
    assert [h.id for h in search(register, status=Status.DONE).hits] == [task_id]
    now = sqlite_columns._cache[str(sqlite_index.SqliteBackend(register).engine.url)]
    assert now.epoch == cached.epoch and now.generation > cached.generation


def test_a_deleted_dispatch_leaves_totals_and_facets(register):
    before = search(register)
    with session_scope(register) as sess:
        d = sess.scalars(select(m.Dispatch).order_by(m.Dispatch.id)).first()
        n_tasks, did = len(d.tasks), d.id
    sqlite_index.SqliteBackend(register).delete([did])
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


def test_matches_rank_exact_diacritics_first(register):
    res = search(register, text="trẻ em", per_page=5)
    assert res.total > 5
    assert all("trẻ em" in h.fields["text"].lower() for h in res.hits)


def test_matches_rank_shorter_tasks_first(register):
    hits = search(register, text="trẻ em", per_page=50).hits
    exact = [h for h in hits if {"trẻ", "em"} <= set(raw_terms(h.fields["text"]))]
    assert exact == hits[: len(exact)] and len(exact) >= 10
    scores = [h.score for h in exact]
    assert scores == sorted(scores, reverse=True)
    assert len(exact[0].fields["text"]) < len(exact[-1].fields["text"])


# -- the postings segments, the snapshot, the file ----------------------------------------------

def _totals(s, *texts):
    return {t: search(s, text=t).total for t in texts}


WORDS = ("trẻ em", "tre em", "báo cáo", "thanh tra", "bảo vệ")


def test_writes_one_at_a_time_then_merged_find_what_a_rebuild_finds(register, monkeypatch):
    monkeypatch.setattr(postings, "MERGE_AT", 3)
    with session_scope(register) as sess:
        ids = list(sess.scalars(select(m.Dispatch.id).order_by(m.Dispatch.id)))
    b = sqlite_index.SqliteBackend(register)
    from dondoc.search.documents import load_dispatches
    for i in ids:                                      # each write its own segment, merged every third
        with session_scope(register) as sess:
            b.upsert(list(load_dispatches(sess, [i])))
    with b.engine.connect() as c:
        assert c.exec_driver_sql("SELECT count(*) FROM s_seg").scalar() < 3
    merged = _totals(register, *WORDS)
    service.reindex(register)
    assert _totals(register, *WORDS) == merged and merged["trẻ em"] > 0


def test_a_task_reworded_no_longer_matches_its_old_words(register):
    with session_scope(register) as sess:
        t = sess.scalars(select(m.Task).where(m.Task.text.like("%trẻ em%")).order_by(m.Task.id)).first()
        tid = t.id
        t.text = "Tổng hợp danh sách hộ nghèo gửi Sở Tài chính"      # written for the test
        outbox.enqueue(sess, [t.dispatch_id])
    outbox.drain(register)
    assert tid not in {h.id for h in search(register, text="trẻ em", per_page=500).hits}
    assert tid in {h.id for h in search(register, text="hộ nghèo").hits}


def _in_new_process(register, code: str) -> str:
    """What `code` prints, run in a new process with the register's settings as `s`."""
    head = ("import sys, json; from datetime import date; from dondoc import config; from dondoc.search import service;"
            "from dondoc.search.base import Query; s = config.load(data_dir=sys.argv[1], search_backend='sqlite');")
    return subprocess.run([sys.executable, "-c", head + code, str(register.data_dir)], check=True, cwd=ROOT,
                          capture_output=True, text=True).stdout


def test_a_new_process_loads_the_columns_from_the_snapshot(register):
    service.reindex(register)                            # a rebuild leaves a snapshot of its columns
    out = _in_new_process(register, "from dondoc.search import sqlite_columns;"
                          "raw = __import__('sqlite3').connect(str(s.data_dir / 'search.sqlite3'));"
                          "snap = sqlite_columns._from_snapshot(raw, raw.execute(\"SELECT value FROM s_meta WHERE key='epoch'\").fetchone()[0]);"
                          "r = service.search_tasks(s, Query(text='trẻ em', today=date(2024, 6, 1)));"
                          "print(json.dumps([snap is not None, r.total]))")
    assert json.loads(out) == [True, search(register, text="trẻ em").total]


def test_a_rebuild_leaves_no_second_copy_in_the_file(register):
    def size():
        return sum(p.stat().st_size for p in register.data_dir.glob("search.sqlite3*"))
    service.reindex(register)
    once = size()
    for _ in range(3):
        service.reindex(register)
    assert once > 100_000 and size() <= once * 1.1
    import sqlite3
    with sqlite3.connect(register.data_dir / "search.sqlite3") as raw:     # the old tables' pages given back
        free, pages = raw.execute("PRAGMA freelist_count").fetchone()[0], raw.execute("PRAGMA page_count").fetchone()[0]
    assert free <= pages // 20


def _as_written_ids(s, word: str) -> set[int]:
    b = sqlite_index.SqliteBackend(s)
    cols = sqlite_columns.columns_for(b.engine)
    with b.engine.connect() as c:
        return set(postings.matching(c, postings.cache_for(str(b.engine.url)), cols.epoch or "",
                                     [(postings.TASK_EXACT, word)], cols.seg).tolist())


def test_a_word_as_written_kept_as_the_others_of_its_folded_word_finds_its_tasks(register, monkeypatch):
    def holding(word):
        with session_scope(register) as sess:
            return {t.id for t in sess.scalars(select(m.Task)) if word in raw_terms(t.text_restored or t.text)}
    service.reindex(register)
    b = sqlite_index.SqliteBackend(register)
    with b.engine.connect() as c:
        kinds = dict(c.exec_driver_sql("SELECT kind, count(*) FROM s_post GROUP BY kind").fetchall())
    assert kinds.get(postings.TASK_EXACT + postings.OTHERS, 0) > 10
    words = ("trẻ", "báo", "cáo", "vệ", "bảo", "tổng")      # words folding changes: kept as written
    expected = {w: holding(w) for w in words}
    assert all(expected.values())
    assert {w: _as_written_ids(register, w) for w in words} == expected
    monkeypatch.setattr(postings, "MERGE_AT", 3)      # and after writes one at a time, merged
    with session_scope(register) as sess:
        ids = list(sess.scalars(select(m.Dispatch.id).order_by(m.Dispatch.id)))
    from dondoc.search.documents import load_dispatches
    for i in ids:
        with session_scope(register) as sess:
            b.upsert(list(load_dispatches(sess, [i])))
    assert {w: _as_written_ids(register, w) for w in words} == expected


def test_the_snapshot_keeps_every_column_as_it_was(register):
    cols = sqlite_columns.columns_for(sqlite_index.SqliteBackend(register).engine)
    again = sqlite_columns.TaskColumns.loads(cols.dumps())
    for k in sqlite_columns.TaskColumns.ARRAYS:
        assert getattr(again, k).dtype == getattr(cols, k).dtype, k
    for k in sqlite_columns.TaskColumns.PER_TASK:
        assert (getattr(again, k) == getattr(cols, k)).all(), k

    def pairs(c):      # kept in task order: the same pairs, perhaps in another order
        return sorted(zip(c.pair_task.tolist(), c.pair_agency.tolist(), c.pair_lead.tolist()))
    assert pairs(again) == pairs(cols) and len(cols.pair_task) > 50
    assert len(cols.dumps()) < len(cols.present) * 30      # codes and counts stored narrow


def test_a_rebuilds_rows_are_read_without_a_snapshot_and_a_later_write_on_top(register):
    service.reindex(register)
    before = search(register, text="trẻ em")
    engine = sqlite_index.SqliteBackend(register).engine
    with engine.begin() as c:                     # a process that finds no snapshot reads every row
        c.exec_driver_sql("DELETE FROM s_snapshot")
    sqlite_columns._cache.clear()
    again = search(register, text="trẻ em")
    assert again.total == before.total > 0 and again.facets == before.facets
    task_id = again.hits[0].id
    _set_status(register, task_id, Status.SUSPENDED)
    assert [h.id for h in search(register, status=Status.SUSPENDED).hits] == [task_id]


def test_older_plain_postings_and_snapshots_are_still_read(register):
    from pyroaring import BitMap
    bm = BitMap([1, 5, 70_000, *range(100, 5000)])
    assert postings.unpacked(bm.serialize()) == bm == postings.unpacked(postings.packed(bm))
    cols = sqlite_columns.columns_for(sqlite_index.SqliteBackend(register).engine)
    import io
    import numpy as np
    buf = io.BytesIO()
    np.savez(buf, vocab=np.frombuffer(b'{"epoch": "x", "generation": 3}', np.uint8),
             **{k: getattr(cols, k) for k in sqlite_columns.TaskColumns.ARRAYS})
    old = sqlite_columns.TaskColumns.loads(buf.getvalue())
    assert old.generation == 3 and (old.status == cols.status).all() and (old.pair_task == cols.pair_task).all()


def test_a_new_processs_first_text_search_reads_its_page_without_the_orm(register):
    """The page's tasks are read with plain SQL: configuring every mapper and compiling ORM
    statements was a quarter of a second of the first search of a process at a million tasks."""
    out = _in_new_process(register, "from dondoc.storage import models as m;"
                          "r = service.search_tasks(s, Query(text='trẻ em', today=date(2024, 6, 1)));"
                          "print(json.dumps([m.Task.__mapper__.configured, [[h.id, h.fields] for h in r.hits]], ensure_ascii=False))")
    configured, hits = json.loads(out)
    assert not configured
    here = search(register, text="trẻ em").hits
    assert hits == [[h.id, h.fields] for h in here] and any(h.fields["lead"] for h in here)
    with session_scope(register) as sess:      # the same values as the register's objects
        t = sess.get(m.Task, here[0].id)
        assert here[0].fields["lead"] == t.names("lead") and here[0].fields["issued"] == (t.dispatch.issued and t.dispatch.issued.isoformat())


def _pairs_of(cols, mask) -> Counter:
    """Agency name -> how many tasks of `mask` it leads or supports, pair by pair."""
    return Counter(cols.agencies.names[a] for t, a in zip(cols.pair_task.tolist(), cols.pair_agency.tolist()) if mask[t])


def _columns_after_a_write(s, in_task_order: bool):
    """The columns once a dispatch was written again (its pairs merged among the others in task
    order); with `in_task_order` False, a copy with the pairs shuffled (as older processes left
    them: what every reader of the pairs must still count right)."""
    _set_status(s, search(s, text="trẻ em").hits[0].id, Status.IN_PROGRESS.value)
    cols = sqlite_columns.columns_for(backends.backend(s).engine)
    assert np.all(np.diff(cols.pair_task) >= 0)
    if in_task_order:
        return cols
    cols = cols.clone()
    shuffle = np.random.default_rng(1).permutation(len(cols.pair_task))
    cols.pair_task, cols.pair_agency, cols.pair_lead = cols.pair_task[shuffle], cols.pair_agency[shuffle], cols.pair_lead[shuffle]
    cols._by_task = cols._by_agency = None
    return cols


@pytest.mark.parametrize("moved", [True, False])
def test_a_write_moves_its_pairs_in_the_agency_runs_as_a_new_sort_would(register, monkeypatch, moved):
    if not moved:           # a write larger than this: the runs are made again
        monkeypatch.setattr(sqlite_columns, "AGENCY_RUNS_UPDATED_UPTO", 0)
    engine = backends.backend(register).engine
    sqlite_columns.columns_for(engine).tasks_of(np.array([0], np.int32))     # the runs made, then two writes
    _set_status(register, search(register, text="trẻ em").hits[0].id, Status.IN_PROGRESS.value)
    with session_scope(register) as sess:    # a task given to a new agency, another losing one
        agency = m.Agency(name="Sở Thử nghiệm tỉnh Kon Tum", emails=[])
        sess.add(agency)
        sess.flush()
        t = sess.scalars(select(m.Task).order_by(m.Task.id.desc())).first()
        sess.add(m.TaskAgency(task_id=t.id, agency_id=agency.id, role="support"))
        gone = sess.scalars(select(m.TaskAgency).order_by(m.TaskAgency.id)).first()
        sess.delete(gone)
        outbox.enqueue(sess, [t.dispatch_id, sess.get(m.Task, gone.task_id).dispatch_id])
    outbox.drain(register)
    cols = sqlite_columns.columns_for(engine)
    assert (cols._by_agency is not None) == moved
    made = cols.clone()
    made._by_agency = None
    assert all((a == b).all() for a, b in zip(cols._pairs_by_agency(), made._pairs_by_agency()))
    assert search(register, agency="Sở Thử nghiệm").total == 1


@pytest.mark.parametrize("in_task_order", [True, False])
def test_the_agency_facet_counts_every_pair_of_the_tasks_counted_few_or_many(register, in_task_order, monkeypatch):
    cols = _columns_after_a_write(register, in_task_order)
    present = np.flatnonzero(cols.present)
    few = present[:2]
    monkeypatch.setattr(sqlite_columns, "FEW_TASKS", 16)     # both ways of counting, on a register this small
    assert 16 * len(few) <= len(cols.present) < 16 * len(present)    # only their pairs / a pass over every pair
    for sel in (few, present[::3], present):
        mask = cols.mask_of(sel)
        assert dict(cols.facets(None, top=1000, sel=sel)["agency"]) == _pairs_of(cols, mask)
        assert cols.facets(mask, top=1000, sel=sel) == cols.facets(None, top=1000, sel=sel) == cols.facets(mask, top=1000)


@pytest.mark.parametrize("in_task_order", [True, False])
def test_the_agency_filter_keeps_the_tasks_of_any_of_its_codes(register, in_task_order):
    cols = _columns_after_a_write(register, in_task_order)
    every = list(range(len(cols.agencies.names)))
    for codes in ([0], [1, 3], every[::2], every, [], [len(every) + 5]):    # one agency's run / several / none
        wanted = {cols.agencies.names[c] for c in codes if c < len(every)}
        theirs = sorted({t for t, a in zip(cols.pair_task.tolist(), cols.pair_agency.tolist()) if cols.agencies.names[a] in wanted})
        assert cols.tasks_of(np.array(codes, np.int32)).tolist() == theirs
        assert np.flatnonzero(cols.with_agencies(np.array(codes, np.int32))).tolist() == theirs


def test_vocabulary_matches_and_ranks_as_a_pass_over_every_name_would():
    v = sqlite_columns.Vocabulary()
    for name in ("Sở Y tế", "Sở Tư pháp", "Sở Tư pháp tỉnh Kon Tum", "Bộ Y tế"):
        v.code(name)
    assert v.matching(["Sở Tư pháp"]).tolist() == [1, 2] and v.matching(["Sở Tư pháp"], with_suffix=False).tolist() == [1]
    assert [n for n, _ in v.ranked(np.ones(4, np.int64), None)] == sorted(v.names)
    v.code("Sở Tư pháp thành phố Huế")        # a new name: matched and ranked again
    assert v.matching(["Sở Tư pháp"]).tolist() == [1, 2, 4]
    counts = np.array([3, 5, 3, 0, 5])
    assert v.ranked(counts, None) == sorted(((n, int(c)) for n, c in zip(v.names, counts) if c), key=lambda p: (-p[1], p[0]))
    assert v.ranked(counts, 2) == [("Sở Tư pháp", 5), ("Sở Tư pháp thành phố Huế", 5)]
