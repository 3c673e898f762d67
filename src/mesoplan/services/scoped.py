"""A unit of work scoped to one clinic and audited: the API's way into every use case.

Tenancy and the audit trail are not decided by the use cases: a :class:`ClinicUnitOfWork`
hands them a session that sees only its clinic's rows (``adapters.db.tenancy``) and that
appends one audit entry per committed write (``adapters.db.audit``). A write unit locks
the clinic's audit head first, then runs its ``precondition`` (an If-Match check) in the
same transaction, so a check and the write it guards cannot be separated.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Self

from .unit_of_work import Reader, UnitOfWork, utc_now

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from ..adapters.db.audit import Actor

Precondition = Callable[["ClinicUnitOfWork"], None]


class ClinicUnitOfWork(UnitOfWork):
    def __init__(
        self,
        sessions: sessionmaker[Session],
        clinic_id: int,
        actor: Actor | None = None,
        clock: Callable[[], datetime] = utc_now,
        precondition: Precondition | None = None,
        reader: Reader | None = None,
    ) -> None:
        super().__init__(sessions, clock, actor=actor, reader=reader)
        self.clinic_id = clinic_id
        self.precondition = precondition

    def __enter__(self) -> Self:
        from ..adapters.db.audit import lock_head
        from ..adapters.db.tenancy import scope_to_clinic

        super().__enter__()
        try:
            scope_to_clinic(self.session, self.clinic_id)
            if self.actor is not None:
                lock_head(self.session, self.clinic_id)
            if self.precondition is not None:
                self.precondition(self)
        except BaseException:
            self.session.rollback()
            self.session.close()
            raise
        return self
