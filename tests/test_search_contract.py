"""One contract, two backends: the same assertions on the embedded index and on a real Elasticsearch
(started by `make test` through scripts/es.sh), each over a register kept in SQLite and in
PostgreSQL (scripts/pg.sh): the embedded default, an office's PostgreSQL with the embedded
index, and the province's PostgreSQL + Elasticsearch."""
from __future__ import annotations

import os
import subprocess
import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from dondoc import config
from dondoc.digest.build import build as build_digests
from dondoc.domain import ReportClass, Status
from dondoc.pipeline import ingest_file
from dondoc.search import backends, outbox, service
from dondoc.search.base import Query
from dondoc.storage import models as m
from dondoc.storage.db import session_scope, upgrade
from dondoc.tracking.report import classified
from dondoc.tracking.status import complete_occurrence

from .conftest import CORPUS, ROOT, pg_database, require

TODAY = date(2024, 6, 1)
FILES = sorted((CORPUS / "seeds").glob("*.txt")) + sorted((CORPUS / "dev").glob("*.txt"))


def _settings(tmp: Path, kind: str, database_url: str = ""):
    if "es" in kind.split("+"):
        url = os.environ.get("DONDOC_TEST_ES_URLS") or os.environ.get("DONDOC_TEST_ES_URL")
        require(bool(url), "Elasticsearch (DONDOC_TEST_ES_URL, started by scripts/es.sh)")
        # on the suite's two-node cluster: two shards, each with a replica on the other node
        replicas = 1 if int(os.environ.get("DONDOC_TEST_ES_NODES", "1")) > 1 else 0
        return config.load(data_dir=tmp, database_url=database_url, search_backend="elasticsearch", es_url=url,
                           es_index=f"t{uuid.uuid4().hex[:8]}", es_shards=2, es_replicas=replicas)
    return config.load(data_dir=tmp, database_url=database_url, search_backend="sqlite")


@pytest.fixture(scope="module", params=["sqlite", "es", "postgresql", "postgresql+es"])
def register(request, tmp_path_factory):
    """The corpus ingested and indexed; one task of the Sở LĐTBXH marked done."""
    tmp = tmp_path_factory.mktemp(request.param.replace("+", "-"))
    if request.param.startswith("postgresql"):
        with pg_database() as url:
            yield _filled(_settings(tmp, request.param, url))
    else:
        yield _filled(_settings(tmp, request.param))


def _filled(s):
    upgrade(s)
    for f in FILES:
        ingest_file(f, s, confirm=True)      # under tracking: only confirmed tasks are indexed
    with session_scope(s) as sess:
        t = sess.scalar(select(m.Task).where(m.Task.text.like("Giao Sở LĐTBXH đầu mối%")))
        t.status = Status.DONE
        sess.add(m.IndexJob(entity="dispatch", entity_id=t.dispatch_id, op="upsert"))
    outbox.drain(s)
    return s


def tasks(s, **kw):
    kw.setdefault("today", TODAY)
    return service.search_tasks(s, Query(**kw))


def test_diacritics_and_case_do_not_matter(register):
    totals = {tasks(register, text=t).total for t in ("trẻ em", "tre em", "TRẺ EM", "TRE EM")}
    assert len(totals) == 1 and totals.pop() > 10


def test_exact_diacritics_rank_first(register):
    top = tasks(register, text="trẻ em", per_page=3).hits
    assert all("trẻ em" in h.fields["text"].lower() for h in top)


def test_agency_filter_accepts_any_alias(register):
    totals = {tasks(register, agency=a).total for a in
              ("Sở LĐTBXH", "Sở Lao động - Thương binh và Xã hội", "so lao dong thuong binh va xa hoi")}
    assert len(totals) == 1 and totals.pop() >= 5


def test_agency_filter_reaches_names_with_a_locality(register):
    res = tasks(register, agency="Sở Văn hóa, Thể thao và Du lịch")
    assert res.total >= 1
    assert all(any(n.startswith("Sở Văn hóa, Thể thao và Du lịch") for n in h.fields["lead"] + h.fields["support"]) for h in res.hits)


