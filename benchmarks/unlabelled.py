"""The extractor over the unlabelled real texts: no crash, how long, how many tasks.

    .venv/bin/python benchmarks/unlabelled.py [--root ../shared/corpus/unlabelled/text] [--out run.json]

No gold, so no score: it catches crashes and slow documents, and `--out` keeps each document's
issuer and tasks so two runs (before and after a rule) can be compared.
"""
from __future__ import annotations

import argparse
import json
import time
import traceback
from pathlib import Path

from dondoc.nlp.extract import extract
from shared_corpus import SHARED_CORPUS



def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", type=Path, default=SHARED_CORPUS / "unlabelled" / "text")
    ap.add_argument("--out", type=Path)
    a = ap.parse_args()
    files = sorted(p for p in a.root.iterdir() if p.suffix == ".txt")
    out, fails = {}, 0
    t0 = time.perf_counter()
    for f in files:
        text = f.read_text(encoding="utf-8")
        try:
            s = time.perf_counter()
            d = extract(text)
            out[f.name] = {"n": len(d.tasks), "seconds": round(time.perf_counter() - s, 3), "issuer": d.issuer,
                           "tasks": [(t.lead, [x.date for x in t.deadlines], t.text[:160]) for t in d.tasks]}
        except Exception:
            fails += 1
            print("FAILED", f.name)
            traceback.print_exc(limit=3)
    total = time.perf_counter() - t0
    slow = sorted(out.items(), key=lambda kv: -kv[1]["seconds"])[:5]
    print(f"{len(files)} files, {fails} failed, {total:.1f} s; "
          f"{sum(v['n'] for v in out.values())} tasks in {sum(1 for v in out.values() if v['n'])} documents")
    print("slowest:", ", ".join(f"{k} {v['seconds']} s" for k, v in slow))
    if a.out:
        a.out.write_text(json.dumps(out, ensure_ascii=False, indent=0), encoding="utf-8")


if __name__ == "__main__":
    main()
