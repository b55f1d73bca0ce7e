"""The schema: migrations and models describe the same database."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from dondoc.storage.db import engine_for, upgrade
from dondoc.storage.models import Base


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