def test_within_keeps_only_what_those_agencies_lead_or_support(register):
    """An agency's staff search within their agency's names: exact names, never a wider body."""
    name, n = tasks(register).facets["agency"][0]
    res = tasks(register, within=(name,), per_page=100)
    assert res.total == n and all(name in h.fields["lead"] + h.fields["support"] for h in res.hits)
    with session_scope(register) as s:
        exact = set(s.scalars(select(m.Task.id).join(m.TaskAgency).join(m.Agency).where(m.Agency.name == "Sở Tư pháp")))
    assert {h.id for h in tasks(register, within=("Sở Tư pháp",), per_page=100).hits} == exact
    assert tasks(register, within=()).total == 0


def test_the_dashboard_counts_of_the_index_are_the_databases(register):
    """The dashboard asks the index (a million tasks in milliseconds); it must say what the
    database's SQL form of the domain rule says, for the office and for one agency's staff."""
    from dondoc.tracking.report import overdue_by_agency
    from dondoc.tracking.report import overview as sql_overview
    from dondoc.tracking.scope import Scope
    with session_scope(register) as s:
        for d in s.scalars(select(m.Dispatch)):
            d.confirmed = True                 # under tracking, so the dashboard counts them
        outbox.enqueue(s, list(s.scalars(select(m.Dispatch.id))))
    outbox.drain(register)
    b = backends.backend(register)
    name = tasks(register).facets["agency"][0][0]
    with session_scope(register) as s:
        agency = s.scalar(select(m.Agency).where(m.Agency.name == name))
        staff = Scope(frozenset({agency.id}), (name,))
        weeks_seen = 0
        for today in (TODAY, date(2024, 11, 10), date(2025, 6, 1)):
            for scope, within in ((Scope(), None), (staff, (name,))):
                got = b.overview(today, within=within)
                classes, weeks = sql_overview(s, today, scope=scope)
                assert got.classes == classes and sum(classes.values()) > 0
                assert got.weeks == [w["count"] for w in weeks]
                assert got.overdue_by_lead == overdue_by_agency(s, today, scope=scope)
                weeks_seen += sum(got.weeks)
        assert weeks_seen > 0


def test_dispatch_search_within_an_agency(register):
    name = tasks(register).facets["agency"][0][0]
    res = service.search_dispatches(register, Query(within=(name,), per_page=100, today=TODAY))
    with session_scope(register) as s:
        theirs = set(s.scalars(select(m.Task.dispatch_id).join(m.TaskAgency).join(m.Agency).where(m.Agency.name == name)))
    assert {h.id for h in res.hits} == theirs and res.total == len(theirs)
    assert service.search_dispatches(register, Query(within=(), today=TODAY)).total == 0


def test_issuer_filter(register):
    res = tasks(register, issuer="Bộ Y tế")
    assert res.total == 3 and {h.fields["number"] for h in res.hits} == {"6087/BYT-KCB"}


def test_status_filter_and_facet(register):
    done = tasks(register, status=Status.DONE)
    assert done.total == 1
    allt = tasks(register)
    assert dict(allt.facets["status"])[Status.DONE] == 1
    assert sum(n for _, n in allt.facets["status"]) == allt.total


def test_deadline_range(register):
    res = tasks(register, due_from=date(2024, 1, 1), due_to=date(2024, 12, 31), per_page=50)
    assert res.total >= 2
    assert all("2024-01-01" <= h.fields["next_due"] <= "2024-12-31" for h in res.hits)


def test_issue_date_range(register):
    res = tasks(register, issued_from=date(2026, 1, 1), per_page=100)
    assert res.total > 0 and all(h.fields["issued"] >= "2026-01-01" for h in res.hits)


def test_overdue_only_leaves_out_done_and_future_tasks(register):
    res = tasks(register, overdue=True, per_page=100)
    assert res.total > 0
    assert all(h.fields["status"] != Status.DONE and h.fields["next_due"] < TODAY.isoformat() for h in res.hits)
    assert not any(h.fields["text"].startswith("Giao Sở LĐTBXH đầu mối") for h in res.hits)


def test_agency_facet_counts_match_the_filter(register):
    res = tasks(register, agency="Sở Tư pháp")
    assert dict(res.facets["agency"]).get("Sở Tư pháp") == res.total


def test_issuer_facet(register):
    res = tasks(register)
    assert dict(res.facets["issuer"])["Chính phủ"] >= 30


def test_sort_by_deadline(register):
    dues = [h.fields["next_due"] for h in tasks(register, sort="deadline", per_page=30).hits]
    dated = [d for d in dues if d]
    assert dated == sorted(dated) and dues[: len(dated)] == dated


