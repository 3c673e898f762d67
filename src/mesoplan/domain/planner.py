"""The planning use case: protocol + zones + measurements + choices -> :class:`Plan`.

Pure: no files, clock or randomness; the same input gives the same plan. Steps:

1. zones are looked up and scaled to the patient's measurements;
2. each zone's area rule gives spacing, depth, dose per point and budget (default,
   chosen, or overridden with a reason); a value outside the protocol's range is refused
   otherwise;
3. an upper bound of the lattice points, from areas and spacings, is checked against the
   work bound (``max_plan_points``) before any lattice is made;
4. each zone is filled with a hex or square lattice, half a spacing inside the outline,
   inside the treatment patch, outside every exclusion and its margin;
5. point caps hold across all zones of a rule, and then the budget: at most
   floor(budget / dose) points. Each is shared by area and each zone keeps a compact patch
   round its patch's or its own centre (the spacing is never widened);
6. every point gets the rule's dose, so the rule's total is points x dose (a format 1
   protocol, kept for stored courses, splits its volume evenly over the points instead);
7. the depth's skin layer is checked against the rule's route, and the needle (if given)
   against the planned depth.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from .anatomy import Exclusion, Zone, check_measurements, get_zone, zones_in_group
from .drug_amounts import rule_ingredient_mg
from .errors import PlanningError
from .mapping import PATTERNS, InjectionMap, allowed_region, fill, point_bound, split_volume
from .plan_caps import FilledZone, apply_budget, apply_caps, cap_uses, effective_max_points
from .plan_choices import RuleChoice, check_overrides, group_fields, resolve_choices
from .plan_model import (
    NeedleInsertion,
    Override,
    Patch,
    Plan,
    PlanWarning,
    ReactionLimit,
    RulePlan,
    ZonePlan,
)
from .protocol import Protocol
from .session_volume import check_plan_volume
from .skin import fits_route, layer_at

DEFAULT_MAX_PLAN_POINTS = 200_000
"""The work bound: the most lattice points a plan may ask for (``MESOPLAN_MAX_PLAN_POINTS``)."""


def plan(
    protocol: Protocol,
    zones: Sequence[str | Zone],
    *,
    measurements: Mapping[str, float] | None = None,
    spacing_cm: float | None = None,
    depth_mm: float | None = None,
    volume_ml: Mapping[str, float] | None = None,
    budget_ml: Mapping[str, float] | None = None,
    dose_per_point_ml: Mapping[str, float] | None = None,
    pattern: str = "hex",
    patches: Sequence[Patch] = (),
    exclusions: Sequence[Exclusion] = (),
    overrides: Sequence[Override] = (),
    needle: NeedleInsertion | None = None,
    max_plan_points: int = DEFAULT_MAX_PLAN_POINTS,
) -> Plan:
    """Plan one session of ``protocol`` over ``zones`` (ids of built-in zones, or
    :class:`Zone` objects for custom ones). ``budget_ml`` and ``dose_per_point_ml`` map a
    zone group to the budget and the dose per point of the rule that covers it (format 2
    protocols; ``volume_ml`` for format 1). A plan whose lattices could hold more than
    ``max_plan_points`` points is refused before they are made. Raises
    :class:`~mesoplan.PlanningError` on bad input."""
    if pattern not in PATTERNS:
        raise PlanningError(f"unknown pattern {pattern!r}; valid patterns: {', '.join(PATTERNS)}")
    if isinstance(max_plan_points, bool) or not isinstance(max_plan_points, int):
        raise PlanningError(f"max_plan_points must be a whole number, got {max_plan_points!r}")
    given = check_measurements(measurements or {})
    scaled = _scaled_zones(zones, given)
    rule_of = {z.id: _rule_index(protocol, z) for z in scaled}
    _check_overlaps(scaled)
    _check_targets(scaled, patches, exclusions)
    choices, warnings = resolve_choices(
        protocol,
        sorted(set(rule_of.values())),
        spacing_cm=spacing_cm,
        depth_mm=depth_mm,
        per_group={
            "volume_ml": volume_ml or {},
            "budget_ml": budget_ml or {},
            "dose_per_point_ml": dose_per_point_ml or {},
        },
        overrides=check_overrides(protocol, overrides),
    )
    _check_work(scaled, rule_of, choices, patches, max_plan_points)
    filled = [
        _fill(z, rule_of[z.id], choices[rule_of[z.id]], pattern, patches, exclusions)
        for z in scaled
    ]
    warnings += _stray_exclusions(exclusions, filled)
    warnings += apply_caps(protocol, filled, choices, pattern)
    by_budget, left_out = apply_budget(protocol, filled, choices, pattern)
    warnings += by_budget
    zone_plans, rule_plans, more = _finish(protocol, filled, choices, pattern, needle, left_out)
    warnings += more + _unused_measurements(scaled, given)
    warnings += _unused_overrides(protocol, overrides, sorted(choices))
    check_plan_volume(protocol, sum(r.volume_ml for r in rule_plans))
    return Plan(
        protocol_id=protocol.id,
        protocol_version=protocol.version,
        protocol_hash=_content_hash(protocol),
        protocol_title=protocol.title,
        pattern=pattern,
        measurements=tuple(sorted(given.items())),
        zones=tuple(zone_plans),
        rules=tuple(rule_plans),
        expected_reactions=_reactions(protocol),
        warnings=tuple(warnings),
        overrides=tuple(overrides),
        needle=needle,
    )


def plan_point_bound(
    zones: Sequence[Zone], spacings: Sequence[float], patches: Sequence[Patch] = ()
) -> int:
    """An upper bound of the lattice points of ``zones`` (each at its spacing), from areas
    alone: never below what the planner places, and no lattice is made."""
    total = 0
    for zone, spacing in zip(zones, spacings, strict=True):
        patch = next((p.shape for p in patches if p.zone in (None, zone.id)), None)
        total += point_bound(zone.outline(), spacing, patch)
    return total


def _check_work(
    zones: Sequence[Zone],
    rule_of: Mapping[str, int],
    choices: Mapping[int, RuleChoice],
    patches: Sequence[Patch],
    max_plan_points: int,
) -> None:
    spacings = [choices[rule_of[z.id]].spacing_cm for z in zones]
    bound = plan_point_bound(zones, spacings, patches)
    if bound > max_plan_points:
        raise PlanningError(
            f"this plan could hold up to {bound:,} lattice points, more than the "
            f"{max_plan_points:,} a plan may have (MESOPLAN_MAX_PLAN_POINTS): choose a wider "
            f"spacing (now {', '.join(sorted({f'{s:g} cm' for s in spacings}))}), fewer "
            "zones or a treatment patch"
        )


def _reactions(protocol: Protocol) -> tuple[ReactionLimit, ...]:
    return tuple(
        ReactionLimit(r.kind, r.max_duration_min, r.condition.describe() if r.condition else None)
        for r in protocol.expected_reactions
    )


_HASHES: dict[int, tuple[Protocol, str]] = {}


def _content_hash(protocol: Protocol) -> str:
    """``protocol.content_hash``, remembered for the last few protocols (a protocol is
    immutable; the entry holds the protocol, so its id cannot be reused meanwhile)."""
    hit = _HASHES.get(id(protocol))
    if hit is not None and hit[0] is protocol:
        return hit[1]
    if len(_HASHES) >= 16:
        _HASHES.pop(next(iter(_HASHES)))
    _HASHES[id(protocol)] = (protocol, protocol.content_hash)
    return _HASHES[id(protocol)][1]


def _scaled_zones(zones: Sequence[str | Zone], measurements: Mapping[str, float]) -> list[Zone]:
    if not zones:
        raise PlanningError("give at least one zone")
    out: list[Zone] = []
    for z in zones:
        zone = get_zone(z) if isinstance(z, str) else z
        if any(o.id == zone.id for o in out):
            raise PlanningError(f"zone {zone.id!r} is given twice")
        out.append(zone if zone.custom else zone.scaled_to(measurements))
    return out


def _rule_index(protocol: Protocol, zone: Zone) -> int:
    for i, rule in enumerate(protocol.area_rules):
        if zone.group in rule.groups:
            return i
    covered = [z for g in protocol.groups for z in zones_in_group(g)]
    raise PlanningError(
        f"protocol {protocol.id} has no rule for zone {zone.id!r} (group {zone.group}); "
        f"it covers groups {', '.join(protocol.groups)}: zones {', '.join(covered)}"
    )


def _check_overlaps(zones: list[Zone]) -> None:
    """Two zones on one chart (frame) may not overlap: their points would collide."""
    from shapely import Polygon

    for i, a in enumerate(zones):
        for b in zones[i + 1 :]:
            if a.frame.id != b.frame.id:
                continue
            if Polygon(a.outline_cm).intersection(Polygon(b.outline_cm)).area > 1e-9:
                raise PlanningError(
                    f"zones {a.id!r} and {b.id!r} overlap on the {a.frame.id} chart; "
                    "choose one of them"
                )


def _check_targets(zones: list[Zone], patches: Sequence[Patch], excl: Sequence[Exclusion]) -> None:
    ids = [z.id for z in zones]
    for what, target in [("patch", p.zone) for p in patches] + [
        ("exclusion", e.zone) for e in excl
    ]:
        if target is not None and target not in ids:
            raise PlanningError(
                f"{what} names zone {target!r}, which is not in the plan; zones: {', '.join(ids)}"
            )
    for zid in ids:
        if sum(p.zone in (None, zid) for p in patches) > 1:
            raise PlanningError(f"zone {zid!r} has more than one treatment patch; give one")


def _fill(
    zone: Zone,
    rule_index: int,
    choice: RuleChoice,
    pattern: str,
    patches: Sequence[Patch],
    exclusions: Sequence[Exclusion],
) -> FilledZone:
    given = tuple(zone.exclusions) + tuple(e for e in exclusions if e.zone in (None, zone.id))
    patch = next((p.shape for p in patches if p.zone in (None, zone.id)), None)
    region = allowed_region(zone.outline(), choice.spacing_cm, given, patch)
    x, y = fill(region, choice.spacing_cm, pattern)
    return FilledZone(zone, rule_index, region.exclusions, patch, x, y, int(x.shape[0]))


def _finish(
    protocol: Protocol,
    filled: list[FilledZone],
    choices: Mapping[int, RuleChoice],
    pattern: str,
    needle: NeedleInsertion | None,
    left_out: Mapping[int, int],
) -> tuple[list[ZonePlan], list[RulePlan], list[PlanWarning]]:
    zone_plans: dict[str, ZonePlan] = {}
    rule_plans: list[RulePlan] = []
    warnings: list[PlanWarning] = []
    for index in sorted(choices):
        members = [f for f in filled if f.rule_index == index]
        zps, rule_plan, more = _finish_rule(protocol, index, choices[index], members, pattern)
        rule_plan = rule_plan._replace(left_out_by_budget=left_out.get(index, 0))
        zone_plans.update((zp.zone.id, zp) for zp in zps)
        rule_plans.append(rule_plan)
        warnings += more + _needle_warnings(needle, rule_plan.groups, rule_plan.depth_mm)
    return [zone_plans[f.zone.id] for f in filled], rule_plans, warnings


def _finish_rule(
    protocol: Protocol, index: int, choice: RuleChoice, members: list[FilledZone], pattern: str
) -> tuple[list[ZonePlan], RulePlan, list[PlanWarning]]:
    """Depths, volumes and layers for the zones of one rule, and the rule's totals."""
    rule = protocol.area_rules[index]
    count = sum(int(f.x.shape[0]) for f in members)
    dose = choice.dose_per_point_ml
    volumes = split_volume(choice.volume_ml, count) if dose is None else np.full(count, dose)
    bounds = np.cumsum([0] + [int(f.x.shape[0]) for f in members])
    zone_plans: list[ZonePlan] = []
    warnings: list[PlanWarning] = []
    for f, start, stop in zip(members, bounds[:-1], bounds[1:], strict=True):
        depth = np.full(stop - start, choice.depth_mm)
        points = InjectionMap(f.zone.id, f.x, f.y, depth, volumes[start:stop])
        layer = layer_at(f.zone.skin_site, choice.depth_mm)
        zp = ZonePlan(
            f.zone, index, rule.route.value, choice.spacing_cm, pattern, choice.depth_mm,
            layer, f.exclusions, f.patch, f.lattice_count, points, dose,
        )  # fmt: skip
        zone_plans.append(zp)
        warnings += _zone_warnings(zp)
    if count == 0:
        warnings.append(
            PlanWarning(
                "no_points",
                f"no point fits the zones of {', '.join(rule.groups)} at "
                f"{choice.spacing_cm:g} cm spacing: {choice.volume_ml:g} mL not placed",
            )
        )
    total = choice.volume_ml if dose is None else round(count * dose, 6)
    rule_plan = RulePlan(
        index, tuple(rule.groups), rule.route.value, tuple(f.zone.id for f in members),
        choice.spacing_cm, choice.depth_mm, total if count else 0.0,
        rule.budget.max, effective_max_points(rule, members), count, cap_uses(rule, members),
        dose, None if dose is None else choice.volume_ml, choice.budget_points(),
        ingredient_mg=rule_ingredient_mg(protocol, total if count else 0.0),
    )  # fmt: skip
    return zone_plans, rule_plan, warnings


