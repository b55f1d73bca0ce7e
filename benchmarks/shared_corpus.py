"""Where `../shared/corpus` is: beside the checkout (/work/main) or beside its worktrees' folder."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED_CORPUS = next((p / "shared" / "corpus" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared" / "corpus").is_dir()),
                     ROOT.parent / "shared" / "corpus")
