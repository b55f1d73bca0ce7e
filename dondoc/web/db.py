"""A database session per request."""
from __future__ import annotations

from flask import current_app, g
from sqlalchemy.orm import Session, sessionmaker

from ..storage.db import engine_for


def session() -> Session:
    if "db" not in g:
        settings = current_app.config["DONDOC"]
        g.db = sessionmaker(engine_for(settings.db_url), expire_on_commit=False)()
    return g.db


def close(exc):
    """Registered as an app-context teardown by create_app."""
    db = g.pop("db", None)
    if db is not None:
        if exc is None:
            db.commit()
        else:
            db.rollback()
        db.close()
