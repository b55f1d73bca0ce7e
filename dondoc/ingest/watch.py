"""A consume folder: files dropped into it are ingested once completely written, then moved to
`done/` or to `failed/` with a `.reason.txt` beside them."""
from __future__ import annotations

import logging
import shutil
import time
from pathlib import Path
from typing import Callable

from .errors import IngestError

log = logging.getLogger(__name__)


def _target(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / name
    n = 1
    while dest.exists():
        dest = folder / f"{Path(name).stem}.{n}{Path(name).suffix}"
        n += 1
    return dest


def scan_once(root: Path, ingest: Callable[[Path], object], seen: dict, settle: float = 1.0,
              report: Callable[[str], None] = print) -> int:
    """One pass: ingest files whose size and mtime have not changed for `settle` seconds."""
    done = 0
    now = time.monotonic()
    for f in sorted(root.iterdir()):
        if not f.is_file() or f.name.startswith("."):
            continue
        st = f.stat()
        sig = (st.st_size, st.st_mtime_ns)
        prev = seen.get(f)
        if prev is None or prev[0] != sig:
            seen[f] = (sig, now)
            continue
        if now - prev[1] < settle:
            continue
        seen.pop(f, None)
        try:
            ingest(f)
            shutil.move(str(f), _target(root / "done", f.name))
            report(f"Đã tiếp nhận: {f.name}")
        except IngestError as exc:
            dest = _target(root / "failed", f.name)
            shutil.move(str(f), dest)
            dest.with_name(dest.name + ".reason.txt").write_text(exc.message + "\n", encoding="utf-8")
            report(f"Lỗi: {f.name}: {exc.message}")
        except Exception as exc:  # keep watching whatever one file does
            log.exception("ingesting %s from the watched folder failed", f)
            dest = _target(root / "failed", f.name)
            shutil.move(str(f), dest)
            dest.with_name(dest.name + ".reason.txt").write_text(f"lỗi không xác định: {exc}\n", encoding="utf-8")
            report(f"Lỗi: {f.name}: {exc}")
        done += 1
    return done


def watch(root: Path, ingest: Callable[[Path], object], interval: float = 1.0, settle: float = 1.0,
          stop: Callable[[], bool] = lambda: False, report: Callable[[str], None] = print,
          after_pass: Callable[[], object] = lambda: None) -> None:
    """Scan until `stop()`; `after_pass` runs after every pass (status messages owed to senders
    go out even when nothing new arrived)."""
    root.mkdir(parents=True, exist_ok=True)
    seen: dict = {}
    while not stop():
        scan_once(root, ingest, seen, settle, report)
        after_pass()
        time.sleep(interval)
