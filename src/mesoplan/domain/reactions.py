"""Reactions after a session, checked against what the protocol expects.

A reaction is flagged when it lasts longer than the protocol's expected maximum for its
kind (an allowance with a condition, such as two weeks of redness when the mix holds
phosphatidylcholine, counts only when the session's mix met it), when the protocol does
not expect that kind at all, when it is severe, and, for a nodule, abscess or discharge
within the follow-up window after the last session, as a possible atypical
mycobacterial infection (clinical-notes §7): the caller then lists every patient who
received a lot or vial of that session's mix. Times are arguments.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from .errors import ReactionError
from .protocol import ExpectedReaction, Protocol


class ReactionSeverity(StrEnum):
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"


EXPECTED_KINDS: tuple[str, ...] = (
    "redness",
    "oedema",
    "bleeding",
    "bruising",
    "papules",
    "pain",
    "itching",
    "burning",
    "haematoma",
)
"""The kinds a protocol may list as expected (mirrors ExpectedReaction.kind)."""

INFECTION_SIGNS: tuple[str, ...] = ("nodule", "abscess", "discharge")
"""Kinds that, within the follow-up window, suggest an atypical mycobacterial infection."""

REACTION_KINDS: tuple[str, ...] = (
    *EXPECTED_KINDS,
    *INFECTION_SIGNS,
    "necrosis",
    "ulceration",
    "panniculitis",
    "hair_loss",
    "hyperpigmentation",
    "allergic_reaction",
    "other",
)
"""Every kind a reaction may have (clinical-notes §1 and §7)."""


@dataclass(frozen=True)
class Reaction:
    """A reaction: ``duration_min`` is None while it is ongoing."""

    kind: str
    zone: str
    onset: datetime
    severity: ReactionSeverity
    duration_min: float | None = None
    resolved: bool = False
    note: str = ""

    def __post_init__(self) -> None:
        kind = str(self.kind).strip().lower().replace(" ", "_").replace("-", "_")
        kind = {"edema": "oedema", "hematoma": "haematoma"}.get(kind, kind)
        if kind not in REACTION_KINDS:
            raise ReactionError(
                f"reaction kind {self.kind!r} is not known; valid: {', '.join(REACTION_KINDS)}"
            )
        object.__setattr__(self, "kind", kind)
        if not isinstance(self.onset, datetime):
            raise ReactionError(f"reaction onset: a date and time is required, got {self.onset!r}")
        if not isinstance(self.zone, str) or not self.zone.strip():
            raise ReactionError("reaction zone: a non-empty zone is required")
        try:
            object.__setattr__(self, "severity", ReactionSeverity(self.severity))
        except ValueError:
            valid = ", ".join(s.value for s in ReactionSeverity)
            raise ReactionError(f"reaction severity {self.severity!r}; valid: {valid}") from None
        if self.duration_min is not None:
            d = float(self.duration_min)
            if not math.isfinite(d) or d < 0:
                raise ReactionError(
                    f"reaction duration_min {self.duration_min!r}; valid: 0 or more"
                )
            object.__setattr__(self, "duration_min", d)
        if self.resolved and self.duration_min is None:
            raise ReactionError("a resolved reaction needs its duration_min")

    @property
    def ongoing(self) -> bool:
        return not self.resolved

    def elapsed_min(self, as_of: datetime | None) -> float | None:
        """The duration, or for an ongoing reaction the time since onset at ``as_of``."""
        if self.duration_min is not None:
            return self.duration_min
        if as_of is None:
            return None
        if (as_of.tzinfo is None) != (self.onset.tzinfo is None):
            raise ReactionError("as_of and onset: both with a time zone, or both without")
        return max(0.0, (as_of - self.onset).total_seconds() / 60.0)


@dataclass(frozen=True)
class ReactionFlag:
    code: str
    message: str


@dataclass(frozen=True)
class ReactionAssessment:
    reaction: Reaction
    expected_max_min: float | None
    flags: tuple[ReactionFlag, ...]

    @property
    def flagged(self) -> bool:
        return bool(self.flags)

    @property
    def possible_infection(self) -> bool:
        """True when the caller should list who else received the session's lots."""
        return any(f.code == "possible_mycobacterial_infection" for f in self.flags)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(f.code for f in self.flags)


def applicable_allowances(
    protocol: Protocol, kind: str, mix_ingredient_names: Iterable[str]
) -> list[ExpectedReaction]:
    """The protocol's expected reactions of this kind whose condition the mix meets."""
    held = {n.casefold() for n in mix_ingredient_names}
    return [
        r
        for r in protocol.expected_reactions
        if r.kind == kind
        and (r.condition is None or any(c.casefold() in held for c in r.condition.mix_contains))
    ]


