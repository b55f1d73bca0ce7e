"""From one office to a province: a register of up to 1,000,000 tasks built from the corpus's
real task sentences and agency names, on the embedded default (SQLite register + embedded index)
and on PostgreSQL + Elasticsearch, measured in one run at each size (growth 10k -> 100k -> 1M):

- indexing throughput, index size (embedded vs Tantivy, its peer, vs Elasticsearch);
- search p50 / p95: a text query, an agency filter with facets, the overdue listing — embedded,
  Tantivy on the same tasks, Elasticsearch;
- the first query of a new process and that process's memory (embedded);
- dashboard and agency page p95 (Flask's test client, the real views);
- ingest throughput (read, extract, store, index) of generated dispatch files with 1 and 2
  worker processes, on each deployment.

    nice .venv/bin/python benchmarks/scale.py [--steps 10000,100000,1000000] [--queries 100]
    .venv/bin/python benchmarks/scale.py --smoke          # 10k, a few queries (the test suite's run)

PostgreSQL and Elasticsearch come from scripts/pg.sh and scripts/es.sh (DONDOC_TEST_PG_URL,
DONDOC_TEST_ES_URLS), as `make bench-scale` arranges; without them only the embedded default and
Tantivy are measured. Results also go to benchmarks/out/scale.json.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import queue
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

TODAY = date(2024, 6, 1)
WORDS = ["trẻ em", "tre em", "báo cáo", "thanh tra", "pháp luật", "bảo hiểm y tế", "tuyên truyền", "lao động"]


def pct(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


# -- the register -----------------------------------------------------------------------------

def load_register(settings, n_tasks: int, seed: int = 1) -> dict:
    """Rows straight into the register's tables, a thousand dispatches at a time (as ingestion
    would leave them, all confirmed); returns what the queries need."""
    from sqlalchemy import insert, text
    from search import synthetic
    from dondoc.domain import Review, Status
    from dondoc.storage import models as m
    from dondoc.storage.db import engine_for, upgrade
    upgrade(settings)
    eng = engine_for(settings.db_url)
    agencies: dict[str, int] = {}
    counts: dict[str, int] = {}
    batch: dict = {k: [] for k in ("docs", "disps", "tasks", "links", "dls")}
    n_links = n_dls = 0

    def flush():
        with eng.begin() as c:
            new = [{"id": i, "name": n, "emails": []} for n, i in agencies.items() if i > flush.agencies_done]
            if new:
                c.execute(insert(m.Agency), new)
                flush.agencies_done = max(agencies.values())
            for table, key in ((m.Document, "docs"), (m.Dispatch, "disps"), (m.Task, "tasks"), (m.TaskAgency, "links"),
                               (m.Deadline, "dls")):
                if batch[key]:
                    c.execute(insert(table), batch[key])
                batch[key].clear()
    flush.agencies_done = 0
    t0 = time.perf_counter()
    for d in synthetic(n_tasks, seed):
        batch["docs"].append({"id": d["id"], "sha256": f"{d['id']:064d}", "filename": f"{d['id']}.txt", "mime": "text/plain",
                              "kind": "text", "size": len(d["text"]), "stored_path": "-"})
        batch["disps"].append({"id": d["id"], "document_id": d["id"], "number": d["number"], "issued": date.fromisoformat(d["issued"]),
                               "issuer": d["issuer"], "kind": d["kind"], "subject": d["subject"], "recipients": [], "cites": [],
                               "warnings": [], "text": d["text"], "review": Review.CONFIRMED.value})
        for i, t in enumerate(d["tasks"], 1):
            batch["tasks"].append({"id": t["id"], "dispatch_id": d["id"], "seq": i, "text": t["text"], "status": t["status"],
                                   "completed_on": date.fromisoformat(t["deadlines"][0]) if t["status"] == Status.DONE and t["deadlines"] else None,
                                   "corrected": False})
            for role in ("lead", "support"):
                for name in t[role]:
                    aid = agencies.setdefault(name, len(agencies) + 1)
                    n_links += 1
                    batch["links"].append({"id": n_links, "task_id": t["id"], "agency_id": aid, "role": role})
                    if role == "lead":
                        counts[name] = counts.get(name, 0) + 1
            for due in t["deadlines"]:
                dd = date.fromisoformat(due)
                n_dls += 1
                batch["dls"].append({"id": n_dls, "task_id": t["id"], "due": dd, "original_due": dd, "source": "", "kind": "absolute"})
        if len(batch["disps"]) >= 1000:
            flush()
    flush()
    if eng.dialect.name == "postgresql":       # ids were given: move each sequence past them
        with eng.begin() as c:
            for table in ("agencies", "documents", "dispatches", "tasks", "task_agencies", "deadlines"):
                c.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
    return {"seconds": time.perf_counter() - t0, "agencies": sorted(agencies), "busiest": max(counts, key=counts.get),
            "agency_ids": agencies}


# -- search ------------------------------------------------------------------------------------

def queries(agencies: list[str], n: int):
    from dondoc.search.base import Query
    rnd = random.Random(2)
    picks = [rnd.choice(agencies) for _ in range(n)]
    return {
        "text": [Query(text=WORDS[i % len(WORDS)], today=TODAY) for i in range(n)],
        "agency": [Query(agency=picks[i], today=TODAY) for i in range(n)],
        # `agency` reaches the names that start with the one asked too (`Thủ trưởng` reaches nine
        # names; the peer is given the same names); `agency exact` only the name (an agency's scope)
        "agency exact": [Query(within=(picks[i],), today=TODAY) for i in range(n)],
        "overdue": [Query(overdue=True, sort="deadline", today=TODAY) for _ in range(n)],
    }


def _count(totals: dict, label: str, q, total: int) -> None:
    """What the engines must agree on: each text query's total, the overdue total, and the sum
    over the agencies asked (by name and prefix, and by exact name)."""
    if label in ("agency", "agency exact"):
        totals[label] = totals.get(label, 0) + total
    elif label != "agency":
        totals[q.text or label] = total


def timed(ask, qs) -> dict:
    """p50 / p95 of wall and CPU time of `ask(query) -> total` over each kind of query, after one
    untimed pass of the same queries: every engine is measured warm, whichever ran first (a new
    process's first query is `first_query`)."""
    out: dict = {"totals": {}}
    for label, items in qs.items():
        for q in items:
            ask(q)
        times, cpu = [], []
        for q in items:
            t0, c0 = time.perf_counter(), time.process_time()
            total = ask(q)
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)   # every thread of the process (Tantivy's too)
            _count(out["totals"], label, q, total)
        # CPU time beside the wall time: on a shared machine it says what the query itself cost
        out[label], out[label + " cpu"] = pct(times), pct(cpu)
    return out


