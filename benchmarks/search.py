"""Search at scale: a synthetic register of 100,000 tasks built from real corpus sentences and
agencies, loaded into both backends in the same run; bulk indexing rate and query latency
(p50/p95) for a text query, an agency filter with facets, and an overdue listing.

    .venv/bin/python benchmarks/search.py [--tasks N] [--queries N]

Elasticsearch is measured when DONDOC_TEST_ES_URL (or DONDOC_ES_URL) names a server, as
`make bench` arranges through scripts/es.sh.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def corpus_material():
    from dondoc.nlp.extract import extract
    sentences, agencies = [], set()
    for p in sorted((ROOT / "corpus").glob("*/*.txt")):
        d = extract(p.read_text(encoding="utf-8"))
        for t in d.tasks:
            sentences.append(t.text)
            agencies.update(t.lead + t.support)
        agencies.update(a.canonical for a in d.agencies)
    return sentences, sorted(agencies)


def synthetic(n_tasks: int, seed: int = 1):
    from dondoc.domain import Status
    from dondoc.nlp.fold import fold
    rnd = random.Random(seed)
    sentences, agencies = corpus_material()
    issuers = ["Ủy ban nhân dân tỉnh Kon Tum", "Bộ Lao động - Thương binh và Xã hội", "Bộ Y tế", "Chính phủ",
               "Sở Lao động - Thương binh và Xã hội tỉnh Thanh Hóa", "Văn phòng Chính phủ", "Bộ Tư pháp"]
    tid, did = 0, 0
    while tid < n_tasks:
        did += 1
        issued = date(2022, 1, 1) + timedelta(days=rnd.randrange(1500))
        issuer = rnd.choice(issuers)
        tasks = []
        for _ in range(rnd.randint(3, 15)):
            tid += 1
            text = rnd.choice(sentences)
            dues = sorted({(issued + timedelta(days=rnd.randrange(10, 400))).isoformat() for _ in range(rnd.choice((0, 1, 1, 1, 2)))})
            lead = rnd.sample(agencies, 1)
            support = rnd.sample(agencies, rnd.choice((0, 0, 1, 2)))
            tasks.append({"id": tid, "dispatch_id": did, "text": text, "folded": fold(text), "lead": lead, "support": support,
                          "status": rnd.choice((Status.NOT_STARTED.value, Status.IN_PROGRESS.value, Status.DONE.value)), "deadlines": dues,
                          "next_due": dues[0] if dues else None, "number": f"{did}/UBND-VX", "issuer": issuer,
                          "issued": issued.isoformat(), "subject": "về việc thực hiện nhiệm vụ"})
        body = " ".join(t["text"] for t in tasks)
        yield {"id": did, "number": f"{did}/UBND-VX", "issuer": issuer, "issued": issued.isoformat(), "kind": "Công văn",
               "subject": "về việc thực hiện nhiệm vụ", "text": body, "folded": fold(body), "subject_folded": "ve viec thuc hien nhiem vu",
               "tasks": tasks}


def measure(backend, queries, n):
    from dondoc.search.base import Query
    out = {}
    for label, make in queries.items():
        times = []
        for i in range(n):
            q = make(i)
            t0 = time.perf_counter()
            backend.search_tasks(q, [q.agency] if q.agency else None)
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        out[label] = (statistics.median(times), times[int(0.95 * (len(times) - 1))])
    del Query
    return out


def columns_load_costs(backend, docs) -> None:
    """What the SQLite backend's in-memory columns cost: the first search of a process loads
    them all; the first search after a write reads only what that write changed."""
    from dondoc.search import sqlite_columns
    from dondoc.search.base import Query
    q = Query(overdue=True, today=date(2024, 6, 1))
    sqlite_columns._cache.clear()
    t0 = time.perf_counter()
    backend.search_tasks(q)
    cold = (time.perf_counter() - t0) * 1000
    warm = []
    for d in docs[:20]:                    # one dispatch re-indexed, as after a status change
        backend.upsert([d])
        t0 = time.perf_counter()
        backend.search_tasks(q)
        warm.append((time.perf_counter() - t0) * 1000)
    print(f"  first search in a process (loads the columns) {cold:7.1f} ms;"
          f" first search after one dispatch re-indexed: median {statistics.median(warm):.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tasks", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=100)
    a = ap.parse_args()
    from dondoc import config
    from dondoc.search.base import Query
    from dondoc.search.sqlite_index import SqliteBackend
    from dondoc.storage.db import upgrade
    docs = list(synthetic(a.tasks))
    n_tasks = sum(len(d["tasks"]) for d in docs)
    _, agencies = corpus_material()
    rnd = random.Random(2)
    words = ["trẻ em", "tre em", "báo cáo", "thanh tra", "pháp luật", "bảo hiểm y tế", "tuyên truyền", "lao động"]
    today = date(2024, 6, 1)
    queries = {
        "text query": lambda i: Query(text=words[i % len(words)], today=today),
        "agency filter + facets": lambda i: Query(agency=rnd.choice(agencies), today=today),
        "overdue listing": lambda i: Query(overdue=True, sort="deadline", today=today),
    }
    backends = []
    tmp = Path(tempfile.mkdtemp(prefix="dondoc-search-bench-"))
    s = config.load(data_dir=tmp / "sqlite", search_backend="sqlite")
    upgrade(s)
    backends.append(("embedded (SQLite + roaring postings)", SqliteBackend(s)))
    es_url = os.environ.get("DONDOC_TEST_ES_URL") or os.environ.get("DONDOC_ES_URL")
    if es_url:
        from dondoc.search.es import EsBackend
        e = config.load(data_dir=tmp / "es", search_backend="elasticsearch", es_url=es_url, es_index="bench")
        backends.append(("Elasticsearch", EsBackend(e, timeout=60)))
    else:
        print("Elasticsearch: not measured (no DONDOC_TEST_ES_URL)")
    print(f"register: {len(docs)} dispatches, {n_tasks} tasks")
    for name, b in backends:
        t0 = time.perf_counter()
        b.rebuild(iter(docs))
        dt = time.perf_counter() - t0
        print(f"{name}: bulk indexing {n_tasks / dt:,.0f} tasks/s ({dt:.1f} s)")
        if isinstance(b, SqliteBackend):
            columns_load_costs(b, docs)
        for label, (p50, p95) in measure(b, queries, a.queries).items():
            print(f"  {label:24s} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")


if __name__ == "__main__":
    main()
