"""OCR quality on real files: character error rate of dondoc's readers against the typed text.

    .venv/bin/python benchmarks/ocr.py [--shared ../shared/corpus] [--only NAME ...] [--json]

The files: the 4 real scans of dev2 (`dev2-variants/real_pdf/{008,015,027,029}.pdf`, with
stamps, seals, handwriting) against `dev2/NNN.txt`, and seed 000 as a 300 dpi scan and as a
phone photo turned 90° (`inputs/`) against `inputs/source-000.txt`. The photo shows the scan's
first page only (the source's item 3 and closing are on page 2), so it is also measured against
that page's part of the source: up to "3. Giao Sở LĐTBXH", where page 2 of `scan-000.pdf` begins. Character error rate as
`shared/corpus/README.md` defines it: Levenshtein distance over the source's length, both sides
NFC with runs of whitespace collapsed to one space (markdown bold marks dropped from the source).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from pathlib import Path

from rapidfuzz.distance import Levenshtein
from shared_corpus import SHARED_CORPUS

ROOT = Path(__file__).resolve().parent.parent

REAL_SCANS = ("008", "015", "027", "029")


def norm(s: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", s.replace("**", ""))).strip()


def cer(truth: str, got: str) -> float:
    t = norm(truth)
    return Levenshtein.distance(t, norm(got)) / max(len(t), 1)


PAGE_2 = "3. Giao Sở LĐTBXH"


def cases(shared: Path) -> list[tuple[str, Path, list[tuple[str, str]]]]:
    """(name, file, [(what the truth is, truth text)])."""
    src = (shared / "inputs" / "source-000.txt").read_text(encoding="utf-8")
    out = [(f"dev2/{n} (bản quét thật)", shared / "dev2-variants" / "real_pdf" / f"{n}.pdf",
            [("", (shared / "dev2" / f"{n}.txt").read_text(encoding="utf-8"))]) for n in REAL_SCANS]
    out.append(("seed 000, quét 300 dpi", shared / "inputs" / "scan-000.pdf", [("", src)]))
    out.append(("seed 000, ảnh chụp xoay 90°", shared / "inputs" / "photo-000-rotated.jpg",
                [("cả nguồn", src), ("trang 1 của nguồn", src[:src.index(PAGE_2)])]))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=SHARED_CORPUS)
    ap.add_argument("--only", nargs="*", help="case names containing one of these")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    if not a.shared.exists():
        a.shared = Path("/work/shared/corpus")
    from dondoc import config
    from dondoc.ingest.registry import read
    settings = config.load()
    rows = []
    for name, path, truths in cases(a.shared):
        if a.only and not any(o in name for o in a.only):
            continue
        t0 = time.perf_counter()
        r = read(path, settings)
        dt = time.perf_counter() - t0
        for what, truth in truths:
            case = f"{name}, {what}" if what else name
            rows.append({"case": case, "cer": round(cer(truth, r.text), 4), "chars": len(norm(truth)),
                         "pages": len(r.pages), "seconds": round(dt, 1),
                         "confidence": [p.confidence for p in r.pages], "metadata": r.metadata})
            if not a.json:
                print(f"{case:45s} CER {rows[-1]['cer']:.2%}  ({len(r.pages)} trang, {dt:.1f} s)", flush=True)
    real = [r for r in rows if "thật" in r["case"]]
    if real and not a.json:
        pooled = sum(r["cer"] * r["chars"] for r in real) / sum(r["chars"] for r in real)
        print(f"{'4 bản quét thật: trung bình / gộp ký tự':45s} CER {sum(r['cer'] for r in real) / len(real):.2%}"
              f" / {pooled:.2%}")
    if a.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