def time_backend(backend, qs) -> dict:
    return timed(lambda q: backend.search_tasks(q, [q.agency] if q.agency else None).total, qs)


def time_peer(peer, qs, settings, reach) -> dict:
    """As `time_backend`, for the peer; `reach(name)`: the names an agency filter reaches in the
    embedded index, given to the peer as a set of terms (found before the timing: the peer's
    prefix lookup costs it nothing here)."""
    from dondoc.search.documents import task_docs
    from dondoc.storage.db import engine_for
    reached = {q.agency: reach(q.agency) for q in qs.get("agency", [])}

    def ask(q) -> int:
        total, ids, _ = peer.search(text=q.text, agency=reached[q.agency] if q.agency else (q.within[0] if q.within else None),
                                    overdue_on=q.today if q.overdue else None)
        with engine_for(settings.db_url).connect() as c:    # the page read from the register, as the embedded index does
            task_docs(c, ids)
        return total
    return timed(ask, qs)


FIRST_QUERY = """
import json, sys, time
t0 = time.perf_counter()
from datetime import date
from dondoc import config
from dondoc.search import service
from dondoc.search.base import Query
s = config.load(data_dir=sys.argv[1], database_url=sys.argv[2], search_backend="sqlite")
t1, c1 = time.perf_counter(), time.process_time()
service.search_tasks(s, Query(text="trẻ em", today=date(2024, 6, 1)))
t2, c2 = time.perf_counter(), time.process_time()
for w in %r * 5:
    service.search_tasks(s, Query(text=w, today=date(2024, 6, 1)))
    service.search_tasks(s, Query(overdue=True, sort="deadline", today=date(2024, 6, 1)))
# the peak of this process's own memory (getrusage would report the parent's across exec)
hwm = next(int(x.split()[1]) for x in open("/proc/self/status") if x.startswith("VmHWM"))
print(json.dumps({"import_s": t1 - t0, "first_query_s": t2 - t1, "first_query_cpu_s": c2 - c1, "rss_mb": hwm / 1024}))
""" % (WORDS,)


