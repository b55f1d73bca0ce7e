"""Write the text dondoc's readers make of every file in a folder, one `.txt` per file:

    .venv/bin/python scripts/read_texts.py ../shared/corpus/dev2-variants/real_pdf corpus/dev2-variants/real_pdf_read

(how corpus/dev2-variants/*_read were made; run again after a reader changes)."""
from __future__ import annotations

import logging
import sys
from pathlib import Path

from dondoc.config import load
from dondoc.ingest.registry import read

log = logging.getLogger("read_texts")


def main(src: Path, dst: Path) -> None:
    settings = load()
    dst.mkdir(parents=True, exist_ok=True)
    for path in sorted(p for p in src.iterdir() if p.is_file()):
        text = read(path, settings).text
        (dst / f"{path.stem}.txt").write_text(text, encoding="utf-8")
        log.info("%s: %d characters", path.name, len(text))


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    main(Path(sys.argv[1]), Path(sys.argv[2]))
