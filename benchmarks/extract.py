"""Extraction speed on text input, one core, loading excluded; peak memory; and the CLI's start.

    .venv/bin/python benchmarks/extract.py [--rounds N] [--baseline DIR]

Runs `extract` over every corpus text (clean and stripped; OCR'd variants apart) N times in one
process after a warm-up pass that loads the gazetteer, the spaCy pipeline and the OCR vocabulary.
With `--baseline DIR` (another checkout, e.g. `git worktree add /tmp/old <commit>`), the same
measurement runs on that checkout's code too, the two taking turns round by round on the same
core, so that a shared machine's load falls on both alike. Then `dondoc extract --json` on a
one-line file is timed from a fresh process (import included), the median of five, as the
environment has it and with bytecode for every module (as installed).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _texts() -> dict[str, list[str]]:
    from dondoc.nlp.ocrfix import looks_garbled
    from dondoc.nlp.textprep import clean
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").rglob("*.txt"))]
    return {"clean+stripped": [t for t in texts if not looks_garbled(clean(t))],
            "ocr_eng": [t for t in texts if looks_garbled(clean(t))]}


def worker(rounds: int) -> None:
    """One checkout's side: reads a round number per line on stdin, answers seconds per group."""
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    import dondoc
    from dondoc.nlp.extract import extract
    print(f"measuring {Path(dondoc.__file__).parent.parent}", file=sys.stderr)
    groups = _texts()
    for group in groups.values():
        for t in group:
            extract(t)
    print(json.dumps({k: len(v) for k, v in groups.items()}), flush=True)
    for _ in sys.stdin:
        out = {}
        for label, group in groups.items():
            t0 = time.process_time()
            for t in group:
                extract(t)
            out[label] = time.process_time() - t0
        print(json.dumps(out), flush=True)
    tracemalloc.start()
    for group in groups.values():
        for t in group:
            extract(t)
    _, peak = tracemalloc.get_traced_memory()
    print(json.dumps({"peak_mib": peak / 2**20, "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}), flush=True)


def _start(code_root: Path, rounds: int) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(code_root))
    return subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--worker", str(rounds)],
                            cwd=code_root, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def _cli_seconds(code_root: Path, compiled: bool = False) -> tuple[float, float]:
    """Median wall seconds of five runs, and their median CPU seconds (the command's and its
    reading processes': on a busy shared machine wall time is mostly waiting). `compiled`: with bytecode for every module, as an
    installed program has it (pip byte-compiles at install), kept in a cache directory of its
    own written by an untimed first run — the checkout itself may have none, and with
    PYTHONDONTWRITEBYTECODE set (the team's shell) Python compiles dondoc's sources at every start."""
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "small.txt"
        f.write_text("Sở Y tế chủ trì tổ chức tập huấn trước ngày 30/6/2027.\n", encoding="utf-8")
        env = dict(os.environ, PYTHONPATH=str(code_root), DONDOC_DATA_DIR=tmp)
        cmd = [sys.executable, "-m", "dondoc.cli", "extract", "--json", str(f)]
        if compiled:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
            subprocess.run(cmd, cwd=code_root, env=env, check=True, stdout=subprocess.DEVNULL)
        runs, cpu = [], []
        for _ in range(5):
            t0, c0 = time.perf_counter(), os.times()
            subprocess.run(cmd, cwd=code_root, env=env, check=True, stdout=subprocess.DEVNULL)
            c1 = os.times()
            runs.append(time.perf_counter() - t0)
            cpu.append(c1.children_user - c0.children_user + c1.children_system - c0.children_system)
        return statistics.median(runs), statistics.median(cpu)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--baseline", type=Path, help="another checkout to measure in the same run")
    ap.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.worker is not None:
        worker(a.worker)
        return
    sides = {"this checkout": ROOT}
    if a.baseline:
        sides = {"baseline": a.baseline.resolve(), **sides}
    procs = {name: _start(root, a.rounds) for name, root in sides.items()}
    counts = {name: json.loads(p.stdout.readline()) for name, p in procs.items()}
    spent: dict[str, dict[str, float]] = {name: {} for name in sides}
    for _ in range(a.rounds):
        for name, p in procs.items():        # turn by turn: the machine's load falls on both
            p.stdin.write("go\n")
            p.stdin.flush()
            for label, sec in json.loads(p.stdout.readline()).items():
                spent[name][label] = spent[name].get(label, 0.0) + sec
    for name, p in procs.items():
        p.stdin.close()
        mem = json.loads(p.stdout.readline())
        p.wait()
        for label, sec in spent[name].items():
            n = counts[name][label] * a.rounds
            print(f"{name:14s} {label:15s} {n:4d} docs  {n / sec:6.1f} docs per CPU-second")
        print(f"{name:14s} peak Python allocation in one pass {mem['peak_mib']:.1f} MiB; process max RSS {mem['rss_mib']:.0f} MiB")
    for name, root in sides.items():
        for label, compiled in (("", False), (", every module byte-compiled", True)):
            wall, cpu = _cli_seconds(root, compiled)
            print(f"{name:14s} dondoc extract --json on a one-line file{label}: {wall:.2f} s, CPU {cpu:.2f} s "
                  f"(median of 5, import included; load {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
