"""`dondoc ingest`, `watch`, `show`, `extract`: what a clerk runs, with real corpus files."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from click.testing import CliRunner
from sqlalchemy import func, select

from dondoc.cli import main
from dondoc.ingest.watch import scan_once
from dondoc.pipeline import ingest_file
from dondoc.storage import models as m
from dondoc.storage.db import session_scope

from .conftest import CORPUS

SEED = CORPUS / "seeds" / "000_1480374bd54b458c.txt"


def _count(settings, model):
    with session_scope(settings) as s:
        return s.scalar(select(func.count()).select_from(model))


def test_a_folder_is_ingested_and_a_bad_file_does_not_stop_the_batch(settings, tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(SEED, folder / "sub" / "a.txt")
    shutil.copy(CORPUS / "dev" / "016.txt", folder / "b.txt")
    (folder / "broken.txt").write_bytes(bytes(range(256)) * 10)
    r = CliRunner().invoke(main, ["ingest", str(folder), "--no-index"])
    assert r.exit_code == 1
    assert "broken.txt: " in r.stderr and "không phải văn bản" in r.stderr
    assert _count(settings, m.Document) == 2
    originals = list((settings.data_dir / "originals").rglob("*.*"))
    assert len(originals) == 2          # nothing left behind for the broken file


def test_the_same_content_is_stored_once(settings, tmp_path):
    copy = tmp_path / "copy-of-seed.txt"
    shutil.copy(SEED, copy)
    first = ingest_file(SEED, settings, index=False)
    second = ingest_file(copy, settings, index=False)
    assert second.duplicate and second.document_id == first.document_id
    assert _count(settings, m.Document) == 1


def test_stored_record_keeps_pages_tasks_and_deadlines(settings):
    out = ingest_file(SEED, settings, index=False)
    with session_scope(settings) as s:
        doc = s.get(m.Document, out.document_id)
        assert doc.pages[0].method == "text"
        assert doc.dispatch.number == "687/LĐTBXH-TTr"
        last = doc.dispatch.tasks[-1]
        assert last.names("lead") == ["Sở Lao động - Thương binh và Xã hội"]
        assert [d.due.isoformat() for d in last.deadlines] == ["2024-11-20"]
        assert (settings.data_dir / doc.stored_path).read_bytes() == SEED.read_bytes()


def test_a_failed_write_leaves_nothing_half_stored(settings, monkeypatch):
    import dondoc.pipeline as pipeline

    def boom(*a, **k):
        raise RuntimeError("disk full")
    monkeypatch.setattr(pipeline, "store_record", boom)
    try:
        ingest_file(SEED, settings, index=False)
    except RuntimeError:
        pass
    assert _count(settings, m.Document) == 0
    assert not list((settings.data_dir / "originals").rglob("*.txt"))


def test_show_prints_what_was_stored(settings):
    out = ingest_file(SEED, settings, index=False)
    r = CliRunner().invoke(main, ["show", str(out.document_id), "--json"])
    data = json.loads(r.output)
    assert data["number"] == "687/LĐTBXH-TTr" and data["pages"][0]["method"] == "text"


def test_extract_json_prints_the_record_without_storing(settings):
    r = CliRunner().invoke(main, ["extract", "--json", str(SEED)])
    data = json.loads(r.output)
    assert data["issued"] == "2024-02-23" and data["text"].startswith("BỘ LAO ĐỘNG")
    assert _count(settings, m.Document) == 0


def test_extract_on_a_fresh_machine_loads_no_storage_layer(tmp_path):
    # the storage layer (SQLAlchemy, the models) costs half a second of start-up that
    # `dondoc extract` has no use for while no database exists
    probe = ("import sys; from dondoc.cli import main\n"
             "try: main(['extract', '--json', sys.argv[1]])\n"
             "except SystemExit: pass\n"
             "print('sqlalchemy' in sys.modules, file=sys.stderr)")
    env = {**os.environ, "DONDOC_DATA_DIR": str(tmp_path / "fresh")}
    r = subprocess.run([sys.executable, "-c", probe, str(SEED)], capture_output=True, text=True, env=env, timeout=120)
    assert json.loads(r.stdout)["issued"] == "2024-02-23"
    assert r.stderr.strip().splitlines()[-1] == "False"


def test_watch_moves_files_to_done_and_failed_with_a_reason(settings, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SEED, inbox / "cv.txt")
    (inbox / "rac.txt").write_bytes(b"")
    seen: dict = {}
    ingest = lambda p: ingest_file(p, settings, index=False)  # noqa: E731
    assert scan_once(inbox, ingest, seen, settle=0, report=lambda _: None) == 0   # first sight: wait
    assert scan_once(inbox, ingest, seen, settle=0, report=lambda _: None) == 2
    assert (inbox / "done" / "cv.txt").exists()
    assert (inbox / "failed" / "rac.txt").exists()
    assert "rỗng" in (inbox / "failed" / "rac.txt.reason.txt").read_text(encoding="utf-8")


def test_a_file_still_being_written_is_not_taken(settings, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    f = inbox / "dang-ghi.txt"
    f.write_text("Kính gửi: Sở Tư pháp\n", encoding="utf-8")
    seen: dict = {}
    ingest = lambda p: ingest_file(p, settings, index=False)  # noqa: E731
    scan_once(inbox, ingest, seen, settle=0, report=lambda _: None)
    with open(f, "a", encoding="utf-8") as fh:
        fh.write("1. Sở Tư pháp báo cáo trước ngày 20/5/2024.\n")
    assert scan_once(inbox, ingest, seen, settle=0, report=lambda _: None) == 0
    assert f.exists()


def _with_stamp_and_attachment(monkeypatch):
    """The real reader's result with what a scan's stamp and an e-mail attachment would add."""
    import dondoc.pipeline as pipeline
    from dondoc.ingest.base import Child
    real = pipeline.read_file

    def read(path, settings, progress=None):
        r = real(path, settings, progress)
        r.metadata["stamp"] = {"number": "125", "date": "2024-02-26"}
        r.pages[0].metadata["low_confidence"] = [{"text": "125", "conf": 41.0}]
        r.children.append(Child("phu-luc.txt", "text/plain", data="Phụ lục\n".encode()))
        r.children.append(Child("second letter", "text/plain", role="document", pages=[1]))
        return r
    monkeypatch.setattr(pipeline, "read_file", read)


def test_what_the_reader_found_besides_the_text_is_stored_with_the_document(settings, monkeypatch):
    _with_stamp_and_attachment(monkeypatch)
    out = ingest_file(SEED, settings, index=False)
    with session_scope(settings) as s:
        doc = s.get(m.Document, out.document_id)
        assert doc.meta == {"stamp": {"number": "125", "date": "2024-02-26"}}
        assert doc.pages[0].meta == {"low_confidence": [{"text": "125", "conf": 41.0}]}
        attachment, second = doc.children
        assert attachment["role"] == "attachment" and attachment["size"] == len("Phụ lục\n".encode())
        assert (settings.data_dir / attachment["stored_path"]).read_text(encoding="utf-8") == "Phụ lục\n"
        assert second == {"name": "second letter", "mime": "text/plain", "role": "document", "pages": [1], "metadata": {}}
    shown = json.loads(CliRunner().invoke(main, ["show", str(out.document_id), "--json"]).output)
    assert shown["metadata"]["stamp"]["number"] == "125" and len(shown["children"]) == 2


def test_a_failed_write_removes_the_stored_attachments_too(settings, monkeypatch):
    import dondoc.pipeline as pipeline
    _with_stamp_and_attachment(monkeypatch)
    monkeypatch.setattr(pipeline, "store_record", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("disk full")))
    try:
        ingest_file(SEED, settings, index=False)
    except RuntimeError:
        pass
    assert not [f for f in (settings.data_dir / "originals").rglob("*") if f.is_file()]


def test_a_plain_text_file_brings_no_metadata_and_no_children(settings):
    out = ingest_file(SEED, settings, index=False)
    with session_scope(settings) as s:
        doc = s.get(m.Document, out.document_id)
        assert doc.meta == {} and doc.children == [] and doc.pages[0].meta == {}


def test_extract_json_shows_what_the_reader_found(settings):
    data = json.loads(CliRunner().invoke(main, ["extract", "--json", str(SEED)]).output)
    assert data["read"] == {"metadata": {}, "children": [],
                            "pages": [{"number": 1, "method": "text", "confidence": None, "metadata": {}}]}
