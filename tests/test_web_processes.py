"""Several web processes serving one register (issue #13): two real `dondoc serve` processes,
started together on one data folder and one database (SQLite, and PostgreSQL), behind no sticky
load balancer. What one process writes, or another writer puts in the database, the other
process shows at the very next request: nothing a process keeps in memory goes stale."""
from __future__ import annotations

import multiprocessing
import os
import re
import uuid
import signal
import subprocess
import sys
import time

import pytest
import requests
from sqlalchemy import select

from dondoc.agency_proposals import propose
from dondoc.domain import Status
from dondoc.pipeline import ingest_file
from dondoc.search import outbox
from dondoc.storage import models as m
from dondoc.storage.db import session_scope
from dondoc.tracking.scope import AGENCY_STAFF
from dondoc.web.auth import create_user

from .conftest import CORPUS, _pg_exec, _pg_url, free_port

pytestmark = pytest.mark.both_databases

NEW_BODY = "Trung tâm Phát triển quỹ đất tỉnh Bình Dương"   # not in the packaged gazetteer
INITIALISM = "TTPTQĐ"


@pytest.fixture
def register(settings):
    """One confirmed dispatch; one of its tasks led by a body still waiting as a proposal."""
    ingest_file(CORPUS / "seeds" / "000_1480374bd54b458c.txt", settings, confirm=True)
    with session_scope(settings) as db:
        create_user(db, "lanhdao", "matkhau", "manager")
        create_user(db, "quantri", "matkhau", "admin")
        body = m.Agency(name=NEW_BODY, emails=[])
        db.add(body)
        db.flush()
        propose(db, NEW_BODY, "extraction", agency=body)      # as extraction proposes a body it met
        task = db.scalars(select(m.Task).order_by(m.Task.id)).first()
        task.agencies.append(m.TaskAgency(agency=body, role="lead"))
        outbox.enqueue(db, [task.dispatch_id])
    outbox.drain(settings)
    return settings


def _start_app(data_dir: str, database_url: str, start, secrets) -> None:
    """One OS process starting the web app, at the same moment as another."""
    from dondoc import config
    from dondoc.web import create_app
    settings = config.load(data_dir=data_dir, database_url=database_url, search_backend="sqlite")
    start.wait(timeout=60)
    secrets.put(create_app(settings).config["SECRET_KEY"])


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_web_processes_started_together_on_a_new_register_agree(kind, tmp_path):
    """Both migrate a database that has no tables yet and make the folder's secret key: one does
    the work, the other finds it done (side by side, both created the same tables and one failed)."""
    url = ""
    if kind == "postgresql":
        name = f"dondoc_new_{uuid.uuid4().hex[:8]}"
        _pg_exec(f"CREATE DATABASE {name}")
        url = _pg_url(name)
    try:
        ctx = multiprocessing.get_context("spawn")
        start, secrets = ctx.Barrier(2), ctx.Queue()
        procs = [ctx.Process(target=_start_app, args=(str(tmp_path / "data"), url, start, secrets)) for _ in range(2)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(120)
        assert [p.exitcode for p in procs] == [0, 0]
        assert len({secrets.get(timeout=5), secrets.get(timeout=5)}) == 1
    finally:
        if url:
            _pg_exec(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _serve(settings, port: int, log):
    env = {**os.environ, "DONDOC_DATA_DIR": str(settings.data_dir), "DONDOC_SEARCH": "sqlite"}
    if settings.database_url:
        env["DONDOC_DATABASE_URL"] = settings.database_url
    return subprocess.Popen([sys.executable, "-m", "dondoc.cli", "serve", "--no-worker", "--port", str(port)], env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


@pytest.fixture
def two_servers(register, tmp_path):
    """Two web processes started at the same moment (each migrates and makes the secret key of
    a data folder that has none yet)."""
    ports = [free_port(), free_port()]
    log = open(tmp_path / "serve.log", "wb")
    procs = [_serve(register, p, log) for p in ports]
    try:
        urls = [f"http://127.0.0.1:{p}" for p in ports]
        end = time.monotonic() + 60
        for url, proc in zip(urls, procs):
            while True:
                assert proc.poll() is None and time.monotonic() < end, (tmp_path / "serve.log").read_text()[-3000:]
                try:
                    if requests.get(url + "/login", timeout=2).status_code == 200:
                        break
                except requests.ConnectionError:
                    time.sleep(0.2)
        yield urls
    finally:
        for proc in procs:
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def _csrf(browser: requests.Session, url: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', browser.get(url + "/").text).group(1)


def _login(url: str, username: str) -> requests.Session:
    browser = requests.Session()
    token = re.search(r'name="csrf_token" value="([^"]+)"', browser.get(url + "/login").text).group(1)
    browser.post(url + "/login", data={"username": username, "password": "matkhau", "csrf_token": token})
    return browser


def test_what_one_web_process_writes_the_other_shows_at_once(register, two_servers):
    a, b = two_servers
    admin = _login(a, "quantri")
    # the cookie made by one process is good on the other: one secret key, sessions in the database
    assert admin.get(b + "/api/tasks").status_code == 200
    manager = _login(b, "lanhdao")
    assert manager.get(a + "/api/tasks").status_code == 200

    # an agency accepted into the list on one process: the other finds it by its initialism
    assert admin.get(b + "/api/tasks", params={"agency": INITIALISM}).json()["total"] == 0
    with session_scope(register) as db:
        proposal = db.scalar(select(m.AgencyProposal).where(m.AgencyProposal.name == NEW_BODY))
        task_id = db.scalar(select(m.TaskAgency.task_id).join(m.Agency).where(m.Agency.name == NEW_BODY))
    accepted = admin.post(f"{a}/admin/agencies/proposals/{proposal.id}/accept", data={"csrf_token": _csrf(admin, a)})
    assert accepted.status_code == 200 and "Đã thêm" in accepted.text
    assert [t["id"] for t in admin.get(b + "/api/tasks", params={"agency": INITIALISM}).json()["hits"]] == [task_id]

    # a task's status set on one process: the other's page, API and search say so
    changed = manager.patch(f"{a}/api/tasks/{task_id}", json={"status": Status.IN_PROGRESS.value},
                            headers={"X-CSRFToken": _csrf(manager, a)})
    assert changed.status_code == 200, changed.text
    assert manager.get(f"{b}/api/tasks/{task_id}").json()["status"] == Status.IN_PROGRESS.value
    found = manager.get(b + "/api/tasks", params={"status": Status.IN_PROGRESS.value}).json()
    assert [t["id"] for t in found["hits"]] == [task_id]

    # a role changed by another writer: the next request on either process has the new scope
    everything = manager.get(b + "/api/tasks").json()["total"]
    assert everything > 1
    with session_scope(register) as db:
        user = db.scalar(select(m.User).where(m.User.username == "lanhdao"))
        user.role, user.agency_id = AGENCY_STAFF, db.scalar(select(m.Agency.id).where(m.Agency.name == NEW_BODY))
    for url in (a, b):
        assert [t["id"] for t in manager.get(url + "/api/tasks").json()["hits"]] == [task_id]

    # logged out on one process: the session is refused on the other
    admin.post(a + "/logout", data={"csrf_token": _csrf(admin, a)})
    assert admin.get(b + "/api/tasks").status_code == 401
