"""edXML messages: how long parsing an envelope takes and how much memory it needs, for a
message as small as a công văn and one near the upload limit (a large scanned attachment).

    .venv/bin/python benchmarks/edxml.py [--mb 40]

Measures `dondoc.edxml.parse.parse_message` alone (the attachments' own readers are measured
by benchmarks/ingest.py): wall time (best of 5) and peak Python allocation (tracemalloc).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dondoc.edxml.parse import parse_message  # noqa: E402
from tests import edxml_messages as mk  # noqa: E402  (the messages the tests build)


def measure(data: bytes) -> tuple[float, float]:
    best = min(_timed(data) for _ in range(5))
    tracemalloc.start()
    parse_message(data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return best, peak / 2**20


def _timed(data: bytes) -> float:
    t = time.perf_counter()
    parse_message(data)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=40, help="size of the large attachment in MB")
    args = ap.parse_args()
    header = mk.from_gold(mk.CORPUS / "seeds/000_1480374bd54b458c.gold.json")
    seed = mk.corpus_file("seeds/000_1480374bd54b458c.txt")
    big = mk.File("ban-quet.tif", os.urandom(int(args.mb * 2**20)), "image/tiff")   # incompressible, like a scan
    cases = [("công văn (4 KB đính kèm), QCVN 102", mk.qcvn(header, [seed])),
             ("công văn, SOAP kèm MIME", mk.mime(header, [seed])),
             (f"{args.mb:g} MB đính kèm, QCVN 102 (base64)", mk.qcvn(header, [big])),
             (f"{args.mb:g} MB đính kèm, SOAP kèm MIME", mk.mime(header, [big]))]
    print("| thông điệp | kích thước | thời gian đọc | bộ nhớ cấp phát đỉnh |")
    print("|---|---|---|---|")
    for name, data in cases:
        secs, peak = measure(data)
        print(f"| {name} | {len(data) / 2**20:.1f} MB | {secs * 1000:.1f} ms | {peak:.1f} MiB |")


if __name__ == "__main__":
    main()
