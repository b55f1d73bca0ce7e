"""`dondoc eval`: the extractor scored against the gold of corpus/ with corpus/eval/score.py,
on the clean texts and on their stripped and OCR'd variants."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from .nlp.extract import extract


def _scorer(corpus: Path):
    spec = importlib.util.spec_from_file_location("dondoc_score", corpus / "eval" / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def score_set(corpus: Path, name: str, variant: str | None = None) -> dict:
    """Summary metrics for one gold set (`seeds`, `dev`) and one variant (None = clean)."""
    sc = _scorer(corpus)
    gold_dir = corpus / name
    src_dir = corpus / f"{name}-variants" / variant if variant else gold_dir
    T = {k: [] for k in ("number", "issued", "issuer", "subject", "task_prec", "task_rec", "lead")}
    T.update(deadline=sc.Tally(), obligation=sc.Tally())
    docs = 0
    for gpath in sorted(gold_dir.glob("*.gold.json")):
        stem = gpath.name[: -len(".gold.json")]
        src = src_dir / f"{stem}.txt"
        if not src.exists():
            continue
        gold = json.loads(gpath.read_text(encoding="utf-8"))
        text = (gold_dir / f"{stem}.txt").read_text(encoding="utf-8")
        pred = extract(src.read_text(encoding="utf-8")).to_dict()
        sc.score_doc(text, gold, pred, T)
        docs += 1
    tp, tr = sc.rate(T["task_prec"]), sc.rate(T["task_rec"])
    return {
        "set": name, "variant": variant or "clean", "docs": docs,
        "header": {k: round(sc.rate(T[k]), 3) for k in ("number", "issued", "issuer", "subject")},
        "task_p": round(tp, 3), "task_r": round(tr, 3), "task_f1": round(2 * tp * tr / (tp + tr) if tp + tr else 0, 3),
        "lead_acc": round(sc.rate(T["lead"]), 3),
        "deadline_f1": round(T["deadline"].prf()[2], 3), "obligation_f1": round(T["obligation"].prf()[2], 3),
    }


def gold_sets(corpus: Path) -> list[str]:
    """Every labelled set of the corpus (a folder holding gold files), in name order."""
    return sorted(p.name for p in corpus.iterdir()
                  if p.is_dir() and not p.name.endswith("-variants") and any(p.glob("*.gold.json")))


_FIRST = ("stripped", "ocr_eng")


def variants(corpus: Path, name: str) -> list[str]:
    """A set's variant folders of texts: stripped and OCR'd first, then any others (the texts
    dondoc's readers made of real PDFs and scans), in name order."""
    folder = corpus / f"{name}-variants"
    found = sorted(p.name for p in folder.iterdir() if p.is_dir() and any(p.glob("*.txt"))) if folder.is_dir() else []
    return [v for v in _FIRST if v in found] + [v for v in found if v not in _FIRST]


def evaluate(corpus: Path) -> list[dict]:
    out = []
    for name in gold_sets(corpus):
        for variant in (None, *variants(corpus, name)):
            out.append(score_set(corpus, name, variant))
    return out
