"""The plan the planner returns: per-zone injection maps, rule totals, warnings, overrides.

Plain frozen values; the points themselves stay columnar in each zone's
:class:`~mesoplan.domain.mapping.InjectionMap`. Rendering (JSON, CSV, SVG, text) lives in
the adapters.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

from .anatomy import Exclusion, Zone
from .mapping import InjectionMap
from .shapes import Shape


class PlanWarning(NamedTuple):
    """Something the practitioner should know; ``code`` is stable, ``message`` is prose."""

    code: str
    message: str


class Override(NamedTuple):
    """An explicit choice outside the protocol's range, with the reason, kept in the plan.

    ``field``: ``spacing_cm``, ``depth_mm``, or per group (the rule that covers that
    group): ``dose_per_point_ml.<group>`` and ``budget_ml.<group>`` (format 2 protocols),
    ``volume_ml.<group>`` (format 1), e.g. ``budget_ml.thighs``.
    """

    field: str
    value: float
    reason: str


@dataclass(frozen=True)
class NeedleInsertion:
    """The needle as used: inserted length and angle to the skin surface."""

    length_mm: float
    angle_deg: float

    def __post_init__(self) -> None:
        from .errors import PlanningError

        if not self.length_mm > 0:
            raise PlanningError(f"needle length must be greater than 0 mm, got {self.length_mm:g}")
        if not 0 < self.angle_deg <= 90:
            raise PlanningError(
                f"needle angle must be more than 0 and at most 90 degrees, got {self.angle_deg:g}"
            )

    @property
    def depth_reached_mm(self) -> float:
        """sin(angle) x inserted length (clinical-notes §3)."""
        return math.sin(math.radians(self.angle_deg)) * self.length_mm


@dataclass(frozen=True)
class Patch:
    """A treatment patch: points of ``zone`` (every zone when ``None``) go inside it."""

    shape: Shape
    zone: str | None = None


@dataclass(frozen=True, eq=False)
class ZonePlan:
    """One zone's map and the choices it was made with."""

    zone: Zone
    rule_index: int
    route: str
    spacing_cm: float
    pattern: str
    depth_mm: float
    layer: str
    exclusions: tuple[Exclusion, ...]
    patch: Shape | None
    lattice_count: int
    points: InjectionMap
    dose_per_point_ml: float | None = None
    """Every point's dose (format 2); ``None`` for a format 1 even split."""

    @property
    def point_count(self) -> int:
        return len(self.points)

    @property
    def volume_ml(self) -> float:
        return self.points.total_volume_ml


class CapUse(NamedTuple):
    """A point cap of a rule and how many points it allowed."""

    group: str | None
    max_points: int
    lattice_count: int
    point_count: int


class RulePlan(NamedTuple):
    """Totals for one area rule across all its zones in the plan."""

    rule_index: int
    groups: tuple[str, ...]
    route: str
    zones: tuple[str, ...]
    spacing_cm: float
    depth_mm: float
    volume_ml: float
    max_volume_ml: float
    max_points: int | None
    point_count: int
    caps: tuple[CapUse, ...]
    dose_per_point_ml: float | None = None
    """Every point's dose (format 2); ``None`` for a format 1 even split."""
    budget_ml: float | None = None
    """The budget chosen for the session (format 2)."""
    budget_points: int | None = None
    """floor(budget / dose): the most points the budget allows."""
    left_out_by_budget: int = 0
    """Points the lattice and the caps allowed that the budget left out."""
    ingredient_mg: tuple[tuple[str, float], ...] = ()
    """mg of each ingredient in the rule's volume, for ingredients with a concentration."""


class ReactionLimit(NamedTuple):
    """An expected reaction and how long it may last (from the protocol)."""

    kind: str
    max_duration_min: float
    condition: str | None


@dataclass(frozen=True, eq=False)
class Plan:
    """An injection plan for one session of a protocol over some zones."""

    protocol_id: str
    protocol_version: str
    protocol_hash: str
    protocol_title: str
    pattern: str
    measurements: tuple[tuple[str, float], ...]
    zones: tuple[ZonePlan, ...]
    rules: tuple[RulePlan, ...]
    expected_reactions: tuple[ReactionLimit, ...]
    warnings: tuple[PlanWarning, ...]
    overrides: tuple[Override, ...]
    needle: NeedleInsertion | None = None

    @property
    def point_count(self) -> int:
        return sum(z.point_count for z in self.zones)

    @property
    def volume_ml(self) -> float:
        return round(sum(z.volume_ml for z in self.zones), 6)

    def zone(self, zone_id: str) -> ZonePlan:
        for z in self.zones:
            if z.zone.id == zone_id:
                return z
        raise KeyError(zone_id)

    def warning_codes(self) -> list[str]:
        return [w.code for w in self.warnings]