def test_sort_by_issue_date(register):
    issued = [h.fields["issued"] for h in tasks(register, sort="issued", per_page=50).hits if h.fields["issued"]]
    assert issued == sorted(issued, reverse=True)


def test_paging(register):
    big = [h.id for h in tasks(register, sort="deadline", per_page=20).hits]
    p1 = [h.id for h in tasks(register, sort="deadline", per_page=10, page=1).hits]
    p2 = [h.id for h in tasks(register, sort="deadline", per_page=10, page=2).hits]
    assert p1 + p2 == big


def test_highlighted_snippet_escapes_html(register):
    h = tasks(register, text="Tư pháp", per_page=1).hits[0]
    assert "<mark>" in h.snippet and "<script" not in h.snippet


def test_dispatch_search(register):
    res = service.search_dispatches(register, Query(text="khám bệnh", today=TODAY))
    assert {h.fields["number"] for h in res.hits} >= {"6087/BYT-KCB", "113/NQ-CP"}


def test_reindex_rebuilds_the_same_index(register):
    before = tasks(register).total
    n = service.reindex(register)
    assert n == len(FILES)
    assert tasks(register).total == before


def _es(*cmd: str) -> None:
    subprocess.run([str(ROOT / "scripts" / "es.sh"), *cmd], check=True, timeout=300)


@pytest.mark.parametrize("register", ["es"], indirect=True)
def test_index_down_then_back(register, tmp_path):
    """Stop the server mid-test, ingest, start it: searching does not write, the worker's turn at
    the outbox indexes the pending work."""
    extra = tmp_path / "moi.txt"
    extra.write_text("Kính gửi: Sở Tư pháp\n\n1. Sở Tư pháp tổng hợp, báo cáo kết quả rà soát văn bản trước ngày 30/6/2024.\n", encoding="utf-8")
    _es("halt")
    try:
        out = ingest_file(extra, register, confirm=True)   # the database takes it while the index is down
        assert out.document_id and outbox.pending(register) >= 1
    finally:
        _es("resume")
    wanted = dict(text="rà soát văn bản", agency="Sở Tư pháp")
    assert not any("rà soát văn bản" in h.fields["text"] for h in tasks(register, **wanted).hits)
    assert outbox.pending(register) >= 1                # a read left the outbox as it was
    from dondoc.jobs.worker import Worker
    assert Worker(register).broker.drain_index() >= 1 and outbox.pending(register) == 0
    assert any("rà soát văn bản" in h.fields["text"] for h in tasks(register, **wanted).hits)


@pytest.mark.parametrize("register", ["es"], indirect=True)
def test_the_cluster_keeps_serving_when_a_node_stops(register, tmp_path):
    """Two nodes, two shards with a replica each: stop the data node mid-test, and searches and
    writes go on (its shards' replicas on the other node take over); it rejoins afterwards."""
    from dondoc.search.es import EsBackend
    require(int(os.environ.get("DONDOC_TEST_ES_NODES", "1")) >= 2, "a two-node Elasticsearch cluster (scripts/es.sh)")
    es = EsBackend(register).es
    index = next(iter(es.indices.get_alias(name=f"{register.es_index}-tasks")))
    es.cluster.health(index=index, wait_for_status="green", timeout="60s")
    assert es.indices.get_settings(index=index)[index]["settings"]["index"]["number_of_replicas"] == "1"
    assert {s["node"] for s in es.cat.shards(index=index, format="json")} == {"node-1", "node-2"}
    before = tasks(register, text="trẻ em").total
    extra = tmp_path / "nut.txt"
    extra.write_text("Kính gửi: Sở Tư pháp\n\n1. Sở Tư pháp rà soát thủ tục hành chính về hộ tịch, "
                     "báo cáo trước ngày 30/9/2024.\n", encoding="utf-8")       # written for the test
    _es("halt-node", "2")
    try:
        # this index's health: another index of the cluster (kept with no replica) may be lost
        health = es.cluster.health(index=index, wait_for_nodes="1", wait_for_status="yellow", timeout="30s")
        assert health["number_of_nodes"] == 1 and health["status"] == "yellow"     # replicas lost, no data lost
        assert all(s["node"] == "node-1" and s["state"] == "STARTED"
                   for s in es.cat.shards(index=index, format="json") if s["prirep"] == "p")
        assert tasks(register, text="trẻ em").total == before
        ingest_file(extra, register, confirm=True)     # under tracking: its tasks go to the index
        assert outbox.pending(register) == 0           # written to the cluster at once
        assert any("hộ tịch" in h.fields["text"] for h in tasks(register, text="hộ tịch", agency="Sở Tư pháp").hits)
    finally:
        _es("resume-node", "2")
    es.cluster.health(index=index, wait_for_status="green", timeout="120s")
    assert tasks(register, text="hộ tịch").total >= 1


