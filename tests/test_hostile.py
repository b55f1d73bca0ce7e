"""Issue #12, findings 2 and 6: hostile files are refused quickly, by name and reason in
Vietnamese, in a reading process with limits; odd but honest files are read. Each hostile file
is made here (tests/hostile.py); their full-size peak memory and time are in benchmarks/."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import replace

import pytest

from dondoc.ingest.errors import IngestError
from dondoc.ingest.pool import pool_for
from dondoc.pipeline import ingest_file, read_file

from . import hostile
from .conftest import CORPUS


def refused(path, settings, code, seconds=60.0):
    t = time.perf_counter()
    with pytest.raises(IngestError) as exc:
        read_file(path, settings)
    took = time.perf_counter() - t
    assert exc.value.code == code, exc.value.message
    assert took < seconds, took
    assert exc.value.message and not exc.value.message.isascii()       # said in Vietnamese
    return exc.value.message


def test_a_small_pdf_with_a_200_inch_page_is_refused_before_rendering(settings, tmp_path):
    """Finding 2: a 22 KB PDF with one 200×200-inch page reached 6 GB in 47 s."""
    f = hostile.huge_page_pdf(tmp_path / "ban-do.pdf")
    assert f.stat().st_size < 30_000
    msg = refused(f, settings, "page_too_large")
    assert "trang 1 quá lớn" in msg and "508 × 508 cm" in msg


def test_a_big_page_is_read_at_a_lower_resolution(settings, tmp_path):
    """A large (A0) scan fits the pixel budget at a lower resolution instead of being refused."""
    from dondoc.ingest.limits import Limits, render_dpi
    assert render_dpi(33.1 * 72, 46.8 * 72, 300, Limits()) < 300
    assert render_dpi(8.27 * 72, 11.69 * 72, 300, Limits()) == 300


def test_a_zip_bomb_docx_is_refused_before_it_is_inflated(settings, tmp_path):
    """Finding 2: a 7 MB zip-bomb .docx took 5.4 GB and growing."""
    f = hostile.zip_bomb_docx(tmp_path / "bom.docx")
    assert f.stat().st_size < 1_000_000
    assert "bom nén" in refused(f, settings, "zip_bomb", 20)


def test_xml_entities_in_a_docx_are_refused(settings, tmp_path):
    f = hostile.entity_bomb_docx(tmp_path / "cuoi.docx")
    assert "DTD" in refused(f, settings, "xml_entities", 20)


def test_a_pdf_of_two_thousand_scanned_pages_is_refused_by_its_page_count(settings, tmp_path):
    """Finding 2: a 948 KB PDF of 2,000 scanned pages was OCR'd with no cap."""
    f = hostile.many_pages_pdf(tmp_path / "hai-nghin-trang.pdf")
    assert "2000 trang" in refused(f, settings, "too_many_pages", 30)


def test_the_page_limit_is_configurable(settings, tmp_path):
    f = hostile.many_pages_pdf(tmp_path / "muoi-trang.pdf", 12)
    assert "12 trang" in refused(f, replace(settings, max_pages=10), "too_many_pages", 30)


def test_an_image_bomb_is_refused_from_its_header(settings, tmp_path):
    """Finding 6: image bombs got 'lỗi không xác định' in English."""
    f = hostile.png_bomb(tmp_path / "anh.png")
    assert "quá lớn" in refused(f, settings, "image_too_large", 20)


def test_a_broken_png_gets_a_vietnamese_reason(settings, tmp_path):
    """Finding 6: a broken PNG got 'lỗi không xác định' with an English message."""
    f = hostile.broken_png(tmp_path / "hong.png")
    msg = refused(f, settings, "corrupt", 30)
    assert "ảnh bị hỏng" in msg


@pytest.mark.ocr
def test_a_page_over_its_time_limit_is_stopped(settings, generated, tesseract):
    msg = refused(generated["clean_scan"], replace(settings, page_seconds=1), "timeout", 30)
    assert "quá lâu" in msg


def test_a_reader_over_its_memory_limit_is_stopped(settings, tmp_path):
    """The reading process has an address-space limit: a page that needs more is refused, and
    the pool goes on with a fresh process."""
    f = hostile.huge_page_pdf(tmp_path / "a0.pdf", 60)        # within the pixel budget at 110 dpi
    tight = replace(settings, reader_memory_mb=260, max_page_pixels=400_000_000, reader_processes=1)
    msg = refused(f, tight, "memory", 60)
    assert "bộ nhớ" in msg
    out = read_file(CORPUS / "dev" / "016.txt", tight)        # the pool still reads
    assert out.pages


def test_files_are_read_by_reused_pool_processes_not_in_the_caller(settings):
    settings = replace(settings, reader_processes=1)
    pool = pool_for(settings)
    first = pool.pid()
    read_file(CORPUS / "dev" / "016.txt", settings)
    read_file(CORPUS / "dev" / "002.txt", settings)
    assert pool.pid() == first and first != os.getpid()


def test_utf16_without_a_bom_is_read(settings, tmp_path):
    """Finding 6: UTF-16 without a BOM was refused although the README promises it."""
    text = (CORPUS / "dev" / "016.txt").read_text(encoding="utf-8")
    for enc in ("utf-16-le", "utf-16-be"):
        f = tmp_path / f"{enc}.txt"
        f.write_bytes(text.encode(enc))
        assert read_file(f, settings).text.strip()[:40] == text.strip()[:40]


def test_a_symlinked_file_is_read_as_its_target(settings, tmp_path):
    """Finding 6: a symlinked file was refused as 'inode/symlink'."""
    link = tmp_path / "lien-ket.txt"
    link.symlink_to(CORPUS / "dev" / "016.txt")
    out = ingest_file(link, settings)
    assert out.document_id and out.pages == 1


def test_the_same_file_ingested_by_several_commands_at_once_is_stored_once(settings, tmp_path):
    """Finding 6: several CLIs ingesting one file at once ended in 'lỗi không xác định
    (IntegrityError)'; the losers now say it is already stored ('đã có')."""
    env = {**os.environ, "DONDOC_DATA_DIR": str(settings.data_dir), "DONDOC_SEARCH": "sqlite"}
    f = CORPUS / "dev" / "003.txt"
    procs = [subprocess.Popen([sys.executable, "-m", "dondoc.cli", "ingest", str(f)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for _ in range(3)]
    outs = [p.communicate(timeout=600)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], outs
    assert sum("Đã lưu mã" in o for o in outs) >= 1
    assert all("Đã lưu mã" in o or "đã có" in o for o in outs), outs
    assert not any("IntegrityError" in o or "không xác định" in o for o in outs)
    from sqlalchemy import func, select
    from dondoc.storage import models as m
    from dondoc.storage.db import session_scope
    with session_scope(settings) as s:
        assert s.scalar(select(func.count()).select_from(m.Document)) == 1
        doc = s.scalar(select(m.Document))
        assert (settings.data_dir / doc.stored_path).exists()