def _stray_exclusions(
    exclusions: Sequence[Exclusion], filled: Sequence[FilledZone]
) -> list[PlanWarning]:
    """An exclusion that reaches no zone is probably in the wrong frame: say so."""
    return [
        PlanWarning(
            "exclusion_outside",
            f"exclusion {e.name!r} does not reach into "
            + (f"zone {e.zone}" if e.zone else "any zone of this plan")
            + " (coordinates are cm in each zone's frame)",
        )
        for e in exclusions
        if not any(e in f.exclusions for f in filled)
    ]


def _zone_warnings(zp: ZonePlan) -> list[PlanWarning]:
    out: list[PlanWarning] = []
    if zp.point_count == 0:
        out.append(
            PlanWarning(
                "no_points",
                f"zone {zp.zone.id} has no room for a point at {zp.spacing_cm:g} cm spacing "
                "(points stay half a spacing inside the outline and off exclusions"
                + (", inside the treatment patch)" if zp.patch is not None else ")"),
            )
        )
    if not fits_route(zp.layer, zp.route):
        out.append(
            PlanWarning(
                "layer_route",
                f"zone {zp.zone.id}: {zp.depth_mm:g} mm lands in the {zp.layer} at the "
                f"{zp.zone.skin_site} (skin table), but the route is {zp.route}",
            )
        )
    return out


