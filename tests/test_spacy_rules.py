"""spaCy is imported without its command line (see spacy_rules._import_spacy_without_its_cli),
and nothing of spaCy is lost for it: its matcher marks directive verbs, `spacy.info()` answers,
`import spacy.cli` loads the real command line."""
from __future__ import annotations

import json
import subprocess
import sys

from .conftest import ROOT

PROBE = """
import json, sys
from dondoc.nlp.spacy_rules import directive_offsets
out = {"cli_loaded": "spacy.cli" in sys.modules or "typer" in sys.modules,
       "offsets": sorted(directive_offsets("Sở Y tế chủ trì tổ chức tập huấn."))}
import spacy
out["info"] = spacy.info()["spacy_version"] == spacy.__version__
import spacy.cli
out["cli"] = callable(spacy.cli.download) and hasattr(sys.modules["spacy.cli.info"], "__file__")
print(json.dumps(out))
"""


def test_spacy_is_imported_without_its_cli_and_keeps_it_within_reach():
    r = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    out = json.loads(r.stdout)
    assert 8 in out.pop("offsets")        # "chủ trì"
    assert out == {"cli_loaded": False, "info": True, "cli": True}


def test_the_matcher_marks_no_directive_where_a_noun_opens_with_the_verb():
    from dondoc.nlp.spacy_rules import directive_offsets
    text = "Trình tự thực hiện như sau. Trình Bộ Tài chính dự toán."
    assert sorted(directive_offsets(text)) == [text.index("thực hiện"), text.index("Trình Bộ")]
