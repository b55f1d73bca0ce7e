"""The province benchmark's own smoke run (benchmarks/scale.py --smoke: 10,000 tasks): it runs end
to end on every deployment the suite starts, and the engines it compares find the same tasks."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from .conftest import ROOT, require


def test_the_scale_benchmark_runs_at_ten_thousand_tasks_and_the_engines_agree(tmp_path):
    require(bool(os.environ.get("DONDOC_TEST_PG_URL")), "PostgreSQL (scripts/pg.sh)")
    require(bool(os.environ.get("DONDOC_TEST_ES_URL")), "Elasticsearch (scripts/es.sh)")
    out = tmp_path / "scale.json"
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "scale.py"), "--smoke", "--out", str(out)],
                         cwd=ROOT, timeout=1800, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-3000:]
    r = json.loads(out.read_text())
    size = r["sizes"][0]
    assert size["tasks"] == 10_000
    embedded, province, peer = size["embedded"], size["postgresql+es"], size["tantivy"]
    assert embedded["search"]["totals"] == peer["search"]["totals"] == province["search"]["totals"]
    assert embedded["search"]["totals"]["trẻ em"] > 0 and embedded["search"]["totals"]["overdue"] > 0
    for row in (embedded, province):
        assert row["index_tasks_per_s"] > 0 and all(p95 > 0 for _, p95 in row["pages"].values())
    assert embedded["process"]["first_query_s"] > 0 and embedded["index_mb"] > 0
    assert all(rate > 0 for rate in r["ingest"].values()) and len(r["ingest"]) == 4
