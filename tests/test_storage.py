"""The schema: migrations and models describe the same database (SQLite and PostgreSQL)."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from dondoc.storage.db import engine_for, upgrade
from dondoc.storage.models import Base

pytestmark = pytest.mark.both_databases


def test_migrations_build_the_schema_the_models_describe(settings):
    upgrade(settings)
    with engine_for(settings.db_url).connect() as c:
        assert compare_metadata(MigrationContext.configure(c), Base.metadata) == []


def test_reading_a_file_beside_a_database_not_yet_upgraded_still_works(settings):
    from alembic import command

    from dondoc.pipeline import extract_file
    from dondoc.storage.db import alembic_config

    from .conftest import CORPUS
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with engine_for(settings.db_url).begin() as conn:
        cfg = alembic_config(settings.db_url)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0003")            # before the office's own agency names
    record = extract_file(CORPUS / "seeds" / "000_1480374bd54b458c.txt", settings)
    assert record.number == "687/LĐTBXH-TTr" and record.tasks


def test_documents_stored_before_reader_metadata_read_as_empty_metadata(settings):
    from alembic import command
    from sqlalchemy import text

    from dondoc.storage import models as m
    from dondoc.storage.db import alembic_config, session_scope
    with engine_for(settings.db_url).begin() as conn:
        cfg = alembic_config(settings.db_url)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0004")
        conn.execute(text("INSERT INTO documents (sha256, filename, mime, kind, size, stored_path, created_at)"
                          " VALUES ('ab', 'cv.pdf', 'application/pdf', 'pdf', 1, 'originals/ab', '2026-11-30')"))
        conn.execute(text("INSERT INTO pages (document_id, number, text, method) VALUES (1, 1, 'x', 'ocr')"))
        command.upgrade(cfg, "head")
    with session_scope(settings) as s:
        doc = s.get(m.Document, 1)
        assert doc.meta == {} and doc.children == [] and doc.pages[0].meta == {}
