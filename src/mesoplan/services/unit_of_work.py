"""The unit of work: one database transaction per use case, rolled back unless committed.

    with uow:
        ...            # repositories: uow.people, uow.stock, uow.records
        uow.commit()   # nothing is written unless this runs

A failed use case raises before ``commit``; leaving the block rolls everything back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Self

from .errors import ConflictError

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from ..adapters.db.repositories import (
        PeopleRepository,
        RecordsRepository,
        StockRepository,
    )
    from ..config import Settings


def utc_now() -> datetime:
    return datetime.now(UTC)


class UnitOfWork:
    """Opens a session per ``with`` block; ``now()`` is the clock (injected in tests)."""

    session: Session
    people: PeopleRepository
    stock: StockRepository
    records: RecordsRepository

    def __init__(
        self, sessions: sessionmaker[Session], clock: Callable[[], datetime] = utc_now
    ) -> None:
        self._sessions = sessions
        self._clock = clock

    @classmethod
    def from_engine(cls, engine: Engine, clock: Callable[[], datetime] = utc_now) -> Self:
        from ..adapters.db import session_factory

        return cls(session_factory(engine), clock)

    @classmethod
    def from_settings(cls, settings: Settings) -> Self:
        return cls.from_engine(settings.engine())

    @property
    def engine(self) -> Engine:
        bind = self._sessions.kw["bind"]
        assert bind is not None
        return bind  # type: ignore[no-any-return]

    def now(self) -> datetime:
        now = self._clock()
        if now.tzinfo is None:
            raise ValueError("the clock must give aware datetimes")
        return now

    def __enter__(self) -> Self:
        from ..adapters.db.repositories import (
            PeopleRepository,
            RecordsRepository,
            StockRepository,
        )

        self.session = self._sessions()
        self.people = PeopleRepository(self.session)
        self.stock = StockRepository(self.session)
        self.records = RecordsRepository(self.session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.session.rollback()
        self.session.close()

    def flush(self) -> None:
        """Send pending writes (to get ids), mapping constraint violations to errors."""
        self._guard(self.session.flush)

    def commit(self) -> None:
        self._guard(self.session.commit)

    def _guard(self, action: Callable[[], None]) -> None:
        from sqlalchemy.exc import IntegrityError

        try:
            action()
        except IntegrityError as exc:
            self.session.rollback()
            detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise ConflictError(f"the database refused the change: {detail}") from None