def assess_reaction(
    protocol: Protocol,
    reaction: Reaction,
    mix_ingredient_names: Iterable[str],
    session_date: date,
    last_session_date: date | None = None,
    *,
    as_of: datetime | None = None,
) -> ReactionAssessment:
    """Flag a reaction against the protocol.

    ``mix_ingredient_names`` are the protocol ingredients the session's mix held.
    ``last_session_date`` (default: ``session_date``) starts the follow-up window of
    ``protocol.follow_up_days``. ``as_of`` lets an ongoing reaction be flagged once it
    has outlasted the expected maximum."""
    names = tuple(mix_ingredient_names)
    session_date = _day(session_date, "session_date")
    last = (
        session_date if last_session_date is None else _day(last_session_date, "last_session_date")
    )
    onset_day = reaction.onset.date()
    if onset_day < session_date:
        raise ReactionError(f"reaction onset {onset_day} is before its session on {session_date}")
    if last < session_date:
        raise ReactionError(f"last session {last} is before this session on {session_date}")
    allowances = applicable_allowances(protocol, reaction.kind, names)
    expected_max = max((r.max_duration_min for r in allowances), default=None)
    flags = [
        *_duration_flags(protocol, reaction, names, allowances, expected_max, as_of),
        *_infection_flags(protocol, reaction, last),
    ]
    if reaction.severity is ReactionSeverity.SEVERE:
        flags.append(ReactionFlag("severe", f"severe {reaction.kind} at {reaction.zone}"))
    return ReactionAssessment(reaction, expected_max, tuple(flags))


def _duration_flags(
    protocol: Protocol,
    reaction: Reaction,
    names: tuple[str, ...],
    allowances: list[ExpectedReaction],
    expected_max: float | None,
    as_of: datetime | None,
) -> list[ReactionFlag]:
    kind = reaction.kind
    if expected_max is None:
        return [ReactionFlag("not_expected", _not_expected_message(protocol, kind, names))]
    elapsed = reaction.elapsed_min(as_of)
    if elapsed is None or elapsed <= expected_max:
        return []
    state = "lasted" if reaction.duration_min is not None else "has lasted (ongoing)"
    message = (
        f"{kind} at {reaction.zone} {state} {_minutes(elapsed)}, longer than protocol "
        f"{protocol.id} expects ({_minutes(expected_max)} at most"
    )
    unmet = [r for r in protocol.expected_reactions if r.kind == kind and r not in allowances]
    longer = [r for r in unmet if r.max_duration_min > expected_max and r.condition is not None]
    if longer:
        cond = longer[0].condition
        assert cond is not None
        message += (
            f"; the {_minutes(longer[0].max_duration_min)} allowance needs: {cond.describe()}"
        )
    return [ReactionFlag("longer_than_expected", message + ")")]


def _not_expected_message(protocol: Protocol, kind: str, names: tuple[str, ...]) -> str:
    conditional = [r for r in protocol.expected_reactions if r.kind == kind]
    if conditional:
        conds = "; ".join(r.condition.describe() for r in conditional if r.condition)
        held = ", ".join(names) or "nothing recorded"
        return f"{kind} is expected in protocol {protocol.id} only when {conds} (mix: {held})"
    expected = ", ".join(sorted({str(r.kind) for r in protocol.expected_reactions})) or "none"
    return f"{kind} is not an expected reaction of protocol {protocol.id} (expected: {expected})"


def _infection_flags(protocol: Protocol, reaction: Reaction, last: date) -> list[ReactionFlag]:
    if reaction.kind not in INFECTION_SIGNS:
        return []
    window_end = last + timedelta(days=protocol.follow_up_days)
    if reaction.onset.date() > window_end:
        return []
    return [
        ReactionFlag(
            "possible_mycobacterial_infection",
            f"{reaction.kind} at {reaction.zone} on {reaction.onset.date()}, within the "
            f"{protocol.follow_up_days}-day follow-up after the last session ({last}): possible "
            "atypical mycobacterial infection; trace every lot and vial of the session's mix",
        )
    ]


def _day(value: date, name: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if not isinstance(value, date):
        raise ReactionError(f"{name}: a date is required, got {value!r}")
    return value


def _minutes(value: float) -> str:
    if value >= 1440 and value % 1440 == 0:
        days = int(value // 1440)
        return f"{int(value)} min ({days} day{'s' if days != 1 else ''})"
    if value >= 60 and value % 60 == 0:
        return f"{int(value)} min ({int(value // 60)} h)"
    return f"{value:g} min"
