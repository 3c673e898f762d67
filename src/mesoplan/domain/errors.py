"""Domain errors: every user mistake becomes one of these, with a clear message."""

from __future__ import annotations

from dataclasses import dataclass


class MesoplanError(Exception):
    """Base class of every error mesoplan raises for bad input."""


@dataclass(frozen=True)
class Issue:
    """One problem found in an input: where it is and what would be valid."""

    field: str
    message: str
    file: str | None = None
    line: int | None = None

    def location(self) -> str:
        where = self.file or "<protocol>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return where

    def __str__(self) -> str:
        field = f" {self.field}:" if self.field else ""
        return f"{self.location()}:{field} {self.message}"


class ProtocolError(MesoplanError):
    """A protocol file or model is invalid. Holds every issue found, not only the first."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = list(issues)
        super().__init__("\n".join(str(i) for i in self.issues))


class PlanningError(MesoplanError):
    """A plan request cannot be honoured (unknown zone, value outside a protocol's range...)."""


class ScheduleError(MesoplanError):
    """A course calendar request is invalid (bad date, unknown time zone, ...)."""


class SafetyError(MesoplanError):
    """A safety screening input is invalid, or a hard stop was not overridden."""


class HardStop(SafetyError):
    """Hard stops not overridden; ``keys`` are what an override names (``rule`` or
    ``rule:subject``), so a form can ask for a reason for each."""

    def __init__(self, message: str, keys: tuple[str, ...]) -> None:
        super().__init__(message)
        self.keys = keys


class ChartingError(MesoplanError):
    """A session chart is invalid (unknown point id, a mix that misses an ingredient, ...)."""


class SignedRecordError(ChartingError):
    """A signed session record was asked to change, or to be signed again."""


class ReactionError(MesoplanError):
    """A reaction record is invalid (unknown kind, onset before the session, ...)."""


class OutcomeError(MesoplanError):
    """An outcome measurement is invalid (unknown kind, value outside its scale, ...)."""
