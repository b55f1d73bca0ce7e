"""The stages in order: read a file, extract the dispatch, store it, index it."""
from __future__ import annotations

from pathlib import Path

from .config import Settings
from .nlp.extract import extract
from .nlp.record import Dispatch


def read_file(path: Path, settings: Settings):
    from .ingest.registry import read
    return read(path, settings)


def extract_file(path: Path, settings: Settings) -> Dispatch:
    doc = read_file(path, settings)
    return extract(doc.text)
