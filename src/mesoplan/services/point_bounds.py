"""Where a charted point may lie: a moved or added point inside its zone's outline (as
planned for this patient) or within one spacing of it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..domain.bounds import COORD_ABS_MAX_CM, FieldError, check_point_position
from ..domain.charting_points import PointChange, PointStatus, zone_of


def zone_outlines(plan_json: str) -> dict[str, tuple[list[list[float]], float]]:
    """Zone id -> (outline in cm, spacing in cm) from a course's plan document."""
    plan: dict[str, Any] = json.loads(plan_json)
    out: dict[str, tuple[list[list[float]], float]] = {}
    for z in plan.get("zones", []):
        outline, spacing = z.get("outline_cm"), z.get("spacing_cm")
        if outline and spacing:
            out[str(z.get("zone"))] = (outline, float(spacing))
    return out


def check_positions(plan_json: str, changes: Sequence[PointChange], field: str = "changes") -> None:
    """A :class:`~mesoplan.domain.bounds.FieldError` (``changes/3``) for the first moved or
    added point that lies too far from its zone."""
    moved = [
        (i, c)
        for i, c in enumerate(changes)
        if c.status in (PointStatus.MOVED, PointStatus.ADDED)
        and c.x_cm is not None
        and c.y_cm is not None
    ]
    if not moved:
        return
    zones = zone_outlines(plan_json)
    for i, c in moved:
        zone = zone_of(c.point_id) if ":" in c.point_id else c.point_id
        assert c.x_cm is not None and c.y_cm is not None
        if zone in zones:
            outline, spacing = zones[zone]
            check_point_position(outline, spacing, c.x_cm, c.y_cm, f"{field}/{i}")
        elif max(abs(c.x_cm), abs(c.y_cm)) > COORD_ABS_MAX_CM:
            raise FieldError(
                f"{field}/{i}",
                f"({c.x_cm:g}, {c.y_cm:g}) cm is off the chart; valid: within "
                f"{COORD_ABS_MAX_CM:g} cm of the zone's origin",
            )
