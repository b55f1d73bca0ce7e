"""Two ingest workers on one PostgreSQL register (issue #13): dispatches naming the same bodies,
read at the same moment by two OS processes, each store with one agency row per body — neither
fails because the other created the agency first."""
from __future__ import annotations

import multiprocessing
from pathlib import Path

from sqlalchemy import func, select

from dondoc import config
from dondoc.storage import models as m
from dondoc.storage.db import session_scope, upgrade

from .conftest import CORPUS, pg_database

BODIES = ("Sở Tư pháp", "Sở Y tế", "Sở Tài chính", "Sở Giáo dục và Đào tạo", "Sở Nội vụ", "Công an tỉnh")
FILES_EACH = 4


def _dispatch(folder: Path, worker: int, n: int) -> Path:
    """A typed dispatch (written for the test) giving every body of BODIES a task."""
    tasks = "\n".join(f"{k}. {b} chủ trì rà soát, báo cáo kết quả thực hiện đợt {worker}-{n} trước ngày 30/9/2024."
                      for k, b in enumerate(BODIES, 1))
    f = folder / f"cv-{worker}-{n}.txt"
    f.write_text(f"ỦY BAN NHÂN DÂN\nTỈNH KON TUM\n\nSố: {worker * 100 + n}/UBND-VX\nV/v rà soát\n\n"
                 f"Kon Tum, ngày 15 tháng 3 năm 2024\n\nKính gửi: các sở, ngành\n\n{tasks}\n", encoding="utf-8")
    return f


def _worker(data_dir: str, url: str, files: list[str], start) -> None:
    from dondoc.ingest.pool import pool_for
    from dondoc.pipeline import extract_text, ingest_file
    settings = config.load(data_dir=data_dir, database_url=url, search_backend="sqlite")
    extract_text((CORPUS / "seeds" / "000_1480374bd54b458c.txt").read_text(encoding="utf-8"), settings)
    start.wait(timeout=120)          # models loaded: both reach their first new agency together
    try:
        for f in files:
            ingest_file(Path(f), settings, confirm=True)
    finally:
        pool_for(settings).close()   # its threads would keep this process from exiting


def test_two_workers_storing_the_same_new_bodies_at_once(tmp_path):
    with pg_database() as url:
        ctx = multiprocessing.get_context("spawn")
        start = ctx.Barrier(2)
        procs = []
        for w in (1, 2):
            folder = tmp_path / f"in{w}"
            folder.mkdir()
            files = [str(_dispatch(folder, w, n)) for n in range(FILES_EACH)]
            procs.append(ctx.Process(target=_worker, args=(str(tmp_path / f"data{w}"), url, files, start)))
        for p in procs:
            p.start()
        for p in procs:
            p.join(300)
        assert [p.exitcode for p in procs] == [0, 0]
        s = config.load(data_dir=tmp_path / "check", database_url=url, search_backend="sqlite")
        upgrade(s)
        with session_scope(s) as db:
            assert db.scalar(select(func.count()).select_from(m.Dispatch)) == 2 * FILES_EACH
            for body in BODIES:
                assert db.scalar(select(func.count()).select_from(m.Agency).where(m.Agency.name == body)) == 1
                assert db.scalar(select(func.count()).select_from(m.TaskAgency).join(m.Agency)
                                 .where(m.Agency.name == body)) == 2 * FILES_EACH
