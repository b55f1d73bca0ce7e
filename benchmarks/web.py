"""The web app under load: a register of 100,000 tasks in the database, `dondoc serve`'s WSGI
server (waitress) on loopback, and clients requesting the task list (search page) and agency
pages; requests per second and p95.

    .venv/bin/python benchmarks/web.py [--tasks N] [--requests N] [--clients N]
"""
from __future__ import annotations

import argparse
from urllib.parse import quote_plus
import http.client
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def populate(settings, n_tasks: int) -> None:
    """Bulk rows straight into the tables (as ingestion would leave them), then the index."""
    from sqlalchemy import insert
    from search import synthetic
    from dondoc.domain import Status
    from dondoc.search.service import reindex
    from dondoc.storage import models as m
    from dondoc.storage.db import engine_for
    eng = engine_for(settings.db_url)
    agencies: dict[str, int] = {}
    docs, disps, tasks, links, dls = [], [], [], [], []
    for d in synthetic(n_tasks):
        docs.append({"id": d["id"], "sha256": f"{d['id']:064d}", "filename": f"{d['id']}.txt", "mime": "text/plain",
                     "kind": "text", "size": len(d["text"]), "stored_path": "-"})
        disps.append({"id": d["id"], "document_id": d["id"], "number": d["number"], "issued": date.fromisoformat(d["issued"]),
                      "issuer": d["issuer"], "kind": d["kind"], "subject": d["subject"], "recipients": [], "cites": [],
                      "warnings": [], "text": d["text"], "review": "confirmed"})
        for i, t in enumerate(d["tasks"], 1):
            tasks.append({"id": t["id"], "dispatch_id": d["id"], "seq": i, "text": t["text"], "status": t["status"],
                          "completed_on": date.fromisoformat(t["deadlines"][0]) if t["status"] == Status.DONE and t["deadlines"] else None,
                          "corrected": False})
            for role in ("lead", "support"):
                for name in t[role]:
                    aid = agencies.setdefault(name, len(agencies) + 1)
                    links.append({"task_id": t["id"], "agency_id": aid, "role": role})
            for due in t["deadlines"]:
                dd = date.fromisoformat(due)
                dls.append({"task_id": t["id"], "due": dd, "original_due": dd, "source": "", "kind": "absolute"})
    with eng.begin() as c:
        c.execute(insert(m.Agency), [{"id": i, "name": n, "emails": []} for n, i in agencies.items()])
        for table, rows in ((m.Document, docs), (m.Dispatch, disps), (m.Task, tasks), (m.TaskAgency, links), (m.Deadline, dls)):
            for k in range(0, len(rows), 5000):
                c.execute(insert(table), rows[k:k + 5000])
    reindex(settings)
    return agencies


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tasks", type=int, default=100_000)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--clients", type=int, default=4)
    a = ap.parse_args()
    from waitress.server import create_server
    from dondoc import config
    from dondoc.storage.db import session_scope, upgrade
    from dondoc.web import create_app
    from dondoc.web.auth import create_user
    s = config.load(data_dir=Path(tempfile.mkdtemp(prefix="dondoc-web-bench-")), search_backend="sqlite")
    upgrade(s)
    t0 = time.perf_counter()
    agencies = populate(s, a.tasks)
    print(f"register: {a.tasks} tasks, {len(agencies)} agencies, loaded in {time.perf_counter() - t0:.0f} s")
    with session_scope(s) as db:
        create_user(db, "bench", "matkhau", "manager")
    app = create_app(s)
    server = create_server(app, host="127.0.0.1", port=0, threads=8)
    port = server.effective_port
    threading.Thread(target=server.run, daemon=True).start()

    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", "/login")
    r = conn.getresponse()
    cookie = r.getheader("Set-Cookie").split(";")[0]
    token = re.search(r'name="csrf_token" value="([^"]+)"', r.read().decode()).group(1)
    conn.request("POST", "/login", body=f"username=bench&password=matkhau&csrf_token={token}",
                 headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    r = conn.getresponse()
    r.read()
    cookie = r.getheader("Set-Cookie", cookie).split(";")[0]
    rnd = random.Random(3)
    ids = list(agencies.values())
    names = list(agencies)
    pages = {
        "task list (search page)": lambda: "/search?sort=deadline&page=%d" % rnd.randint(1, 50),
        "task list, agency filter": lambda: "/search?agency=%s" % quote_plus(rnd.choice(names)),
        "agency page": lambda: "/agencies/%d" % rnd.choice(ids),
    }
    for label, path in pages.items():
        local = threading.local()

        def one(_):
            if not hasattr(local, "c"):
                local.c = http.client.HTTPConnection("127.0.0.1", port)
            t = time.perf_counter()
            local.c.request("GET", path(), headers={"Cookie": cookie})
            resp = local.c.getresponse()
            resp.read()
            assert resp.status == 200, resp.status
            return (time.perf_counter() - t) * 1000
        t0 = time.perf_counter()
        with ThreadPoolExecutor(a.clients) as pool:
            times = sorted(pool.map(one, range(a.requests)))
        dt = time.perf_counter() - t0
        print(f"{label:28s} {a.requests / dt:6.1f} req/s   p50 {statistics.median(times):7.1f} ms   p95 {times[int(0.95 * (len(times) - 1))]:7.1f} ms")
    server.close()


if __name__ == "__main__":
    main()
