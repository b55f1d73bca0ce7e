"""Ingestion speed: pages per second for text-layer PDFs and for scans, and the overhead of
dondoc's OCR path over calling `tesseract` directly on the same page images.

    .venv/bin/python benchmarks/ingest.py [--scan-pages N]

Both the OCR path and the direct calls run one Tesseract per core (2 here); the CPU use of the
children over the wall time says whether both cores were busy.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import fixtures as fx  # noqa: E402  (the same generators the tests use)


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scan-pages", type=int, default=6)
    a = ap.parse_args()
    from dondoc import config
    from dondoc.ingest.registry import read
    settings = config.load()
    cores = os.cpu_count() or 1
    tmp = Path(tempfile.mkdtemp(prefix="dondoc-bench-"))
    texts = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus" / "dev").glob("*.txt")))
    pdf = fx.text_pdf(tmp / "many.pdf", texts)
    t0 = time.perf_counter()
    r = read(pdf, settings)
    dt = time.perf_counter() - t0
    print(f"text-layer PDF: {len(r.pages)} pages in {dt:.2f} s = {len(r.pages) / dt:.1f} pages/s")

    lines = fx.plain_lines(texts)
    pages = [fx.degrade(fx.render_page(lines[i * 34:(i + 1) * 34]), angle=1.0 + 0.3 * i, seed=i) for i in range(a.scan_pages)]
    tif = tmp / "scan.tif"
    pages[0].save(tif, save_all=True, append_images=pages[1:], dpi=(300, 300), compression="tiff_lzw")
    pngs = []
    for i, p in enumerate(pages):
        f = tmp / f"p{i}.png"
        p.save(f, dpi=(300, 300))
        pngs.append(f)

    c0, t0 = children_cpu(), time.perf_counter()
    with ThreadPoolExecutor(cores) as pool:
        list(pool.map(lambda f: subprocess.run(["tesseract", str(f), "-", "-l", "vie", "--psm", "3"],
                                               capture_output=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"}), pngs))
    direct, direct_cpu = time.perf_counter() - t0, children_cpu() - c0
    print(f"tesseract directly, {cores} at a time: {len(pngs)} pages in {direct:.1f} s = {len(pngs) / direct:.2f} pages/s"
          f" (CPU busy {direct_cpu / direct / cores:.0%} of {cores} cores)")

    t0 = time.perf_counter()
    cpu0 = children_cpu()
    r = read(tif, settings)
    ours = time.perf_counter() - t0
    # pool workers are children of this process; their CPU is counted once they exit
    ours_cpu = children_cpu() - cpu0
    print(f"dondoc OCR path (OSD, deskew, confidence): {len(r.pages)} pages in {ours:.1f} s = {len(r.pages) / ours:.2f} pages/s"
          f" (CPU busy {ours_cpu / ours / cores:.0%} of {cores} cores)")
    print(f"overhead over direct tesseract: {(ours - direct) / direct:+.1%}")


if __name__ == "__main__":
    main()
