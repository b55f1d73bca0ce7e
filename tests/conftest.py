"""Shared fixtures. Under CI=true a missing component (tesseract, Elasticsearch, chromium) is a
failure, never a skip."""
from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest

from dondoc import config

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


def require(ok: bool, what: str) -> None:
    if ok:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{what} is missing (CI=true: a missing component is a failure)")
    pytest.skip(f"{what} is missing")


@pytest.fixture
def settings(tmp_path, monkeypatch):
    """Settings on a fresh data folder and SQLite database, migrated."""
    monkeypatch.setenv("DONDOC_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DONDOC_DATABASE_URL", raising=False)
    monkeypatch.setenv("DONDOC_SEARCH", "sqlite")
    monkeypatch.setenv("DONDOC_OCR_WORKERS", "2")
    s = config.load()
    from dondoc.storage.db import upgrade
    upgrade(s)
    return s


@pytest.fixture(scope="session")
def tesseract():
    require(shutil.which("tesseract") is not None, "tesseract")
    import subprocess
    langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True).stdout
    require("vie" in langs.split(), "tesseract 'vie' language data")
    return True


@pytest.fixture(scope="session")
def libreoffice():
    require(shutil.which("soffice") is not None, "LibreOffice (soffice)")
    return True


@pytest.fixture(scope="session")
def office_files(tmp_path_factory, libreoffice):
    """Word 97-2003, RTF and ODT files LibreOffice saves from Word files of the seed text: one in
    Unicode with a table, one typed in TCVN3 fonts."""
    from . import fixtures as fx
    d = tmp_path_factory.mktemp("office")
    text = fx.seed_text()
    table = [["TT", "Nhiệm vụ", "Thời hạn"], ["1", "Báo cáo kết quả", "trước ngày 20/11/2024"]]
    uni = fx.docx_file(d / "unicode.docx", text, table)
    legacy = fx.docx_file(d / "tcvn3.docx", text, legacy="tcvn3")
    return {"doc": fx.office_file(uni, "doc"), "rtf": fx.office_file(uni, "rtf"), "odt": fx.office_file(uni, "odt"),
            "tcvn3_doc": fx.office_file(legacy, "doc"), "text": text}


@pytest.fixture(scope="session")
def generated(tmp_path_factory, tesseract):
    """The generated inputs, made once per test session."""
    from . import fixtures as fx
    d = tmp_path_factory.mktemp("inputs")
    text = fx.seed_text()
    lines = fx.plain_lines(text)
    clean = fx.render_page(lines[:34])
    files = {"clean_scan": d / "clean_scan.png", "noisy_scan": d / "noisy_scan.png",
             "photo": d / "photo.jpg", "tiff": d / "two_pages.tif"}
    clean.save(files["clean_scan"], dpi=(300, 300))
    noisy = fx.degrade(clean)
    noisy.save(files["noisy_scan"], dpi=(300, 300))
    fx.photo_like(clean).save(files["photo"], "JPEG", quality=75)
    page2 = fx.render_page(lines[34:68])
    clean.save(files["tiff"], save_all=True, append_images=[page2], dpi=(300, 300), compression="tiff_lzw")
    files["text_pdf"] = fx.text_pdf(d / "born_digital.pdf", text)
    files["mixed_pdf"] = fx.mixed_pdf(d / "mixed.pdf", fx.seed_text("004_aab771c767b14fb2"), noisy)
    files["docx"] = fx.docx_file(d / "congvan.docx", text, [["TT", "Nhiệm vụ", "Thời hạn"], ["1", "Báo cáo kết quả", "trước ngày 20/11/2024"]])
    files["lines"] = lines[:34]
    return files


def free_port() -> int:
    """A loopback port nothing listens on now (for servers the tests start)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port
