"""Format 1 protocols to format 2: the dose per point derived from the whole-area lattice.

A format 1 rule splits its ``volume_ml`` evenly over whatever points fit; format 2 gives
every point a dose and bounds the points by a budget. The dose that a format 1 rule gave
when the whole of its zones was treated is the volume over the whole-area lattice at the
default spacing, capped by the rule's point caps. The range follows the same arithmetic
(the built-in face and hair protocols were derived so, see docs/protocols.md):

- default: ``volume_ml.default`` / points at ``spacing_cm.default``;
- min: ``volume_ml.max`` / points at ``spacing_cm.min`` (the densest lattice, whole area);
- max: ``volume_ml.max`` / points at ``spacing_cm.max`` (the sparsest lattice, whole area);

each rounded down to 0.0001 mL (less per point, never more) and at least the 0.001 mL
floor; min and max are widened to take the default in. The budget is the old volume range.
A group whose lattice could hold more than :data:`EXACT_COUNT_LIMIT` points is not filled:
its area bound is counted instead, which counts more points, so the dose comes out
smaller, never larger (and the work stays bounded whatever spacing a file gives).
"""

from __future__ import annotations

import math
from dataclasses import replace
from functools import cache, lru_cache

from .protocol import (
    CURRENT_FORMAT,
    DOSE_FLOOR_ML,
    AreaRule,
    DoseRange,
    Phase,
    Protocol,
    VolumeRange,
)

EXACT_COUNT_LIMIT = 100_000
"""Above this area bound of a group's lattice, the bound is counted instead of the points."""

DOSE_STEP_ML = 0.0001
"""Derived doses are rounded down to this step."""

CONVERTED_NOTE = (
    "converted from format 1: the volume over the whole-area lattice at the default spacing, "
    "capped by the point caps"
)


def round_down_dose(value_ml: float) -> float:
    """``value_ml`` rounded down to :data:`DOSE_STEP_ML`, at least the 0.001 mL floor."""
    steps = math.floor(value_ml / DOSE_STEP_ML + 1e-9)
    return max(DOSE_FLOOR_ML, round(steps * DOSE_STEP_ML, 4))


@cache
def _whole_zones(group: str) -> tuple[str, ...]:
    """The zones of ``group`` that no other zone of the group (on the same chart) holds:
    together they cover the whole group once (the whole face, not the face and its parts)."""
    from shapely import Polygon

    from .anatomy import get_zone, zones_in_group

    zones = [get_zone(z) for z in zones_in_group(group)]
    shapes = {z.id: Polygon(z.outline_cm) for z in zones}
    out = []
    for z in zones:
        inside_other = any(
            o.id != z.id
            and o.frame.id == z.frame.id
            and shapes[o.id].area > shapes[z.id].area
            and shapes[z.id].difference(shapes[o.id]).area < 1e-6 * shapes[z.id].area
            for o in zones
        )
        if not inside_other:
            out.append(z.id)
    return tuple(out)


DERIVATION_ZONE_VERSION = 1
"""The zone catalogue version whose outlines derive the doses per point (the built-ins'
and those of format 1 files converted on load): the outlines the doses were first derived
on, so that doses do not depend on later outlines (a zone new since then uses its newest)."""


@lru_cache(maxsize=256)  # spacings come from files: a bounded cache
def group_lattice_points(group: str, spacing_cm: float, pattern: str = "hex") -> int:
    """Lattice points over the whole of ``group`` at ``spacing_cm`` (reference size, the
    zones' own exclusions kept out), as the planner fills a zone, on the outlines of
    catalogue version :data:`DERIVATION_ZONE_VERSION`: a derived dose does not move when
    the catalogue draws new outlines. The catalogue's zones and the plausible spacing (at
    least 0.05 cm) bound the work."""
    from .anatomy import get_zone
    from .mapping import allowed_region, fill, point_bound
    from .zone_catalogue import zone_versions

    zones = [
        get_zone(
            z, DERIVATION_ZONE_VERSION if DERIVATION_ZONE_VERSION in zone_versions(z) else None
        )
        for z in _whole_zones(group)
    ]
    bound = sum(point_bound(z.outline(), spacing_cm) for z in zones)
    if bound > EXACT_COUNT_LIMIT:
        return bound
    total = 0
    for zone in zones:
        region = allowed_region(zone.outline(), spacing_cm, tuple(zone.exclusions))
        total += int(fill(region, spacing_cm, pattern)[0].shape[0])
    return total


def whole_area_points(rule: AreaRule, spacing_cm: float) -> int:
    """The points the rule holds over the whole of its groups: each group's lattice within
    its cap, and the whole within the rule's own cap."""
    per_group = []
    for group in rule.groups:
        points = group_lattice_points(group, spacing_cm)
        cap = rule.max_points_for(group)
        per_group.append(points if cap is None else min(points, cap))
    whole = sum(per_group)
    cap = rule.max_points_for(None)
    return whole if cap is None else min(whole, cap)


def derived_dose(rule: AreaRule, volume: VolumeRange) -> DoseRange:
    """The dose per point range of a rule with ``volume`` over its whole area (the
    arithmetic of the module docstring)."""

    def per_point(volume_ml: float, spacing_cm: float) -> float:
        return round_down_dose(volume_ml / max(whole_area_points(rule, spacing_cm), 1))

    default = per_point(volume.default, rule.spacing_cm.default)
    low = per_point(volume.max, rule.spacing_cm.min)
    high = per_point(volume.max, rule.spacing_cm.max)
    return DoseRange(
        min=min(low, default),
        default=default,
        max=max(high, default),
        source="derived",
        note=CONVERTED_NOTE,
    )


def upgrade_rule(rule: AreaRule) -> AreaRule:
    if rule.volume_ml is None:
        return rule
    return replace(
        rule,
        volume_ml=None,
        budget_ml=rule.volume_ml,
        dose_per_point_ml=derived_dose(rule, rule.volume_ml),
    )


def upgrade_protocol(protocol: Protocol) -> Protocol:
    """The format 2 protocol of a format 1 protocol (same id and version; the budget is
    the old volume, the dose per point derived); a format 2 protocol is returned as is."""
    if protocol.format_version == CURRENT_FORMAT:
        return protocol
    return replace(
        protocol,
        format_version=2,
        area_rules=tuple(upgrade_rule(r) for r in protocol.area_rules),
        phases=tuple(_upgrade_phase(p) for p in protocol.phases),
    )


def _upgrade_phase(phase: Phase) -> Phase:
    """A format 1 phase's ``min_days_between`` under its format 2 name,
    ``min_interval_days`` (as ``mesoplan protocols upgrade`` writes it); a value of 0,
    which format 2 does not allow, is kept under the old name."""
    if phase.min_days_between is None or phase.min_days_between < 1:
        return phase
    return replace(phase, min_interval_days=phase.min_days_between, min_days_between=None)


def conversion_message(protocol: Protocol) -> str:
    doses = "; ".join(
        f"{'+'.join(r.groups)}: {r.dose.default:g} mL a point (range {r.dose.min:g} to "
        f"{r.dose.max:g}), budget {r.budget.default:g} mL"
        for r in protocol.area_rules
    )
    return (
        f"format_version 1: converted on load to format 2 ({doses}); the dose per point is "
        "derived from the whole-area lattice at the default spacing, capped. "
        "Run mesoplan protocols upgrade FILE to write it down"
    )
