"""nlp/ is pure: text in, plain data out. It imports no storage, search, web or pipeline code,
so each pattern can be tested on a string and the extractor runs without a database."""
import ast
from pathlib import Path

from .conftest import ROOT

FORBIDDEN = ("storage", "search", "web", "pipeline", "digest", "tracking", "ingest")


def _imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            mod = node.module or ""
            if node.level >= 2:                       # from ..storage import models
                names.add(mod.split(".")[0])
            elif mod.startswith("dondoc."):
                names.add(mod.split(".")[1])
        elif isinstance(node, ast.Import):
            names.update(a.name.split(".")[1] for a in node.names if a.name.startswith("dondoc."))
    return names


def test_nlp_imports_no_storage_search_or_web_code():
    bad = {p.name: sorted(_imported(p) & set(FORBIDDEN)) for p in (ROOT / "dondoc" / "nlp").glob("*.py")}
    assert {k: v for k, v in bad.items() if v} == {}
