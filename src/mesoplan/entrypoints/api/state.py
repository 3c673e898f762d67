"""What the app holds between requests: the engine, the session factory, the clock and
the settings; it makes the units of work the routes hand to the use cases."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from ...services.login_throttle import LoginThrottle
from ...services.scoped import ClinicUnitOfWork, Precondition
from ...services.unit_of_work import Reader, UnitOfWork, utc_now
from .auth_cache import AuthCache
from .settings import ApiSettings

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from ...config import Settings
    from ...services.accounts import Principal


@dataclass
class AppState:
    settings: Settings
    api: ApiSettings
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Callable[[], datetime] = utc_now
    auth_cache: AuthCache = field(default_factory=lambda: AuthCache(0))
    login_throttle: LoginThrottle = field(init=False)

    def __post_init__(self) -> None:
        self.login_throttle = LoginThrottle(self.api.login, lambda: self.clock())

    @property
    def inline_reads(self) -> bool:
        """Single-record reads run on the event loop (SQLite: no network wait)."""
        return bool(self.engine.dialect.name == "sqlite")

    def plain(self) -> UnitOfWork:
        """Not scoped to a clinic: only to find who calls."""
        return UnitOfWork(self.sessions, self.clock)

    def read(self, who: Principal, entrypoint: str = "api") -> ClinicUnitOfWork:
        """A read in the caller's clinic; the records it reads go to the access log."""
        reader = Reader(f"{who.username} ({who.role})", entrypoint)
        return ClinicUnitOfWork(self.sessions, who.clinic_id, None, self.clock, reader=reader)

    def write(
        self,
        who: Principal,
        action: str,
        precondition: Precondition | None = None,
        entrypoint: str = "api",
    ) -> ClinicUnitOfWork:
        label = f"{who.username} ({who.role})"
        return self.write_for(who.clinic_id, label, action, precondition, entrypoint)

    def write_for(
        self,
        clinic_id: int,
        label: str,
        action: str,
        precondition: Precondition | None = None,
        entrypoint: str = "api",
    ) -> ClinicUnitOfWork:
        """A write in clinic ``clinic_id``, audited as ``label`` doing ``action``."""
        from ...adapters.db.audit import Actor

        actor = Actor(label, action)
        reader = Reader(label, entrypoint)
        return ClinicUnitOfWork(
            self.sessions, clinic_id, actor, self.clock, precondition, reader=reader
        )
