"""Failures are logged with their traceback to the data folder's log file; --verbose shows debug."""
from __future__ import annotations

from click.testing import CliRunner

from dondoc import logs
from dondoc.cli import main
from dondoc.storage import models as m
from dondoc.storage.db import session_scope


def test_a_worker_failure_is_logged_with_its_traceback(settings, monkeypatch):
    from dondoc.jobs import queue as jq
    from dondoc.jobs.worker import Worker
    logs.setup(settings, console=False)

    def broken(*a, **kw):
        raise RuntimeError("đĩa đầy")
    monkeypatch.setattr("dondoc.pipeline.ingest_file", broken)
    (settings.data_dir / "uploads").mkdir(parents=True, exist_ok=True)
    (settings.data_dir / "uploads" / "x.txt").write_text("Kính gửi: Sở Tư pháp\n", encoding="utf-8")
    with session_scope(settings) as s:
        job_id = jq.submit(s, "ingest", filename="cv.txt", stored_path="uploads/x.txt", username="vanthu").id
    Worker(settings, immediate=True).broker.wake("default", job_id)
    text = logs.log_path(settings).read_text(encoding="utf-8")
    assert "job 1 (cv.txt) failed" in text and "Traceback" in text and "RuntimeError: đĩa đầy" in text
    with session_scope(settings) as s:
        assert s.get(m.Job, job_id).state == "failed"


def test_a_reader_failure_is_logged_with_its_traceback(settings, tmp_path):
    from dondoc.ingest.errors import IngestError
    from dondoc.pipeline import read_file
    from .hostile import broken_png
    logs.setup(settings, console=False)
    f = broken_png(tmp_path / "cv.png")          # the image reader fails inside the reading process
    try:
        read_file(f, settings)
    except IngestError:
        pass
    text = logs.log_path(settings).read_text(encoding="utf-8")
    assert f"reader failed on {f}" in text and "Traceback" in text


def test_verbose_shows_debug_lines_on_the_terminal(settings, tmp_path):
    f = tmp_path / "cv.txt"
    f.write_text("Kính gửi: Sở Tư pháp\n\n1. Sở Tư pháp rà soát văn bản trước ngày 30/6/2024.\n", encoding="utf-8")  # written for the test
    env = {"DONDOC_DATA_DIR": str(settings.data_dir)}
    quiet = CliRunner().invoke(main, ["ingest", str(f)], env=env)
    f2 = tmp_path / "cv2.txt"
    f2.write_text(f.read_text(encoding="utf-8") + "\n2. Sở Nội vụ báo cáo.\n", encoding="utf-8")
    loud = CliRunner().invoke(main, ["--verbose", "ingest", str(f2)], env=env)
    assert quiet.exit_code == loud.exit_code == 0
    assert "stored" not in quiet.stderr and f"stored {f2} as document" in loud.stderr