# -- the recurring task: search, dashboard and digest say the same ------------------------------

RECURRING = ("Kính gửi: Sở Tư pháp\n\n1. Sở Tư pháp báo cáo định kỳ kết quả rà soát văn bản quy phạm pháp luật"
             " về công tác trẻ em.\n")        # written for the test; its two periods are set below


@pytest.fixture(scope="module", params=["sqlite", "es"])
def recurring(request, tmp_path_factory):
    """One confirmed task with two periods: 20/5/2024 (past on TODAY) and 15/11/2024."""
    tmp = tmp_path_factory.mktemp(f"recurring-{request.param}")
    s = _settings(tmp, request.param)
    upgrade(s)
    f = tmp / "dinh_ky.txt"
    f.write_text(RECURRING, encoding="utf-8")
    ingest_file(f, s, confirm=True)
    with session_scope(s) as sess:
        t = sess.scalar(select(m.Task))
        t.deadlines = [m.Deadline(due=date(2024, 5, 20), original_due=date(2024, 5, 20), kind="recurring", rule="6m"),
                       m.Deadline(due=date(2024, 11, 15), original_due=date(2024, 11, 15), kind="recurring", rule="6m")]
        t.agencies[0].agency.emails = ["stp@example.vn"]
        task_id = t.id
    return s, task_id


def _first_period_done(s, task_id: int, done: bool) -> None:
    with session_scope(s) as sess:
        t = sess.get(m.Task, task_id)
        first = min(t.deadlines, key=lambda d: d.due)
        if done:
            complete_occurrence(first, date(2024, 5, 18), "lanhdao", "Báo cáo số 12/BC-STP")
        else:
            first.done_on = None
        outbox.enqueue(sess, [t.dispatch_id])
    outbox.drain(s)


def _everywhere(s, task_id: int) -> dict:
    """What search, the dashboard's SQL and the digest each say of the task on TODAY."""
    overdue = {h.id for h in tasks(s, overdue=True).hits}
    hit = next(h for h in tasks(s, text="rà soát văn bản quy phạm").hits if h.id == task_id)
    with session_scope(s) as sess:
        c = classified(TODAY)
        sql = dict(sess.execute(select(c.c.task_id, c.c.cls)).all())[task_id]
        mine = next(d for d in build_digests(sess, TODAY, days=7) if d.addresses == ["stp@example.vn"])
        digest_overdue = task_id in {i.task_id for i in mine.overdue}
    return {"search_overdue": task_id in overdue, "next_due": hit.fields["next_due"], "class": sql,
            "digest_overdue": digest_overdue}


def test_a_recurring_task_whose_past_period_is_done_is_on_time_everywhere(recurring):
    s, task_id = recurring
    _first_period_done(s, task_id, True)
    assert _everywhere(s, task_id) == {"search_overdue": False, "next_due": "2024-11-15",
                                       "class": ReportClass.IN_TIME, "digest_overdue": False}


def test_a_recurring_task_whose_past_period_is_open_is_overdue_everywhere(recurring):
    s, task_id = recurring
    _first_period_done(s, task_id, False)
    assert _everywhere(s, task_id) == {"search_overdue": True, "next_due": "2024-05-20",
                                       "class": ReportClass.OVERDUE, "digest_overdue": True}


def test_one_backend_object_serves_every_call(register):
    assert backends.backend(register) is backends.backend(register)


def test_searching_leaves_pending_index_work_alone(register):
    with session_scope(register) as sess:
        outbox.enqueue(sess, [sess.scalar(select(m.Dispatch.id))])
    tasks(register, text="trẻ em")
    service.search_dispatches(register, Query(text="trẻ em", today=TODAY))
    assert outbox.pending(register) == 1
    outbox.drain(register)
    assert outbox.pending(register) == 0
