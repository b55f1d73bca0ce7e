"""No import circle in dondoc/, counting the imports written inside functions too: a deferred import may keep start-up fast, never hide a
circle."""
from __future__ import annotations

import ast
from pathlib import Path

from .conftest import ROOT

PKG = ROOT / "dondoc"
# no circle is tolerated
KNOWN_CIRCLE: set[str] = set()


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, known: set[str]) -> set[str]:
    mod = _module(path)
    package = mod if path.name == "__init__.py" else mod.rsplit(".", 1)[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")
            base = base[: len(base) - node.level + 1] if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            for a in node.names:
                full = f"{target}.{a.name}"
                out.add(full if full in known else target)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    # a module reading a name from its own package's __init__ (Flask's blueprints and the app
    # factory's extensions) is how packages are built, not a circle
    return {m for m in out if m in known and m != mod and not mod.startswith(m + ".")}


def test_no_import_circle():
    paths = [p for p in PKG.rglob("*.py") if "migrations" not in p.parts]
    known = {_module(p) for p in paths}
    graph = {_module(p): _imports(p, known) for p in paths}
    cycles = []

    def visit(node, trail):
        for nxt in graph.get(node, ()):
            if nxt in trail:
                cycles.append(trail[trail.index(nxt):] + [nxt])
            elif len(trail) < 12:
                visit(nxt, trail + [nxt])
    for start in graph:
        visit(start, [start])
    assert [c for c in cycles if not set(c) <= KNOWN_CIRCLE] == []
