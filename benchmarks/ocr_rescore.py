"""OCR rescoring: character error rate of dondoc's reader on dev2's real PDFs, with and without
the diacritic restorer's model choosing Tesseract's tone marks again in context.

    .venv/bin/python benchmarks/ocr_rescore.py [--corpus ../shared/corpus]

Each file goes through the real reader (dondoc.pipeline.read_file: text layer, or deskew +
Tesseract `vie` + the rescoring hook) twice, DONDOC_OCR_RESCORE=0 then 1; Tesseract's answer
for a page image is kept from the first pass, so both passes read the same words. Character
error rate as in the corpus README: Levenshtein distance over the gold text's length, both
NFC with runs of whitespace collapsed to one space. The gold texts leave out stamps,
handwriting and signature blocks, which the scans show: that part of the error is the same
in both columns.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import re
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def normal(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def main() -> None:
    from rapidfuzz.distance import Levenshtein

    from dondoc import config
    from dondoc.ingest import ocr
    from dondoc.pipeline import read_file
    from dondoc.restore import default_restorer
    from dondoc.restore.train import shared_corpus
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=shared_corpus())
    a = ap.parse_args()
    os.environ["DONDOC_OCR_WORKERS"] = "1"       # pages in this process, so the cache below serves both passes
    settings = config.load()
    default_restorer()
    seen: dict[str, dict] = {}
    rescoring = [0.0]
    tesseract, rescored = ocr._tesseract, ocr._rescored

    def cached(img, lang):
        key = hashlib.sha256(img.tobytes()).hexdigest() + lang
        if key not in seen:
            seen[key] = tesseract(img, lang)
        return seen[key]

    def timed(data, lang):
        t0 = time.perf_counter()
        out = rescored(data, lang)
        rescoring[0] += time.perf_counter() - t0
        return out
    ocr._tesseract, ocr._rescored = cached, timed
    rows = []
    for pdf in sorted((a.corpus / "dev2-variants" / "real_pdf").glob("*.pdf")):
        gold = normal((a.corpus / "dev2" / f"{pdf.stem}.txt").read_text(encoding="utf-8"))
        cells = []
        for flag in ("0", "1"):
            os.environ["DONDOC_OCR_RESCORE"] = flag
            result = read_file(pdf, settings)
            cells.append(Levenshtein.distance(normal(result.text), gold))
        methods = [p.method for p in result.pages]
        rows.append((pdf.name, methods, len(gold), *cells))
    print(f"{'file':10s} {'pages':18s} {'gold chars':>10s} {'CER before':>10s} {'CER after':>10s}")
    for name, methods, n, before, after in rows:
        print(f"{name:10s} {','.join(methods):18s} {n:10d} {before / n:10.2%} {after / n:10.2%}")
    scans = [r for r in rows if "ocr" in r[1]]
    for label, group in (("scanned files", scans), ("all files", rows)):
        n = sum(r[2] for r in group)
        print(f"{label:29s} {n:10d} {sum(r[3] for r in group) / n:10.2%} {sum(r[4] for r in group) / n:10.2%}")
    pages = sum(r[1].count("ocr") for r in rows)
    print(f"rescoring: {rescoring[0] / max(1, pages) * 1000:.0f} ms a page over {pages} OCR'd pages "
          f"(Tesseract: 6-12 s a page)")


if __name__ == "__main__":
    main()