def _needle_warnings(
    needle: NeedleInsertion | None, groups: Sequence[str], depth: float
) -> list[PlanWarning]:
    if needle is None:
        return []
    reached = needle.depth_reached_mm
    if abs(reached - depth) <= max(0.05, 0.1 * depth):
        return []
    return [
        PlanWarning(
            "needle_depth",
            f"a {needle.length_mm:g} mm needle inserted at {needle.angle_deg:g}° reaches "
            f"{reached:.2f} mm, not the {depth:g} mm planned for {', '.join(groups)}",
        )
    ]


def _unused_measurements(zones: list[Zone], given: Mapping[str, float]) -> list[PlanWarning]:
    used = {m for z in zones for m in z.measurements}
    return [
        PlanWarning(
            "measurement_unused",
            f"measurement {name} does not scale any zone of this plan"
            + (f" (they use {', '.join(sorted(used))})" if used else ""),
        )
        for name in given
        if name not in used
    ]


def _unused_overrides(
    protocol: Protocol, overrides: Sequence[Override], rule_indexes: Sequence[int]
) -> list[PlanWarning]:
    """An override of ``budget_ml.<group>`` (or another per-group field) whose rule covers
    no zone of the plan."""
    out: list[PlanWarning] = []
    fields = group_fields(protocol)
    for o in overrides:
        name, _, rest = o.field.partition(".")
        group = rest if name in fields and rest else None
        if group is not None and not any(
            group in protocol.area_rules[i].groups for i in rule_indexes
        ):
            out.append(
                PlanWarning(
                    "override_unused", f"override {o.field} applies to no zone of this plan"
                )
            )
    return out
