"""Which tasks a user may see and update. The office's clerks, managers and admins see the
whole register; a cán bộ đơn vị (agency staff) belongs to one agency and sees the tasks that
agency leads or supports — and those of bodies it took over (agencies whose successor it is).
Every page, the API, exports, digests and calendars ask the same Scope."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, true
from sqlalchemy.orm import Session

from ..storage import models as m

AGENCY_STAFF = "agency_staff"


@dataclass(frozen=True)
class Scope:
    agency_ids: frozenset[int] | None = None     # None: the whole office
    names: tuple[str, ...] = ()                  # their canonical names (what the search index holds)

    @property
    def everything(self) -> bool:
        return self.agency_ids is None

    def task_ids(self):
        """A select of the ids of the tasks in scope (only meaningful when not everything)."""
        return select(m.TaskAgency.task_id).where(m.TaskAgency.agency_id.in_(self.agency_ids or ()))

    def tasks_clause(self, task_id_column=m.Task.id):
        """A WHERE clause keeping the rows whose task is in scope."""
        return true() if self.everything else task_id_column.in_(self.task_ids())

    def holds_task(self, task: m.Task) -> bool:
        ids = self.agency_ids
        return ids is None or any(ta.agency_id in ids for ta in task.agencies)

    def holds_dispatch(self, dispatch: m.Dispatch | None) -> bool:
        """A dispatch is visible to an agency when it gave that agency at least one task."""
        return self.everything or (dispatch is not None and any(self.holds_task(t) for t in dispatch.tasks))

    def holds_agency(self, agency_id: int) -> bool:
        return self.agency_ids is None or agency_id in self.agency_ids

    def search_names(self) -> tuple[str, ...] | None:
        """What a search Query's `within` takes: None for everything."""
        return None if self.everything else self.names


EVERYTHING = Scope()


def scope_of(session: Session, user: m.User | None) -> Scope:
    if user is None or user.role != AGENCY_STAFF:
        return EVERYTHING
    if user.agency_id is None:            # not attached to an agency (yet): sees no task
        return Scope(frozenset(), ())
    ids = {user.agency_id}
    frontier = set(ids)
    while frontier:                        # predecessors of predecessors, after several mergers
        frontier = set(session.scalars(select(m.Agency.id).where(m.Agency.successor_id.in_(frontier)))) - ids
        ids |= frontier
    names = tuple(sorted(session.scalars(select(m.Agency.name).where(m.Agency.id.in_(ids)))))
    return Scope(frozenset(ids), names)
