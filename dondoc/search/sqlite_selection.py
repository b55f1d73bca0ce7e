"""The tasks a query's filters keep, over the embedded index's columns (sqlite_columns.py).

An agency filter (or an agency's scope) narrows to that agency's tasks, read from the pairs in
agency order: a few thousand ids of a million, so the other filters then look at those tasks
only. Without one, the filters are masks over every task, as before. Either way the selection
answers for a set of candidates (a text query's matches) and gives its ids in order."""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ..domain import OPEN_STATUSES
from .base import Query
from .sqlite_columns import NO_DATE, TaskColumns, day_number


class Selection:
    """The kept tasks as sorted ids (`ids`) or as a mask over every task id (`mask`): whichever
    the filters made, the other made only when asked for."""

    def __init__(self, n: int, ids: np.ndarray | None = None, mask: np.ndarray | None = None):
        self.n, self._ids, self._mask = n, ids, mask

    @property
    def ids(self) -> np.ndarray:
        if self._ids is None:
            assert self._mask is not None
            self._ids = np.flatnonzero(self._mask)
        return self._ids

    @property
    def mask(self) -> np.ndarray:
        if self._mask is None:
            self._mask = np.zeros(self.n, bool)
            self._mask[self.ids] = True
        return self._mask

    @property
    def mask_if_made(self) -> np.ndarray | None:
        return self._mask

    def of(self, candidates: np.ndarray) -> np.ndarray:
        """The candidates (ids, in range) that are kept, in their order."""
        return candidates[self.mask[candidates]]


# a per-task column and the test its values must pass
ColumnTest = tuple[np.ndarray, Callable[[np.ndarray], np.ndarray]]


def _column_tests(cols: TaskColumns, q: Query) -> list[ColumnTest]:
    """(column, test of its values) for each filter on the per-task columns."""
    tests: list[ColumnTest] = []
    if q.issuer:
        codes = cols.issuers.matching([q.issuer], fold_case=True)
        tests.append((cols.issuer, lambda v: np.isin(v, codes)))
    if q.status:
        code = cols.statuses.codes.get(q.status, -2)
        tests.append((cols.status, lambda v: v == code))
    tests += _day_range(cols.next_due, q.due_from, q.due_to) + _day_range(cols.issued, q.issued_from, q.issued_to)
    if q.overdue:
        open_ = [cols.statuses.codes.get(s, -2) for s in OPEN_STATUSES]   # domain.is_overdue
        today = day_number(q.today)
        tests.append((cols.status, lambda v: np.isin(v, open_)))
        tests.append((cols.next_due, lambda v: v < today))
    return tests


def _day_range(column: np.ndarray, first, last) -> list[ColumnTest]:
    """Tests of a day column against a range's ends, each end optional (no date never passes `from`)."""
    tests: list[ColumnTest] = []
    if first:
        lo = day_number(first)
        tests.append((column, lambda v: (v >= lo) & (v != NO_DATE)))
    if last:
        hi = day_number(last)
        tests.append((column, lambda v: v <= hi))
    return tests


def _agency_ids(cols: TaskColumns, q: Query, agency_names: Sequence[str]) -> np.ndarray | None:
    """The sorted ids of the tasks the agency filter and the scope keep; None: neither is asked."""
    found = None
    if agency_names:
        found = cols.tasks_of(cols.agencies.matching(agency_names))
    if q.within is not None:           # exact names: a scope never widens to a locality's body
        theirs = cols.tasks_of(cols.agencies.matching(list(q.within), with_suffix=False))
        found = theirs if found is None else np.intersect1d(found, theirs, assume_unique=True)
    return found


def kept_tasks(cols: TaskColumns, q: Query, agency_names: Sequence[str]) -> Selection:
    """The tasks the filters keep."""
    n = len(cols.present)
    ids = _agency_ids(cols, q, agency_names)
    tests = _column_tests(cols, q)
    if ids is None:
        m = cols.present.copy()
        for column, test in tests:
            m &= test(column)
        return Selection(n, mask=m)
    ids = ids[cols.present[ids]]
    for column, test in tests:
        ids = ids[test(column[ids])]
    return Selection(n, ids=ids)
