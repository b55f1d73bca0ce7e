"""Engine, sessions and migrations. SQLite runs in WAL mode with foreign keys on."""
from __future__ import annotations

from contextlib import contextmanager, nullcontext
from functools import lru_cache
from pathlib import Path

from typing import TYPE_CHECKING

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from ..config import Settings
from . import versions  # noqa: F401  (its listener marks every record a history event changes)

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
        eng = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(eng, "connect")
        def _pragmas(dbapi_conn, _):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()
        return eng
    return create_engine(url, pool_pre_ping=True)


def alembic_config(url: str) -> Config:
    # alembic is imported here: reading a database never needs it, and it costs a command
    # that only reads (`dondoc extract`) a third of its start-up
    from alembic.config import Config
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


# the key of the PostgreSQL advisory lock that makes migrations take turns
MIGRATION_LOCK = 0x646F6E646F63


@contextmanager
def _sqlite_migration_lock(url: str):
    """A lock file beside the SQLite database, held while one process migrates it."""
    import fcntl
    path = Path(url[len("sqlite:///"):] + ".migrate-lock")
    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def upgrade(settings: Settings) -> None:
    """Bring the schema to the newest migration (creates the database if needed). Processes
    started together (several web processes, workers) take turns: the first migrates, the others
    then find the schema at its newest and do nothing (run side by side, both would create the
    same tables and one would fail)."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    url = settings.db_url
    eng = engine_for(url)
    file_lock = _sqlite_migration_lock(url) if url.startswith("sqlite:///") else nullcontext()
    with file_lock, eng.begin() as conn:
        if conn.dialect.name == "postgresql":      # released when the migration's transaction ends
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
        cfg = alembic_config(url)
        cfg.attributes["connection"] = conn
        from alembic import command
        command.upgrade(cfg, "head")


@contextmanager
def session_scope(settings: Settings):
    """A session that commits on success and rolls back on any error."""
    factory = sessionmaker(engine_for(settings.db_url), expire_on_commit=False)
    s: Session = factory()
    try:
        yield s
        s.commit()
    except BaseException:
        s.rollback()
        raise
    finally:
        s.close()
