"""Use case: preview a plan without storing anything — a protocol (built-in, the clinic's
own, or given as TOML text), zones and measurements -> the plan as JSON, SVG or the
course calendar as iCalendar."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from ..domain.protocol import Protocol


@dataclass(frozen=True)
class PlanRequest:
    zones: Sequence[str]
    measurements: Mapping[str, float] = field(default_factory=dict)
    spacing_cm: float | None = None
    depth_mm: float | None = None
    volume_ml: Mapping[str, float] = field(default_factory=dict)
    budget_ml: Mapping[str, float] = field(default_factory=dict)
    dose_per_point_ml: Mapping[str, float] = field(default_factory=dict)
    pattern: str = "hex"
    overrides: Sequence[tuple[str, float, str]] = ()
    max_plan_points: int = 200_000
    """The work bound (``Settings.max_plan_points``): set by the entrypoint, never by the
    protocol or the request body."""


def make_plan(protocol: Protocol, request: PlanRequest) -> Any:
    """The domain :class:`Plan` (pure; raises PlanningError on bad input)."""
    from ..domain.plan_model import Override
    from ..domain.planner import plan

    return plan(
        protocol,
        list(request.zones),
        measurements=dict(request.measurements),
        spacing_cm=request.spacing_cm,
        depth_mm=request.depth_mm,
        volume_ml=dict(request.volume_ml) or None,
        budget_ml=dict(request.budget_ml) or None,
        dose_per_point_ml=dict(request.dose_per_point_ml) or None,
        pattern=request.pattern,
        overrides=[Override(f, v, r) for f, v, r in request.overrides],
        max_plan_points=request.max_plan_points,
    )


def plan_json(protocol: Protocol, request: PlanRequest) -> dict[str, Any]:
    from ..adapters.plan_output import plan_to_dict

    return plan_to_dict(make_plan(protocol, request))


def plan_svg(protocol: Protocol, request: PlanRequest) -> str:
    from ..adapters.svg import plan_to_svg

    return plan_to_svg(make_plan(protocol, request))


def plan_ics(
    protocol: Protocol,
    start: date,
    at: time,
    timezone: str,
    zones: Sequence[str],
    stamp: datetime,
) -> str:
    """The course calendar of ``protocol`` from ``start`` as iCalendar text."""
    from ..adapters.ical import course_ics
    from ..domain.scheduling import schedule_course

    schedule = schedule_course(protocol, start, at=at, zone=timezone)
    return course_ics(schedule, zones=list(zones) or None, stamp=stamp)
