"""Build dondoc/nlp/data/syllables.tsv: the folded Vietnamese syllables and how many words of
underthesea's Viet74K word list use each, the vocabulary OCR repair corrects towards."""
import collections
import re
from importlib import resources
from pathlib import Path

from dondoc.nlp.fold import fold

src = resources.files("underthesea").joinpath("corpus", "data", "Viet74K.txt")
counts = collections.Counter()
for line in src.read_text(encoding="utf-8").splitlines():
    for syl in re.findall(r"[^\W\d_]+", fold(line.strip())):
        counts[syl] += 1
out = Path(__file__).resolve().parent.parent / "dondoc" / "nlp" / "data" / "syllables.tsv"
out.write_text("".join(f"{s}\t{n}\n" for s, n in sorted(counts.items(), key=lambda x: (-x[1], x[0]))), encoding="utf-8")
print(f"{len(counts)} syllables -> {out}")
