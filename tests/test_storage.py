"""The schema: migrations and models describe the same database."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from dondoc.storage.db import engine_for, upgrade
from dondoc.storage.models import Base


def test_migrations_build_the_schema_the_models_describe(settings):
    upgrade(settings)
    with engine_for(settings.db_url).connect() as c:
        assert compare_metadata(MigrationContext.configure(c), Base.metadata) == []
