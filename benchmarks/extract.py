"""Extraction speed on text input, one core, model loading excluded; and peak memory.

    .venv/bin/python benchmarks/extract.py [--rounds N]

Runs `extract` over every corpus text (clean, stripped, OCR'd variants) N times in one process
after a warm-up pass that loads the gazetteer, spaCy pipeline and OCR vocabulary.
"""
from __future__ import annotations

import argparse
import os
import resource
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})   # one core
    from dondoc.nlp.extract import extract
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").rglob("*.txt")) if p.name != "SOURCES.tsv"]
    for t in texts:            # warm-up: loads excluded from the timing
        extract(t)
    kinds = {"clean+stripped": [t for t in texts if not _garbled(t)], "ocr_eng (repaired)": [t for t in texts if _garbled(t)]}
    for label, group in kinds.items():
        t0 = time.perf_counter()
        for _ in range(a.rounds):
            for t in group:
                extract(t)
        dt = time.perf_counter() - t0
        n = len(group) * a.rounds
        kb = sum(len(t) for t in group) / len(group) / 1024
        print(f"{label:20s} {n:4d} docs  {n / dt:6.1f} docs/s  (mean {kb:.1f} KB a document)")
    tracemalloc.start()
    for t in texts:
        extract(t)
    _, peak = tracemalloc.get_traced_memory()
    print(f"peak Python allocation during one pass: {peak / 2**20:.1f} MiB; process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


def _garbled(t: str) -> bool:
    from dondoc.nlp.ocrfix import looks_garbled
    from dondoc.nlp.textprep import clean
    return looks_garbled(clean(t))


if __name__ == "__main__":
    main()
