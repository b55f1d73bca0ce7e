"""Where dondoc's log lines go. Each module logs through its own logger
(`logging.getLogger(__name__)`, all under `dondoc`); every entry point calls `setup` once:
warnings and failures, with their tracebacks, are kept in `<data folder>/dondoc.log` (rotated),
and the terminal shows warnings, or everything with `--verbose`."""
from __future__ import annotations

import logging
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

from .config import Settings

FORMAT = "%(asctime)s %(levelname)s %(name)s [%(process)d %(threadName)s] %(message)s"
_MINE = "_dondoc_handler"


def log_path(settings: Settings) -> Path:
    return settings.data_dir / "dondoc.log"


def setup(settings: Settings, verbose: bool = False, console: bool = True) -> Path:
    """Send the `dondoc` loggers (and huey's, which runs our jobs) to the data folder's log file;
    idempotent, and a second call with another data folder moves the file there."""
    path = log_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    level = logging.DEBUG if verbose else logging.INFO
    for name in ("dondoc", "huey"):
        logger = logging.getLogger(name)
        for h in [h for h in logger.handlers if getattr(h, _MINE, False)]:
            logger.removeHandler(h)
            h.close()
        file_handler = RotatingFileHandler(path, maxBytes=5 * 1024 * 1024, backupCount=3, encoding="utf-8")
        file_handler.setLevel(level if name == "dondoc" else logging.WARNING)
        file_handler.setFormatter(logging.Formatter(FORMAT))
        setattr(file_handler, _MINE, True)
        logger.addHandler(file_handler)
        if console and name == "dondoc":
            term = logging.StreamHandler(sys.stderr)
            term.setLevel(logging.DEBUG if verbose else logging.WARNING)
            term.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
            setattr(term, _MINE, True)
            logger.addHandler(term)
        logger.setLevel(min(level, logging.WARNING))
    return path
