"""Point caps across the zones of a rule: shared by area, kept as compact patches.

A cap on a group (``thighs``: 50) holds across every zone of that group in the plan; a
cap without a group holds across the whole rule. When the lattice gives more points, the
cap is split over the zones in proportion to their area, and each zone keeps its share
as the points nearest its treatment patch's centre (or its own centre). The lattice
spacing is never widened to fit, and a warning says what was left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .anatomy import Exclusion, Zone
from .mapping import FloatArray, cell_area_cm2, nearest, share_cap
from .plan_model import CapUse, PlanWarning
from .protocol import AreaRule, PointCap, Protocol
from .shapes import Point, Shape

if TYPE_CHECKING:
    from .plan_choices import RuleChoice


@dataclass
class FilledZone:
    """A zone's lattice points while the plan is made (trimmed in place by the caps)."""

    zone: Zone
    rule_index: int
    exclusions: tuple[Exclusion, ...]
    patch: Shape | None
    x: FloatArray
    y: FloatArray
    lattice_count: int


def _in_scope(cap: PointCap, rule_index: int, filled: Sequence[FilledZone]) -> list[FilledZone]:
    return [
        f
        for f in filled
        if f.rule_index == rule_index and (cap.group is None or f.zone.group == cap.group)
    ]


def _ordered_caps(rule: AreaRule) -> list[PointCap]:
    """Group caps first, then caps over the whole rule."""
    return [c for c in rule.point_caps if c.group is not None] + [
        c for c in rule.point_caps if c.group is None
    ]


def _centre(f: FilledZone) -> Point:
    if f.patch is not None:
        c = f.patch.geometry().centroid
        return (float(c.x), float(c.y))
    centre: Point = f.zone.centre()
    return centre


def _trim(scope: Sequence[FilledZone], max_points: int) -> tuple[int, list[int]] | None:
    """Keep at most ``max_points`` over ``scope`` (in place), shared by area, each zone's
    share as one compact patch; (lattice points before, shares), or ``None`` if nothing
    had to go."""
    counts = [int(f.x.shape[0]) for f in scope]
    if sum(counts) <= max_points:
        return None
    shares = share_cap(max_points, [f.zone.area_cm2 for f in scope], counts)
    for f, share in zip(scope, shares, strict=True):
        keep = nearest(f.x, f.y, _centre(f), share)
        f.x, f.y = f.x[keep], f.y[keep]
    return sum(counts), shares


def _kept(scope: Sequence[FilledZone], shares: Sequence[int]) -> str:
    return " and ".join(f"{s} on {f.zone.id}" for f, s in zip(scope, shares, strict=True))


def apply_caps(
    protocol: Protocol,
    filled: Sequence[FilledZone],
    choices: Mapping[int, RuleChoice],
    pattern: str,
) -> list[PlanWarning]:
    """Trim each zone's points (in place) so that every cap holds; one warning per cap
    that had to trim."""
    warnings: list[PlanWarning] = []
    for index in sorted(choices):
        rule = protocol.area_rules[index]
        for cap in _ordered_caps(rule):
            scope = _in_scope(cap, index, filled)
            trimmed = _trim(scope, cap.max_points)
            if trimmed is None:
                continue
            before, shares = trimmed
            left_out = before - sum(shares)
            area = left_out * cell_area_cm2(choices[index].spacing_cm, pattern)
            where = f"group {cap.group}" if cap.group else f"rule {', '.join(rule.groups)}"
            warnings.append(
                PlanWarning(
                    "point_cap",
                    f"the cap of {cap.max_points} points for {where} (protocol {protocol.id}) "
                    f"leaves out {left_out} of {before} lattice points: kept "
                    f"{_kept(scope, shares)}, each as one compact patch; about {area:.0f} cm² "
                    f"left untreated. The spacing stays {choices[index].spacing_cm:g} cm.",
                )
            )
    return warnings


def apply_budget(
    protocol: Protocol,
    filled: Sequence[FilledZone],
    choices: Mapping[int, RuleChoice],
    pattern: str,
) -> tuple[list[PlanWarning], dict[int, int]]:
    """Trim each format 2 rule's points (in place) to floor(budget / dose), as the caps
    do: shared by area, compact patches. Warnings, and the points left out per rule."""
    warnings: list[PlanWarning] = []
    left: dict[int, int] = {}
    for index in sorted(choices):
        choice = choices[index]
        limit = choice.budget_points()
        if limit is None or choice.dose_per_point_ml is None:
            continue
        rule = protocol.area_rules[index]
        scope = [f for f in filled if f.rule_index == index]
        trimmed = _trim(scope, limit)
        if trimmed is None:
            continue
        before, shares = trimmed
        left[index] = before - sum(shares)
        area = left[index] * cell_area_cm2(choice.spacing_cm, pattern)
        warnings.append(
            PlanWarning(
                "budget",
                f"the budget of {choice.volume_ml:g} mL for {', '.join(rule.groups)} "
                f"(protocol {protocol.id}) at {choice.dose_per_point_ml:g} mL a point holds "
                f"{limit} points: it leaves out {left[index]} of {before} points; kept "
                f"{_kept(scope, shares)}, each as one compact patch; about {area:.0f} cm² "
                f"left untreated. The dose per point stays {choice.dose_per_point_ml:g} mL.",
            )
        )
    return warnings, left


def cap_uses(rule: AreaRule, members: Sequence[FilledZone]) -> tuple[CapUse, ...]:
    """Each cap of the rule with the lattice points and the points it allowed."""
    out: list[CapUse] = []
    for cap in _ordered_caps(rule):
        scope = [f for f in members if cap.group is None or f.zone.group == cap.group]
        out.append(
            CapUse(
                cap.group,
                cap.max_points,
                sum(f.lattice_count for f in scope),
                sum(int(f.x.shape[0]) for f in scope),
            )
        )
    return tuple(out)


def effective_max_points(rule: AreaRule, members: Sequence[FilledZone]) -> int | None:
    """The most points the rule may hold in this plan: its own cap, or the sum of its
    groups' caps when every zone planned under it is in a capped group (both thighs
    share the cellulite cap of 50); ``None`` when nothing bounds it."""
    bounds: list[int] = []
    whole = rule.max_points_for(None)
    if whole is not None:
        bounds.append(whole)
    groups = sorted({f.zone.group for f in members})
    group_caps = [rule.max_points_for(g) for g in groups]
    if groups and all(c is not None for c in group_caps):
        bounds.append(sum(c for c in group_caps if c is not None))
    return min(bounds) if bounds else None
