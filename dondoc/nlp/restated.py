"""A task the document states twice: in the body (`II. Nhiệm vụ, giải pháp`) and again as a row of
its assignment table, where the row names the lead and the time. A clerk enters it once, from the
row; the body's statement only goes when the row holds it whole."""
from rapidfuzz import fuzz

from .fold import fold_key
from .record import Task

# a statement shorter than this is too generic to say which row restates it (`Tổ chức thực hiện.`)
_MIN_CHARS = 60
_SAME = 90          # rapidfuzz partial ratio of the statement inside the row


def restated_in_rows(tasks: list[Task]) -> list[Task]:
    """The tasks less those a table row of the same document restates; a row with no date takes
    the dates of the statement it replaces."""
    rows = [(t, fold_key(t.text)) for t in tasks if t.evidence == "table"]
    if not rows:
        return tasks
    every_row = "\n".join(w for _, w in rows)      # one search says whether any row holds the opening
    dropped: set[int] = set()
    for i, t in enumerate(tasks):
        if t.evidence == "table" or len(t.text) < _MIN_CHARS:
            continue
        opening = " ".join(fold_key(t.text[:80]).split()[:4])
        if opening not in every_row:
            continue
        said = fold_key(t.text)
        for row, row_words in rows:
            # the row holds the statement, with its cells and perhaps a sentence more, not a page
            # of a form read as one row
            if opening in row_words and 0.8 * len(said) <= len(row_words) <= 2.5 * len(said) + 250 \
                    and fuzz.partial_ratio(said, row_words, score_cutoff=_SAME):
                if not row.deadlines:
                    row.deadlines = list(t.deadlines)
                dropped.add(i)
                break
    return [t for i, t in enumerate(tasks) if i not in dropped]
