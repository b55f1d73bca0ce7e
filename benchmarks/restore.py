"""Diacritic restoration: syllable accuracy on the stripped variants of seeds, dev and dev2
against their originals, syllables per second on one core, model load time and peak memory,
with pyvi's `ViUtils.add_accents` measured beside it in the same run.

    .venv/bin/pip install -e '.[bench]'      # pyvi, for the comparison
    .venv/bin/python benchmarks/restore.py [--rounds N]

No labelled text is in the model's training data (`dondoc train-restorer` removes them by
content), so every figure here is on documents the model has never seen. Seed 003 is left out
of the accuracy: its "original" is itself a text read by OCR without Vietnamese, with no
diacritics to compare against.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETS = ("seeds", "dev", "dev2")
NO_REFERENCE = {"003_35f16506bfe594bc.txt"}   # seed 003: the original is garbled OCR output


def documents(corpus: Path):
    for s in SETS:
        for orig in sorted((corpus / s).glob("*.txt")):
            if orig.name in NO_REFERENCE:
                continue
            stripped = corpus / f"{s}-variants" / "stripped" / orig.name
            yield s, orig.read_text(encoding="utf-8"), stripped.read_text(encoding="utf-8")


FAILED_LINES = [0]


def pyvi_restorer():
    try:
        from pyvi import ViUtils
    except ImportError:
        return None

    def line(text: str) -> str:
        try:
            return ViUtils.add_accents(text) if text.strip() else text
        except KeyError:        # its CRF sometimes labels a letter with marks that make no letter
            FAILED_LINES[0] += 1
            return text
    # line by line: a crash loses one line, not the document
    return lambda text: "\n".join(line(x) for x in text.split("\n"))


def fresh_load_seconds() -> float:
    code = ("import time; t = time.perf_counter(); from dondoc.restore import default_restorer; "
            "default_restorer(); print(time.perf_counter() - t)")
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                cwd=ROOT).stdout)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3, help="timed passes over the documents")
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    a = ap.parse_args()
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})   # one core
    from dondoc.restore import MODEL_PATH, load
    from dondoc.restore.evaluate import WORD, Score, syllable_accuracy
    t0 = time.perf_counter()
    restorer = load()
    load_s = time.perf_counter() - t0
    docs = list(documents(a.corpus))
    syllables = sum(len(WORD.findall(st)) for _, _, st in docs)
    meta = restorer.model.meta
    print(f"model {MODEL_PATH.name}: {MODEL_PATH.stat().st_size / 2**20:.1f} MB, trained on {meta['training_texts']} texts "
          f"({meta['training_tokens']:,} tokens); {len(meta['excluded'])} training texts removed as labelled documents")
    print(f"load: {load_s * 1000:.0f} ms in this process; {fresh_load_seconds() * 1000:.0f} ms in a fresh process "
          f"(import + load)")
    print(f"{len(docs)} documents, {syllables:,} syllables (words of letters) in their stripped variants\n")
    systems = [("dondoc restore", lambda t: restorer.restore(t).text)]
    pyvi = pyvi_restorer()
    if pyvi is None:
        print("pyvi not installed (pip install -e '.[bench]'): its column is left out\n")
    else:
        systems.append(("pyvi add_accents", pyvi))
    rows = []
    for name, fn in systems:
        per_set = {s: Score() for s in SETS}
        for s, orig, stripped in docs:
            per_set[s] += syllable_accuracy(orig, fn(stripped))
        total = Score()
        for sc in per_set.values():
            total += sc
        rounds = a.rounds if name == "dondoc restore" else 1
        c0, w0 = time.process_time(), time.perf_counter()
        for _ in range(rounds):
            for _, _, stripped in docs:
                fn(stripped)
        cpu, wall = time.process_time() - c0, time.perf_counter() - w0
        tracemalloc.start()
        for _, _, stripped in docs:
            fn(stripped)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        rows.append((name, per_set, total, syllables * rounds / cpu, syllables * rounds / wall, peak))
    print(f"{'':18s} {'seeds':>8s} {'dev':>8s} {'dev2':>8s} {'all':>8s} {'syl/s CPU':>10s} {'syl/s wall':>10s} {'peak alloc':>10s}")
    for name, per_set, total, cps, wps, peak in rows:
        cells = " ".join(f"{per_set[s].accuracy * 100:7.2f}%" for s in SETS)
        print(f"{name:18s} {cells} {total.accuracy * 100:7.2f}% {cps:10,.0f} {wps:10,.0f} {peak / 2**20:8.1f} MiB")
    if pyvi and FAILED_LINES[0]:
        print(f"\npyvi add_accents raised on {FAILED_LINES[0]} lines over its passes; those lines count as left stripped")
    print(f"\nprocess max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB "
          f"(Python, numpy, the model{', pyvi and scikit-learn' if pyvi else ''})")
    errors: dict[tuple[str, str], int] = {}
    for e in rows[0][2].errors:
        errors[e] = errors.get(e, 0) + 1
    common = sorted(errors.items(), key=lambda kv: -kv[1])[:15]
    print("most frequent errors of dondoc restore (original -> restored):",
          ", ".join(f"{o}->{r} ×{n}" for (o, r), n in common))


if __name__ == "__main__":
    main()
