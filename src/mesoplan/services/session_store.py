"""Between stored sessions and the domain's :class:`SessionRecord`: the use cases read and
write sessions through the unit of work's session repository
(``adapters.db.session_repository``); these are the shortcuts they share."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..domain.charting import SessionRecord
from ..domain.protocol import Protocol
from .courses import protocol_of
from .unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from ..adapters.db.records import SessionRow


def protocol_of_course(uow: UnitOfWork, course_id: int) -> Protocol:
    return protocol_of(uow.records.course_snapshots(course_id)[0])


def load_record(uow: UnitOfWork, row: SessionRow) -> SessionRecord:
    """The stored session as the domain's record, signatures and addenda included."""
    return uow.sessions.record(row)
