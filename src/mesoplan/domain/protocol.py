"""The protocol model: what a mesotherapy protocol fixes, validated, with units in names.

A protocol is data: frozen stdlib dataclasses that check their fields and cross-field
rules when built (see :mod:`.checked`), so using a protocol loads no validation library.
Parsing text into a model (pydantic, with file and line in errors) lives in
``protocol_text``. Nothing here reads files or the clock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, ClassVar, Literal

from annotated_types import Ge, Gt, Le, MaxLen, MinLen, Predicate

from .checked import OMIT_UNSET, Checked, FieldError
from .clinic_calendar import add_months

ZONE_GROUPS: tuple[str, ...] = (
    "thighs",
    "hips",
    "stomach",
    "buttocks",
    "arms",
    "face",
    "submental",
    "neck",
    "decollete",
    "scalp",
)
"""The zone groups an area rule may name (the key between protocols and the zone catalogue)."""

FORMAT_VERSIONS: tuple[int, ...] = (1, 2)
"""Protocol file formats: 1 splits a rule's ``volume_ml`` evenly over its points (read for
stored courses and converted on load); 2 gives each point ``dose_per_point_ml`` and bounds
the points by ``budget_ml``."""

CURRENT_FORMAT = 2

DOSE_FLOOR_ML = 0.001
"""The smallest dose per point a protocol may give (1 microlitre)."""

MAX_VOLUME_ML = 100.0
MAX_SESSIONS = 100
MAX_FOLLOW_UP_DAYS = 3650
MOST_SESSIONS = MAX_SESSIONS
"""The most ``max_sessions`` may say: a larger number is a typing mistake."""
MOST_SESSION_VOLUME_ML = MAX_VOLUME_ML
"""The most ``max_session_volume_ml`` may say."""

SOURCE_MARKERS: tuple[str, ...] = ("derived", "default")
"""Besides a source id, a number may be marked ``derived`` (arithmetic on sourced numbers)
or ``default`` (a choice where the sources are silent; its ``note`` says why)."""


class Route(StrEnum):
    INTRADERMAL = "intradermal"
    SUBCUTANEOUS = "subcutaneous"


class Diffusion(StrEnum):
    SLOW = "slow"
    NORMAL = "normal"
    FAST = "fast"


_IDENTIFIER = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_VERSION = re.compile(r"^\d+(\.\d+){0,2}$")


def _identifier(value: str) -> bool:
    """must match ^[a-z0-9][a-z0-9_.-]*$ (lower-case letters, digits, '-', '_', '.')"""
    return _IDENTIFIER.fullmatch(value) is not None


def _version(value: str) -> bool:
    """version must look like 1, 1.2 or 1.2.3"""
    return _VERSION.fullmatch(value) is not None


def _zone_group(value: str) -> bool:
    return value in ZONE_GROUPS


_zone_group.__doc__ = "unknown zone group; valid groups: " + ", ".join(ZONE_GROUPS)


NonEmpty = Annotated[str, MinLen(1)]
Identifier = Annotated[str, MaxLen(64), Predicate(_identifier)]
Version = Annotated[str, Predicate(_version)]
ZoneGroup = Annotated[str, Predicate(_zone_group)]
PositiveInt = Annotated[int, Gt(0)]
PositiveFloat = Annotated[float, Gt(0)]


@dataclass(frozen=True, kw_only=True)
class Source(Checked):
    """A citation that numbers of the protocol refer to by ``id``."""

    id: Identifier
    citation: NonEmpty
    url: str | None = None
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class Sourced(Checked):
    """Mixin: where a number comes from."""

    source: NonEmpty
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class Range(Sourced):
    """A range of a quantity; the unit is in the name of the field that holds it. Each
    kind of quantity has plausible bounds (``lowest`` to ``highest``, in ``unit``)."""

    min: float
    default: float
    max: float

    lowest: ClassVar[float] = 0.0
    highest: ClassVar[float] = math.inf
    unit: ClassVar[str] = ""
    quantity: ClassVar[str] = "value"

    def _check(self) -> None:
        for name in ("min", "default", "max"):
            value = getattr(self, name)
            if not math.isfinite(value):
                raise FieldError(name, f"must be a finite number, got {value}")
        if not self.min <= self.default <= self.max:
            raise ValueError(
                f"range must satisfy min <= default <= max, got min={self.min}, "
                f"default={self.default}, max={self.max}"
            )
        if self.min <= 0:
            raise ValueError(f"min must be greater than 0, got {self.min}")
        if self.min < self.lowest:
            raise FieldError(
                "min",
                f"a {self.quantity} below {self.lowest:g} {self.unit} is not plausible, "
                f"got {self.min:g}; valid: {self.lowest:g} to {self.highest:g} {self.unit}",
            )
        if self.max > self.highest:
            raise FieldError(
                "max",
                f"a {self.quantity} above {self.highest:g} {self.unit} is not plausible, "
                f"got {self.max:g}; valid: {self.lowest:g} to {self.highest:g} {self.unit}",
            )

    def contains(self, value: float) -> bool:
        return self.min - 1e-12 <= value <= self.max + 1e-12


DOSE_LIMIT_FIELDS = (
    "max_mg_per_session",
    "max_mg_per_kg_per_session",
    "max_dose_source",
    "max_dose_note",
)


@dataclass(frozen=True, kw_only=True)
class SpacingRange(Range):
    lowest: ClassVar[float] = 0.05
    highest: ClassVar[float] = 10.0
    unit: ClassVar[str] = "cm"
    quantity: ClassVar[str] = "spacing"


@dataclass(frozen=True, kw_only=True)
class DepthRange(Range):
    lowest: ClassVar[float] = 0.1
    highest: ClassVar[float] = 30.0
    unit: ClassVar[str] = "mm"
    quantity: ClassVar[str] = "depth"


@dataclass(frozen=True, kw_only=True)
class VolumeRange(Range):
    highest: ClassVar[float] = MAX_VOLUME_ML
    unit: ClassVar[str] = "mL"
    quantity: ClassVar[str] = "volume"


@dataclass(frozen=True, kw_only=True)
class DoseRange(Range):
    lowest: ClassVar[float] = DOSE_FLOOR_ML
    highest: ClassVar[float] = MAX_VOLUME_ML
    unit: ClassVar[str] = "mL"
    quantity: ClassVar[str] = "dose per point"


@dataclass(frozen=True, kw_only=True)
class DoseLimit(Checked):
    """Mixin: the most of a substance one session may give, in mg and in mg per kg of
    body weight (then the patient's weight is needed), with the source of the maximum."""

    max_mg_per_session: PositiveFloat | None = None
    max_mg_per_kg_per_session: PositiveFloat | None = None
    max_dose_source: str | None = None
    max_dose_note: str | None = None

    _added_fields: ClassVar[frozenset[str]] = frozenset(DOSE_LIMIT_FIELDS)

    @property
    def has_maximum(self) -> bool:
        return self.max_mg_per_session is not None or self.max_mg_per_kg_per_session is not None

    def _check(self) -> None:
        if self.has_maximum and not (self.max_dose_source or "").strip():
            raise FieldError(
                "max_dose_source",
                "a maximum dose needs max_dose_source: the source id it comes from",
            )
        if not self.has_maximum and self.max_dose_source is not None:
            raise FieldError(
                "max_dose_source",
                "max_dose_source is given but there is no max_mg_per_session or "
                "max_mg_per_kg_per_session",
            )


@dataclass(frozen=True, kw_only=True)
class Ingredient(DoseLimit):
    """An agent of the mix. ``concentration_mg_per_ml`` is mg per mL of the mix as
    injected (the plan's mg per ingredient come from it)."""

    name: NonEmpty
    role: Literal["active", "vehicle", "anaesthetic", "adjuvant"] = "active"
    agent_class: str | None = None  # pharmacological class, e.g. xanthine, vitamins
    amount: str | None = None  # amount or concentration as given
    atc_code: str | None = None
    diffusion: Diffusion = Diffusion.NORMAL
    excipients: tuple[str, ...] = ()
    allergens: tuple[str, ...] = ()
    contraindications: tuple[str, ...] = ()
    concentration_mg_per_ml: PositiveFloat | None = None
    source: NonEmpty
    note: str | None = None

    _added_fields: ClassVar[frozenset[str]] = frozenset(
        {*DOSE_LIMIT_FIELDS, "concentration_mg_per_ml"}
    )


@dataclass(frozen=True, kw_only=True)
class PointCap(Sourced):
    """At most ``max_points`` injections per session, over the rule or one of its groups."""

    group: str | None = None
    max_points: PositiveInt


RULE_VOLUME_FIELDS: dict[int, tuple[str, ...]] = {
    1: ("volume_ml",),
    2: ("dose_per_point_ml", "budget_ml"),
}
"""The volume fields an area rule has in each format."""


@dataclass(frozen=True, kw_only=True)
class AreaRule(Checked):
    """How one or more zone groups are injected. The budget (or, in format 1, the volume)
    and the caps are shared by all zones of the rule's groups in one session.

    Format 2: every point gets a dose from ``dose_per_point_ml``, and the rule gives at
    most ``budget_ml`` in a session, so it has at most floor(budget / dose) points.
    Format 1: ``volume_ml`` is split evenly over the points (kept for stored courses).
    """

    groups: Annotated[tuple[ZoneGroup, ...], MinLen(1)]
    route: Route
    spacing_cm: SpacingRange
    depth_mm: DepthRange
    # format 1 has volume_ml, format 2 the other two: each is left out of the canonical
    # content while unset, so a format 1 protocol keeps its hash
    volume_ml: VolumeRange | None = field(default=None, metadata=OMIT_UNSET)
    dose_per_point_ml: DoseRange | None = field(default=None, metadata=OMIT_UNSET)
    budget_ml: VolumeRange | None = field(default=None, metadata=OMIT_UNSET)
    point_caps: tuple[PointCap, ...] = ()
    slow_diffusing_depth: Literal["deep_end", "default"] = "deep_end"

    @property
    def format_version(self) -> int:
        return 1 if self.volume_ml is not None else 2

    @property
    def dose(self) -> DoseRange:
        """The dose per point (format 2 only)."""
        assert self.dose_per_point_ml is not None, "a format-1 rule has no dose per point"
        return self.dose_per_point_ml

    @property
    def budget(self) -> VolumeRange:
        """The most the rule gives in a session: the budget, or a format-1 rule's volume."""
        out = self.budget_ml if self.budget_ml is not None else self.volume_ml
        assert out is not None
        return out

    def volume_problems(self, format_version: int) -> list[tuple[str, str]]:
        """(field, message) for each volume field that the format needs and the rule lacks,
        or that the format does not have."""
        want = RULE_VOLUME_FIELDS.get(format_version, ())
        out: list[tuple[str, str]] = []
        for name in ("volume_ml", "dose_per_point_ml", "budget_ml"):
            given = getattr(self, name) is not None
            if name in want and not given:
                out.append((name, f"required field is missing (format_version {format_version})"))
            elif given and name not in want:
                out.append((name, format_field_message(name, format_version)))
        return out

    def _check(self) -> None:
        unknown = [g for g in self.groups if g not in ZONE_GROUPS]
        if unknown:
            raise FieldError(
                "groups",
                f"unknown zone group {', '.join(map(repr, unknown))}; "
                f"valid groups: {', '.join(ZONE_GROUPS)}",
            )
        if len(set(self.groups)) != len(self.groups):
            raise FieldError("groups", "a zone group is named twice in groups")
        for cap in self.point_caps:
            if cap.group is not None and cap.group not in self.groups:
                raise ValueError(
                    f"point cap names group {cap.group!r}, which is not one of this rule's "
                    f"groups ({', '.join(self.groups)})"
                )

    def max_points_for(self, group: str | None) -> int | None:
        caps = [c.max_points for c in self.point_caps if c.group == group]
        return min(caps) if caps else None


def format_field_message(name: str, format_version: int) -> str:
    if name == "volume_ml":
        return (
            f"volume_ml is a format 1 field; format_version {format_version} gives "
            "dose_per_point_ml and budget_ml (mesoplan protocols upgrade FILE converts a file)"
        )
    return f"{name} is a format 2 field; this file has format_version {format_version}"


@dataclass(frozen=True, kw_only=True)
class Phase(Sourced):
    """A run of sessions at a fixed interval (days, or calendar months), never closer
    together than its minimum interval: ``min_interval_days`` or ``min_interval_months``
    (calendar months, clamped to the month's end). ``min_days_between`` is the version 1
    name of ``min_interval_days``; it loads as written, so stored content keeps its hash."""

    name: Identifier
    sessions: Annotated[int, Gt(0), Le(MAX_SESSIONS)] | None = None
    duration_months: PositiveInt | None = None
    duration_days: PositiveInt | None = None
    interval_days: PositiveInt | None = None
    interval_months: PositiveInt | None = None
    min_interval_days: PositiveInt | None = None
    min_interval_months: PositiveInt | None = None
    min_days_between: Annotated[int, Ge(0)] | None = None

    _added_fields: ClassVar[frozenset[str]] = frozenset(
        {"min_interval_days", "min_interval_months", "min_days_between"}
    )

    def _check(self) -> None:
        lengths = [self.sessions, self.duration_months, self.duration_days]
        if sum(v is not None for v in lengths) != 1:
            raise ValueError("give exactly one of sessions, duration_months or duration_days")
        if (self.interval_days is None) == (self.interval_months is None):
            raise ValueError("give exactly one of interval_days or interval_months")
        minima = (self.min_interval_days, self.min_interval_months, self.min_days_between)
        if sum(v is not None for v in minima) != 1:
            raise ValueError(
                "give exactly one of min_interval_days or min_interval_months "
                "(min_days_between, the version 1 name, counts as min_interval_days)"
            )
        if not self._min_fits_interval():
            raise ValueError(
                f"the minimum interval ({self.min_interval_text()}) can be longer than the "
                f"interval ({self.interval_text()})"
            )

    @property
    def min_days(self) -> int | None:
        """The minimum interval in days (``min_interval_days`` or ``min_days_between``),
        or None when it is in months."""
        if self.min_interval_days is not None:
            return self.min_interval_days
        return self.min_days_between

    def earliest_after(self, previous: dt.date) -> dt.date:
        """The first date a session of this phase may be held on after one on
        ``previous`` (always at least the next day)."""
        if self.min_interval_months is not None:
            return add_months(previous, self.min_interval_months)
        return previous + dt.timedelta(days=max(1, self.min_days or 0))

    def min_interval_text(self) -> str:
        if self.min_interval_months is not None:
            n = self.min_interval_months
            return f"{n} calendar month{'s' if n != 1 else ''}"
        return f"{self.min_days} days"

    def interval_text(self) -> str:
        if self.interval_months is not None:
            n = self.interval_months
            return f"{n} calendar month{'s' if n != 1 else ''}"
        return f"{self.interval_days} days"

    def _min_fits_interval(self) -> bool:
        """The minimum is never longer than the interval, whatever the start date: a
        calendar month is 28 to 31 days long (``n`` months at least ``28 n`` days, ``m``
        months at most ``31 m``)."""
        m, n = self.min_interval_months, self.interval_months
        if m is not None and n is not None:
            return m <= n
        longest = 31 * m if m is not None else (self.min_days or 0)
        shortest = 28 * n if n is not None else (self.interval_days or 0)
        return longest <= shortest

    def nominal_interval_days(self) -> int:
        if self.interval_days is not None:
            return self.interval_days
        assert self.interval_months is not None
        return 28 * self.interval_months


def _most_sessions(phase: Phase) -> int:
    """The most sessions a phase can hold (a month counted as 31 days)."""
    if phase.sessions is not None:
        return phase.sessions
    days = (
        phase.duration_days
        if phase.duration_days is not None
        else 31 * (phase.duration_months or 0)
    )
    step = (
        phase.interval_days
        if phase.interval_days is not None
        else 28 * (phase.interval_months or 1)
    )
    return days // max(step, 1) + 1


@dataclass(frozen=True, kw_only=True)
class ReactionCondition(Checked):
    """When an allowance applies: the session's mix holds one of these ingredients."""

    mix_contains: Annotated[tuple[str, ...], MinLen(1)]

    def describe(self) -> str:
        return "mix contains " + " or ".join(self.mix_contains)


@dataclass(frozen=True, kw_only=True)
class ExpectedReaction(Sourced):
    kind: Literal[
        "redness",
        "oedema",
        "bleeding",
        "bruising",
        "papules",
        "pain",
        "itching",
        "burning",
        "haematoma",
    ]
    usual_duration_min: PositiveFloat
    max_duration_min: PositiveFloat
    condition: ReactionCondition | None = None

    def _check(self) -> None:
        if self.usual_duration_min > self.max_duration_min:
            raise ValueError(
                f"usual_duration_min ({self.usual_duration_min}) exceeds "
                f"max_duration_min ({self.max_duration_min})"
            )


@dataclass(frozen=True, kw_only=True)
class ExpectedOutcome(Sourced):
    description: NonEmpty
    measure: NonEmpty  # measurement kind, e.g. thigh_circumference_cm
    direction: Literal["decrease", "increase", "improve"]


@dataclass(frozen=True, kw_only=True)
class PatientInformation(Checked):
    for_whom: NonEmpty
    what_to_expect: NonEmpty
    limits: tuple[str, ...] = ()
    maintenance: str | None = None
    source: NonEmpty


@dataclass(frozen=True, kw_only=True)
class AnaestheticContent(DoseLimit):
    """A substance of the topical anaesthetic, in mg per g of the preparation (EMLA
    cream: lidocaine 25 mg/g and prilocaine 25 mg/g). Charting adds it to the same
    substance drawn into the mix."""

    name: NonEmpty
    mg_per_g: PositiveFloat
    source: NonEmpty
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class PreTreatment(Sourced):
    topical_anaesthetic: NonEmpty
    required: bool = False
    contents: tuple[AnaestheticContent, ...] | None = None

    _added_fields: ClassVar[frozenset[str]] = frozenset({"contents"})


@dataclass(frozen=True, kw_only=True)
class Protocol(Checked):
    """A validated, versioned mesotherapy protocol."""

    format_version: Literal[1, 2] = 1
    id: Identifier
    version: Version
    title: NonEmpty
    indication: NonEmpty
    summary: str | None = None
    disclaimer: str | None = None
    sources: Annotated[tuple[Source, ...], MinLen(1)]
    ingredients: Annotated[tuple[Ingredient, ...], MinLen(1)]
    area_rules: Annotated[tuple[AreaRule, ...], MinLen(1)]
    phases: Annotated[tuple[Phase, ...], MinLen(1)]
    expected_reactions: tuple[ExpectedReaction, ...] = ()
    expected_outcomes: tuple[ExpectedOutcome, ...] = ()
    patient_information: PatientInformation
    pretreatment: PreTreatment | None = None
    combinable_with: tuple[str, ...] = ()
    # after the last session: at least 84 days, at most 10 years
    follow_up_days: Annotated[int, Ge(84), Le(MAX_FOLLOW_UP_DAYS)] = 84
    max_sessions: Annotated[int, Gt(0), Le(MOST_SESSIONS)] | None = None
    max_session_volume_ml: Annotated[float, Gt(0), Le(MOST_SESSION_VOLUME_ML)] | None = None
    limits_source: str | None = None
    limits_note: str | None = None

    _added_fields: ClassVar[frozenset[str]] = frozenset(
        {"max_sessions", "max_session_volume_ml", "limits_source", "limits_note"}
    )

    def _check(self) -> None:
        for i, rule in enumerate(self.area_rules):
            for name, message in rule.volume_problems(self.format_version):
                raise FieldError(("area_rules", i, name), message)
        problems: list[str] = []
        ids = [s.id for s in self.sources]
        if len(set(ids)) != len(ids):
            problems.append("two sources share an id")
        valid = set(ids) | set(SOURCE_MARKERS)
        for where, src in self._cited():
            if src not in valid:
                name = where if where.endswith("_source") else f"{where}.source"
                problems.append(
                    f"{name} is {src!r}; valid: a source id "
                    f"({', '.join(ids)}) or one of {', '.join(SOURCE_MARKERS)}"
                )
        seen: dict[str, int] = {}
        for i, rule in enumerate(self.area_rules):
            for g in rule.groups:
                if g in seen:
                    problems.append(
                        f"zone group {g!r} is in area_rules[{seen[g]}] and area_rules[{i}]"
                    )
                seen[g] = i
        names = [p.name for p in self.phases]
        if len(set(names)) != len(names):
            problems.append("two phases share a name")
        sessions = sum(_most_sessions(p) for p in self.phases)
        if sessions > MAX_SESSIONS:
            problems.append(
                f"the phases hold up to {sessions} sessions; a course has at most {MAX_SESSIONS}"
            )
        limited = self.max_sessions is not None or self.max_session_volume_ml is not None
        if limited != (self.limits_source is not None):
            problems.append(
                "limits_source cites the source of max_sessions and max_session_volume_ml: "
                "give it with them, and only with them"
            )
        if problems:
            raise ValueError("; ".join(problems))

    def _cited(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for i, ing in enumerate(self.ingredients):
            out.append((f"ingredients[{i}]", ing.source))
            if ing.max_dose_source is not None:
                out.append((f"ingredients[{i}].max_dose_source", ing.max_dose_source))
        for i, rule in enumerate(self.area_rules):
            for name in ("spacing_cm", "depth_mm", *RULE_VOLUME_FIELDS[self.format_version]):
                out.append((f"area_rules[{i}].{name}", getattr(rule, name).source))
            for j, cap in enumerate(rule.point_caps):
                out.append((f"area_rules[{i}].point_caps[{j}]", cap.source))
        for i, ph in enumerate(self.phases):
            out.append((f"phases[{i}]", ph.source))
        for i, r in enumerate(self.expected_reactions):
            out.append((f"expected_reactions[{i}]", r.source))
        for i, o in enumerate(self.expected_outcomes):
            out.append((f"expected_outcomes[{i}]", o.source))
        out.append(("patient_information", self.patient_information.source))
        if self.pretreatment is not None:
            out.append(("pretreatment", self.pretreatment.source))
            for i, c in enumerate(self.pretreatment.contents or ()):
                out.append((f"pretreatment.contents[{i}]", c.source))
                if c.max_dose_source is not None:
                    out.append((f"pretreatment.contents[{i}].max_dose_source", c.max_dose_source))
        if self.limits_source is not None:
            out.append(("limits_source", self.limits_source))
        return out

    # -- queries -----------------------------------------------------------------
    @property
    def groups(self) -> tuple[str, ...]:
        return tuple(g for rule in self.area_rules for g in rule.groups)

    def rule_for_group(self, group: str) -> AreaRule | None:
        for rule in self.area_rules:
            if group in rule.groups:
                return rule
        return None

    def has_slow_diffusing(self) -> bool:
        return any(i.diffusion is Diffusion.SLOW for i in self.ingredients)

    def ingredient_names(self) -> tuple[str, ...]:
        return tuple(i.name for i in self.ingredients)

    def canonical_json(self) -> str:
        """The validated content in a canonical form: sorted keys, no whitespace."""
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    @property
    def content_hash(self) -> str:
        """SHA-256 of :meth:`canonical_json`; comments and layout do not change it."""
        return "sha256:" + hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"
