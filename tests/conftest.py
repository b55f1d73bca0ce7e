"""Shared fixtures. Under CI=true a missing component (tesseract, Elasticsearch, PostgreSQL,
chromium) is a failure, never a skip.

Which database a test runs on: SQLite, unless its module is marked `both_databases`
(`pytestmark = pytest.mark.both_databases`), in which case every test that takes the `settings`
or `database` fixture runs twice, `[sqlite]` and `[postgresql]`. The storage, web (tracking,
reports, exports, API) and digest suites are marked; reading files and extraction never touch
the store, so they run once. PostgreSQL comes from scripts/pg.sh (DONDOC_TEST_PG_URL); each test
gets a database as fresh as a new one (see pg_emptied).
"""
from __future__ import annotations

import os
import shutil
import tempfile
import socket
import uuid
from contextlib import contextmanager
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


# the suite picks each test's database itself (see above), whatever the shell exported
os.environ.pop("DONDOC_DATABASE_URL", None)
os.environ.pop("DONDOC_QUEUE_URL", None)        # and its broker: huey on SQLite unless a test asks for Redis
DATABASES = ("sqlite", "postgresql")


def pytest_configure(config):
    config.addinivalue_line("markers", "both_databases: run the module's store-backed tests on SQLite and PostgreSQL")


def pytest_generate_tests(metafunc):
    if "database" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_databases"):
        metafunc.parametrize("database", DATABASES, indirect=True)


_made: dict[str, str] = {}       # template, and the database the function-scoped tests share


def _pg_admin_url():
    from sqlalchemy.engine import make_url
    url = os.environ.get("DONDOC_TEST_PG_URL")
    err = os.environ.get("DONDOC_TEST_PG_ERROR")
    require(bool(url), "PostgreSQL (DONDOC_TEST_PG_URL, started by scripts/pg.sh)" + (f": {err}" if err else ""))
    return make_url(url)


def _pg_exec(sql: str, database: str = "postgres") -> None:
    import psycopg
    url = _pg_admin_url().set(drivername="postgresql", database=database)
    with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as c:
        c.execute(sql)


def _pg_url(name: str) -> str:
    return _pg_admin_url().set(database=name).render_as_string(hide_password=False)


def _pg_template() -> str:
    """A database migrated to the newest schema, made once per session and copied."""
    if "template" not in _made:
        from dondoc.storage.db import engine_for, upgrade
        name = f"dondoc_tpl_{uuid.uuid4().hex[:8]}"
        _pg_exec(f"CREATE DATABASE {name}")
        upgrade(config.load(data_dir=Path(os.environ.get("TMPDIR", "/tmp")), database_url=_pg_url(name)))
        engine_for(_pg_url(name)).dispose()
        _made["template"] = name
    return _made["template"]


@contextmanager
def pg_database():
    """A PostgreSQL database of its own, migrated, dropped afterwards (for module-scoped
    fixtures: copying the template takes about a second)."""
    from dondoc.storage.db import engine_for
    name = f"dondoc_t_{uuid.uuid4().hex[:12]}"
    _pg_exec(f"CREATE DATABASE {name} TEMPLATE {_pg_template()}")
    try:
        yield _pg_url(name)
    finally:
        engine_for(_pg_url(name)).dispose()
        _pg_exec(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def pg_emptied() -> str:
    """The PostgreSQL database the function-scoped tests share, emptied as a new one is (every
    table truncated, ids restarting at 1): faster than a copy per test."""
    if "shared" not in _made:
        _made["shared"] = f"dondoc_s_{uuid.uuid4().hex[:8]}"
        _pg_exec(f"CREATE DATABASE {_made['shared']} TEMPLATE {_pg_template()}")
    name = _made["shared"]
    # a connection an earlier test left open must not hold a lock the truncation waits for
    _pg_exec(f"""SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                 WHERE datname = '{name}' AND pid <> pg_backend_pid()""")
    _pg_exec("""DO $$ BEGIN EXECUTE (SELECT 'TRUNCATE TABLE ' || string_agg(quote_ident(tablename), ', ')
                || ' RESTART IDENTITY CASCADE' FROM pg_tables
                WHERE schemaname = 'public' AND tablename <> 'alembic_version'); END $$""", name)
    return _pg_url(name)


def pytest_sessionfinish(session, exitstatus):
    for key in ("shared", "template"):
        if key in _made:
            try:
                _pg_exec(f"DROP DATABASE IF EXISTS {_made.pop(key)} WITH (FORCE)")
            except Exception:
                pass


@pytest.fixture
def database(request):
    """The URL of a fresh, migrated database: "" for SQLite (the data folder's own file), or a
    PostgreSQL one when the test is parametrized so."""
    if getattr(request, "param", "sqlite") == "sqlite":
        return ""
    return pg_emptied()


@pytest.fixture
def settings(tmp_path, monkeypatch, database):
    """Settings on a fresh data folder and database (SQLite, or PostgreSQL where the module runs
    on both), migrated."""
    monkeypatch.setenv("DONDOC_DATA_DIR", str(tmp_path / "data"))
    if database:
        monkeypatch.setenv("DONDOC_DATABASE_URL", database)
    else:
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


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium driven by chromedriver, one per test module."""
    require(shutil.which("chromium") is not None and shutil.which("chromedriver") is not None, "chromium and chromedriver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which("chromium")
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--window-size=1400,1000", f"--user-data-dir={tempfile.mkdtemp(prefix='dondoc-chrome-')}"):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})    # to see Content-Security-Policy violations
    drv = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=opts)
    drv.implicitly_wait(2)
    yield drv
    drv.quit()
