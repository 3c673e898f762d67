"""One clinic's records as a :class:`RecordSource`, for bulk export through the API.

The session must be scoped to the clinic (``adapters.db.tenancy``): every query of
:class:`DatabaseSource` then keeps that clinic's rows only. Protocol snapshots are shared,
content-addressed rows the scoping does not filter, so this source lists only the
snapshots the clinic's live courses follow.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain.protocol import Protocol
from ..db.records import CourseProtocolRow, CourseRow, ProtocolSnapshotRow
from ..db.tenancy import clinic_of
from .db_source import DatabaseSource


class ClinicSource(DatabaseSource):
    """Every live record of the clinic ``session`` is scoped to."""

    def __init__(self, session: Session) -> None:
        if clinic_of(session) is None:
            raise ValueError("a clinic export needs a session scoped to one clinic")
        super().__init__(session)

    def protocols(self) -> Iterable[Protocol]:
        query = (
            select(ProtocolSnapshotRow.id)
            .join(CourseProtocolRow, CourseProtocolRow.snapshot_id == ProtocolSnapshotRow.id)
            .join(CourseRow, CourseRow.id == CourseProtocolRow.course_id)
            .where(CourseRow.deleted_at.is_(None))
            .distinct()
            .order_by(ProtocolSnapshotRow.id)
        )
        for (snapshot_id,) in self.session.execute(query).all():
            yield self._protocol(snapshot_id)
