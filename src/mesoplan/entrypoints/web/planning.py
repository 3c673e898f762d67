"""The new-course form as planner input: a plain query string carries every choice, so
the proposed plan can be reloaded, bookmarked and rebuilt the same way on approval.

Fields: ``protocol``; ``zone`` (repeated); ``m.<measurement>``; ``spacing_cm``;
``vol.<group>`` (the budget of a format 2 protocol, the volume of format 1);
``dose.<group>`` (the dose per point); ``pattern``; ``excl`` (lines ``zone x y radius``,
centimetres);
``remove`` and ``add`` (repeated ``zone:x:y``); ``start`` and ``time``;
``override.<rule>`` (the reason a screening stop is overridden).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any
from urllib.parse import urlencode

from ...domain.errors import PlanningError
from ...domain.protocol import Protocol

REMOVE_RADIUS_CM = 0.05
"""A removed point becomes a tiny exclusion round it (the planner keeps out of it)."""


@dataclass
class PlanForm:
    protocol: str = ""
    zones: list[str] = field(default_factory=list)
    measurements: dict[str, str] = field(default_factory=dict)
    spacing_cm: str = ""
    volumes: dict[str, str] = field(default_factory=dict)
    doses: dict[str, str] = field(default_factory=dict)
    pattern: str = "hex"
    exclusions: str = ""
    remove: list[str] = field(default_factory=list)
    add: list[str] = field(default_factory=list)
    start: str = ""
    time: str = "09:00"
    overrides: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, items: Sequence[tuple[str, str]]) -> PlanForm:
        f = cls()
        one = {k: v.strip() for k, v in items if k in ("add_zone", "add_x", "add_y")}
        if all(one.get(k) for k in ("add_zone", "add_x", "add_y")):
            f.add.append(f"{one['add_zone']}:{one['add_x']}:{one['add_y']}")
        for key, raw in items:
            value = raw.strip()
            if key == "zone" and value:
                f.zones.append(value)
            elif key in ("remove", "add") and value:
                getattr(f, key).append(value)
            elif key.startswith("m.") and value:
                f.measurements[key[2:]] = value
            elif key.startswith("vol.") and value:
                f.volumes[key[4:]] = value
            elif key.startswith("dose.") and value:
                f.doses[key[5:]] = value
            elif key.startswith("override.") and value:
                f.overrides[key[9:]] = value
            elif key in ("protocol", "spacing_cm", "pattern", "start", "time"):
                setattr(f, key, value)
            elif key == "excl":
                f.exclusions = raw
        return f

    def items(self, *, without: str | None = None) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = [("protocol", self.protocol)]
        out += [("zone", z) for z in self.zones]
        out += [(f"m.{k}", v) for k, v in self.measurements.items()]
        out += [("spacing_cm", self.spacing_cm), ("pattern", self.pattern)]
        out += [(f"vol.{k}", v) for k, v in self.volumes.items()]
        out += [(f"dose.{k}", v) for k, v in self.doses.items()]
        out += [("excl", self.exclusions)] if self.exclusions.strip() else []
        out += [("remove", r) for r in self.remove if r != without]
        out += [("add", a) for a in self.add if a != without]
        out += [("start", self.start), ("time", self.time)]
        out += [(f"override.{k}", v) for k, v in self.overrides.items()]
        return [(k, v) for k, v in out if v != ""]

    def query(self, **extra: str) -> str:
        items = self.items() + [(k, v) for k, v in extra.items()]
        return urlencode(items)

    def toggled(self, key: str, value: str) -> str:
        """The query with ``value`` added to or taken off ``remove``/``add``."""
        if value in getattr(self, key):
            return urlencode(self.items(without=value))
        return urlencode([*self.items(), (key, value)])


def _float(text: str, what: str) -> float:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise PlanningError(f"{what}: {text!r} is not a number") from None
    if not math.isfinite(value):
        raise PlanningError(f"{what}: {text!r} is not a finite number")
    return value


def _xy(text: str, what: str) -> tuple[str, float, float]:
    parts = text.rsplit(":", 2)
    if len(parts) != 3:
        raise PlanningError(f"{what} {text!r}: expected zone:x:y (centimetres)")
    return parts[0], _float(parts[1], what), _float(parts[2], what)


def _exclusions(f: PlanForm) -> list[Any]:
    from ...domain.anatomy import Exclusion
    from ...domain.shapes import Ellipse

    out = []
    for n, line in enumerate(f.exclusions.splitlines(), start=1):
        cells = line.split("#", 1)[0].split()
        if not cells:
            continue
        if len(cells) != 4:
            raise PlanningError(
                f"exclusions, line {n}: expected 'zone x_cm y_cm radius_cm', got {line.strip()!r}"
            )
        x, y, r = (_float(c, f"exclusions, line {n}") for c in cells[1:])
        out.append(Exclusion(Ellipse.circle(x, y, r), name=f"exclusion {n}", zone=cells[0]))
    for removed in f.remove:
        zone, x, y = _xy(removed, "removed point")
        out.append(
            Exclusion(
                Ellipse.circle(x, y, REMOVE_RADIUS_CM),
                name="removed point",
                margin_cm=REMOVE_RADIUS_CM,
                zone=zone,
            )
        )
    return out


def build_plan(f: PlanForm, protocol: Protocol, max_plan_points: int) -> dict[str, Any]:
    """Plan with the planner, then add the hand-placed points; the plan's JSON document.
    ``max_plan_points`` is the work bound (``Settings.max_plan_points``)."""
    from ...adapters.plan_output import plan_to_dict
    from ...domain.plan_edits import AddedPoint, add_points
    from ...domain.planner import plan

    measurements = {k: _float(v, k) for k, v in f.measurements.items()}
    volumes = {k: _float(v, f"volume for {k}") for k, v in f.volumes.items()}
    doses = {k: _float(v, f"dose per point for {k}") for k, v in f.doses.items()}
    v1 = protocol.format_version == 1
    result = plan(
        protocol,
        f.zones,
        measurements=measurements,
        spacing_cm=_float(f.spacing_cm, "spacing") if f.spacing_cm else None,
        volume_ml=volumes if v1 else None,
        budget_ml=None if v1 else volumes,
        dose_per_point_ml=doses,
        pattern=f.pattern or "hex",
        exclusions=_exclusions(f),
        max_plan_points=max_plan_points,
    )
    added = [AddedPoint(*_xy(a, "added point")) for a in f.add]
    return add_points(plan_to_dict(result), protocol, added)


def start_of(f: PlanForm, today: date) -> tuple[date, time]:
    try:
        start = date.fromisoformat(f.start) if f.start else today
        at = time.fromisoformat(f.time) if f.time else time(9, 0)
    except ValueError:
        raise PlanningError(
            f"course start {f.start!r} {f.time!r}: give a date YYYY-MM-DD and a time HH:MM"
        ) from None
    return start, at


def rule_bounds(protocol: Protocol, zones: Sequence[str]) -> list[dict[str, Any]]:
    """The spacing and volume ranges of the rules that cover the chosen zones."""
    from ...domain.anatomy import get_zone

    groups = {get_zone(z).group for z in zones}
    out = []
    for rule in protocol.area_rules:
        if groups & set(rule.groups):
            out.append(
                {
                    "groups": rule.groups,
                    "group": next(g for g in rule.groups if g in groups),
                    "spacing": rule.spacing_cm,
                    "volume": rule.budget,
                    "dose": rule.dose_per_point_ml,
                    "depth": rule.depth_mm,
                }
            )
    return out


def measurement_fields(zones: Sequence[str], given: Mapping[str, str]) -> list[dict[str, Any]]:
    from ...domain.anatomy import ZONE_MEASUREMENTS, get_zone

    names: list[str] = []
    for z in zones:
        names += [n for n in get_zone(z).measurements if n not in names]
    return [
        {"name": n, "m": ZONE_MEASUREMENTS[n], "value": given.get(n, "")}
        for n in names
        if n in ZONE_MEASUREMENTS
    ]