def first_query(settings) -> dict:
    out = subprocess.run([sys.executable, "-c", FIRST_QUERY, str(settings.data_dir), settings.db_url],
                         capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


# -- pages -------------------------------------------------------------------------------------

def time_pages(settings, agency_id: int, n: int) -> dict:
    from dondoc.storage.db import session_scope
    from dondoc.web import create_app
    from dondoc.web.auth import create_user
    app = create_app(settings, {"TESTING": True, "WTF_CSRF_ENABLED": False})
    with session_scope(settings) as s:
        create_user(s, f"bench{random.randrange(10**9)}", "matkhau", "manager")
        name = s.execute(__import__("sqlalchemy").text("SELECT username FROM users ORDER BY id DESC LIMIT 1")).scalar()
    c = app.test_client()
    c.post("/login", data={"username": name, "password": "matkhau"})
    out = {}
    for label, path in (("dashboard", "/dashboard"), ("agency page", f"/agencies/{agency_id}")):
        times = []
        for _ in range(n):
            t0 = time.perf_counter()
            r = c.get(path)
            times.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200, (path, r.status_code)
        out[label] = pct(times)
    return out


# -- ingest ------------------------------------------------------------------------------------

def dispatch_files(folder: Path, n: int) -> list[Path]:
    """Dispatch texts as an office receives them: a header, then numbered tasks taken from the
    corpus's real task sentences (made for the benchmark, never gold)."""
    from search import corpus_material
    sentences, agencies = corpus_material()
    rnd = random.Random(7)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        body = "\n".join(f"{k}. {rnd.choice(sentences)}" for k in range(1, rnd.randint(3, 12)))
        f = folder / f"cv{i:05d}.txt"
        f.write_text(f"ỦY BAN NHÂN DÂN\nTỈNH KON TUM\n\nSố: {i + 1}/UBND-VX\nV/v triển khai nhiệm vụ năm 2024\n\n"
                     f"Kon Tum, ngày 15 tháng 3 năm 2024\n\nKính gửi: {rnd.choice(agencies)}\n\n{body}\n", encoding="utf-8")
        out.append(f)
    return out


def _ingest_share(settings, files: list[Path], ready, results) -> None:
    """One worker's files; timed after it has loaded what any worker loads once (the models)."""
    from dondoc.pipeline import extract_text, ingest_file
    extract_text((ROOT / "corpus" / "seeds" / "000_1480374bd54b458c.txt").read_text(encoding="utf-8"), settings)
    ready.wait()                             # every worker starts together
    t0 = time.time()
    for f in files:
        ingest_file(f, settings, confirm=True)
    results.put((len(files), t0, time.time()))
    from dondoc.ingest.pool import pool_for
    pool_for(settings).close()               # its threads would keep this process from exiting


def ingest_rate(settings, files: list[Path], workers: int) -> float:
    """Files a second through the whole pipeline (read, extract, store, index), `workers`
    processes sharing the files, from the moment all of them are ready. Plain processes, not a
    pool's (each has a reading pool of its own, as a worker does), and no manager process."""
    ctx = multiprocessing.get_context("spawn")
    ready, results = ctx.Barrier(workers), ctx.Queue()
    procs = [ctx.Process(target=_ingest_share, args=(settings, files[k::workers], ready, results))
             for k in range(workers)]
    for p in procs:
        p.start()
    runs = []
    while len(runs) < workers:
        try:
            runs.append(results.get(timeout=5))
        except queue.Empty:
            if any(p.exitcode for p in procs):
                for p in procs:
                    p.kill()
                raise RuntimeError(f"an ingest worker failed: exit codes {[p.exitcode for p in procs]}") from None
    for p in procs:
        p.join()
    return sum(n for n, _, _ in runs) / (max(e for _, _, e in runs) - min(s for _, s, _ in runs))


# -- one size ----------------------------------------------------------------------------------

def settings_for(kind: str, tmp: Path, pg_url: str | None, es_urls: str | None):
    from dondoc import config
    if kind == "embedded":
        return config.load(data_dir=tmp / kind, database_url="", search_backend="sqlite")
    return config.load(data_dir=tmp / kind, database_url=pg_url, search_backend="elasticsearch", es_url=es_urls,
                       es_index=f"scale{random.randrange(10**6)}", es_shards=2, es_replicas=0)


def drop_es(settings) -> None:
    """The run's Elasticsearch indices go when it ends: a cluster shared with a test suite must
    not keep shards without replicas (they turn the cluster red when a node stops)."""
    if settings.search_backend != "elasticsearch":
        return
    from dondoc.search.backends import backend
    es = backend(settings).es           # type: ignore[attr-defined]
    names = list(es.indices.get(index=f"{settings.es_index}-*", ignore_unavailable=True))
    if names:
        es.indices.delete(index=",".join(names))


def pg_fresh(admin_url: str, name: str) -> str:
    import psycopg
    from sqlalchemy.engine import make_url
    u = make_url(admin_url)
    with psycopg.connect(u.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False),
                         autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        c.execute(f"CREATE DATABASE {name}")
    return u.set(database=name).render_as_string(hide_password=False)


def dir_size(path: Path, pattern: str = "*") -> int:
    return sum(p.stat().st_size for p in Path(path).glob(pattern) if p.is_file())


def measure_size(n: int, tmp: Path, args, pg_url, es_urls) -> dict:
    row: dict = {"tasks": n}
    kinds = ["embedded"] + (["postgresql+es"] if pg_url and es_urls else [])
    for kind in kinds:
        s = settings_for(kind, tmp / str(n), pg_fresh(pg_url, f"dondoc_scale_{n}") if kind != "embedded" else None, es_urls)
        try:
            row[kind] = measure_deployment(kind, s, n, tmp, args, row)
        finally:
            drop_es(s)
        print(json.dumps({kind: row[kind]}, ensure_ascii=False), flush=True)
    return row


def measure_deployment(kind: str, s, n: int, tmp: Path, args, row: dict) -> dict:
    from dondoc.search.backends import backend
    from dondoc.search.documents import load_dispatches
    from dondoc.search.service import reindex
    from dondoc.search.sqlite_columns import columns_for
    from dondoc.storage.db import session_scope
    from tantivy_peer import TantivyPeer
    built = Path(s.data_dir) / "built.json"       # a register (and index) an earlier run with --data left
    reuse = kind == "embedded" and built.exists()
    reg = json.loads(built.read_text()) if reuse else load_register(s, n)
    r: dict = {"register_s": reg["seconds"], "reused": reuse}
    if not reuse or args.reindex:
        t0, c0 = time.perf_counter(), time.process_time()
        r["dispatches"] = reindex(s)
        secs, cpu = time.perf_counter() - t0, time.process_time() - c0
        r.update(index_tasks_per_s=n / secs, index_tasks_per_cpu_s=n / cpu)
    if kind == "embedded":
        built.write_text(json.dumps(reg, ensure_ascii=False))
    # the load average beside each figure: the machine is shared, a figure means little without it
    r["load_after_index"] = os.getloadavg()
    qs = queries(reg["agencies"], args.queries)
    b = backend(s)
    r["load_before_search"] = os.getloadavg()
    r["search"] = time_backend(b, qs)
    r["load_after_search"] = os.getloadavg()
    if kind == "embedded":
        r["index_mb"] = dir_size(s.data_dir, "search.sqlite3*") / 1e6
        r["process"] = first_query(s)
        peer = TantivyPeer(tmp / str(n) / "tantivy")
        cols = columns_for(b.engine)                              # type: ignore[attr-defined]

        def reach(name: str) -> list[str]:
            return [cols.agencies.names[c] for c in cols.agencies.matching([name])]
        row["tantivy"] = {}
        if reuse and (peer.path / "meta.json").exists():
            peer.open()
        else:
            t0 = time.perf_counter()
            with session_scope(s) as sess:
                peer.build(load_dispatches(sess))
            row["tantivy"]["index_tasks_per_s"] = n / (time.perf_counter() - t0)
        row["tantivy"] |= {"index_mb": peer.size() / 1e6,
                          "load_before_search": os.getloadavg(), "search": time_peer(peer, qs, s, reach),
                          "load_after_search": os.getloadavg()}
    else:
        stats = b.es.indices.stats(index=f"{s.es_index}-tasks")      # type: ignore[attr-defined]
        r["index_mb"] = stats["_all"]["primaries"]["store"]["size_in_bytes"] / 1e6
    r["pages"] = time_pages(s, reg["agency_ids"][reg["busiest"]], max(5, args.queries // 10))
    r["load_end"] = os.getloadavg()
    return r


def machine_ticks() -> tuple[int, int]:
    """(idle, all) CPU time of the whole machine since boot (/proc/stat): a second worker can
    only be faster if the first leaves a core idle."""
    v = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return v[3] + v[4], sum(v)


def measure_ingest(tmp: Path, args, pg_url, es_urls) -> tuple[dict, dict]:
    """Files a second for each deployment and number of workers, and the share of the machine's
    CPU time left idle meanwhile."""
    files = dispatch_files(tmp / "files", args.ingest_files)
    out, idle = {}, {}
    for kind in ["embedded"] + (["postgresql+es"] if pg_url and es_urls else []):
        for workers in (1, 2):
            s = settings_for(kind, tmp / f"ingest-{kind}-{workers}",
                             pg_fresh(pg_url, f"dondoc_ingest_{workers}") if kind != "embedded" else None, es_urls)
            from dondoc.storage.db import upgrade
            upgrade(s)
            label = f"{kind}, {workers} worker(s)"
            i0, t0 = machine_ticks()
            try:
                out[label] = ingest_rate(s, files, workers)
            finally:
                drop_es(s)
            i1, t1 = machine_ticks()
            idle[label] = (i1 - i0) / max(1, t1 - t0)
            print(f"ingest {kind} x{workers}: {out[label]:.1f} files/s, machine idle {idle[label]:.1%}", flush=True)
    return out, idle


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", default="10000,100000,1000000")
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--ingest-files", type=int, default=200)
    ap.add_argument("--smoke", action="store_true", help="10,000 tasks, a few queries and files")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "out" / "scale.json"))
    ap.add_argument("--data", help="keep the run's data in this folder; a size built there before is reused"
                                   " (register, embedded index and Tantivy's, not built again)")
    ap.add_argument("--reindex", action="store_true", help="with --data: rebuild the embedded index all the same")
    a = ap.parse_args()
    if a.smoke:
        a.steps, a.queries, a.ingest_files = "10000", 10, 6
    pg_url = os.environ.get("DONDOC_TEST_PG_URL")
    es_urls = os.environ.get("DONDOC_TEST_ES_URLS") or os.environ.get("DONDOC_TEST_ES_URL")
    if not (pg_url and es_urls):
        print("PostgreSQL + Elasticsearch: not measured (start scripts/pg.sh and scripts/es.sh)")
    tmp = Path(a.data) if a.data else Path(tempfile.mkdtemp(prefix="dondoc-scale-"))
    tmp.mkdir(parents=True, exist_ok=True)
    result = {"date": date.today().isoformat(), "cores": os.cpu_count(), "sizes": [], "ingest": {}}
    for n in [int(x) for x in a.steps.split(",")]:
        result["sizes"].append(measure_size(n, tmp, a, pg_url, es_urls))
    if a.ingest_files:                  # 0: the search figures only
        result["ingest"], result["ingest_machine_idle"] = measure_ingest(tmp, a, pg_url, es_urls)
    result["bench_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(result, ensure_ascii=False, indent=1))
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
