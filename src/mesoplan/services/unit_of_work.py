"""The unit of work: one database transaction per use case, rolled back unless committed.

    with uow:
        ...            # repositories: uow.people, uow.stock, uow.records
        uow.commit()   # nothing is written unless this runs

A failed use case raises before ``commit``; leaving the block rolls everything back.

With an ``actor`` every commit is audited: the audit entry is appended in the same
transaction as the change (``adapters.db.audit``), whichever entrypoint opened the unit.
With a ``reader``, the reads of a patient's record that a use case declares
(:meth:`UnitOfWork.log_access`) are appended to the access log when the block ends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Self

from .errors import ConflictError

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from ..adapters.db.audit import Actor
    from ..adapters.db.audit_keys import Keyring
    from ..adapters.db.repositories import (
        PeopleRepository,
        RecordsRepository,
        StockRepository,
    )
    from ..adapters.db.session_repository import SessionRepository
    from ..config import Settings


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Reader:
    """Who reads, through which entrypoint (``cli``, ``web``, ``api``)."""

    who: str
    entrypoint: str


class UnitOfWork:
    """Opens a session per ``with`` block; ``now()`` is the clock (injected in tests)."""

    session: Session
    people: PeopleRepository
    stock: StockRepository
    records: RecordsRepository
    sessions: SessionRepository

    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Callable[[], datetime] = utc_now,
        *,
        actor: Actor | None = None,
        reader: Reader | None = None,
        keyring: Keyring | None = None,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self.actor = actor
        self.reader = reader
        self._given_keyring = self._keyring = keyring
        self._reads: list[tuple[int, str, str]] = []

    @classmethod
    def from_engine(
        cls,
        engine: Engine,
        clock: Callable[[], datetime] = utc_now,
        *,
        actor: Actor | None = None,
        reader: Reader | None = None,
    ) -> Self:
        from ..adapters.db import session_factory

        return cls(session_factory(engine), clock, actor=actor, reader=reader)

    def keyring(self) -> Keyring:
        """The clinics' audit keys (``MESOPLAN_AUDIT_KEY_FILE``), read when first needed in
        each ``with`` block (so a rotated key file is seen by the next use case)."""
        if self._keyring is None:
            from ..adapters.db.audit_keys import Keyring
            from ..config import Settings

            self._keyring = Keyring.from_file(Settings.from_env().audit_key_file)
        return self._keyring

    def log_access(self, patient_ids: Iterable[int], action: str, subject: str) -> None:
        """Declare a read of these patients' records (``subject``: what was read); the
        entries are appended when the block ends, if the unit has a reader."""
        if self.reader is not None:
            self._reads.extend((int(p), action, subject) for p in patient_ids)

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
        from ..adapters.db.session_repository import SessionRepository

        self.session = self._sessions()
        self.people = PeopleRepository(self.session)
        self.stock = StockRepository(self.session)
        self.records = RecordsRepository(self.session)
        self.sessions = SessionRepository(self.session)
        self._reads = []
        self._keyring = self._given_keyring
        if self.actor is not None:
            from ..adapters.db.audit import track

            track(self.session, self.actor, self.now, self.keyring)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.session.rollback()
            if exc_type is None and self._reads and self.reader is not None:
                from ..adapters.db.access_log import append

                append(
                    self.session, self.reader.who, self.reader.entrypoint, self.now(), self._reads
                )
                self.session.commit()
        finally:
            self._reads = []
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
