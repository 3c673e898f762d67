"""Points added by hand to a planned map, within the protocol's bounds.

The planner fills zones with a lattice; a practitioner may then add single points (where
the lattice left a gap the eye wants filled). An added point must lie inside its zone,
outside every exclusion and its margin, and the rule's point caps still hold. An added
point gets the rule's dose per point, and the rule's budget still holds (points x dose);
a format 1 rule's volume is not raised: it is split again over all of the rule's points,
as the planner does. Works on the plan's JSON document (docs/plan-json.md).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import PlanningError
from .mapping import split_volume
from .protocol import Protocol


@dataclass(frozen=True)
class AddedPoint:
    zone: str
    x_cm: float
    y_cm: float


def _inside(zone: Mapping[str, Any], p: AddedPoint) -> bool:
    from shapely import Point, Polygon

    return bool(Polygon(zone["outline_cm"]).buffer(1e-9).contains(Point(p.x_cm, p.y_cm)))


def _excluded_by(zone: Mapping[str, Any], p: AddedPoint) -> str | None:
    from shapely import Point, Polygon
    from shapely.affinity import scale

    here = Point(p.x_cm, p.y_cm)
    for e in zone.get("exclusions", []):
        if e.get("kind") == "polygon":
            shape = Polygon(e["points_cm"])
        else:
            rx = float(e.get("r_cm", e.get("rx_cm", 0.0)))
            ry = float(e.get("r_cm", e.get("ry_cm", 0.0)))
            circle = Point(float(e["cx_cm"]), float(e["cy_cm"])).buffer(1.0, 64)
            shape = scale(circle, rx, ry)
        if shape.distance(here) < float(e.get("margin_cm") or 0.0) or shape.contains(here):
            return str(e.get("name") or "exclusion")
    return None


def _rule_of(plan: Mapping[str, Any], zone_id: str) -> dict[str, Any]:
    for rule in plan.get("rules", []):
        if zone_id in rule.get("zones", []):
            rule_doc: dict[str, Any] = rule
            return rule_doc
    raise PlanningError(f"zone {zone_id} has no rule in the plan")


def _check_caps(plan: Mapping[str, Any], rule: Mapping[str, Any], extra: Mapping[str, int]) -> None:
    zones = {z["zone"]: z for z in plan["zones"]}
    for cap in rule.get("point_caps", []):
        scope = [
            zid
            for zid in rule["zones"]
            if cap.get("group") is None or zones[zid]["group"] == cap["group"]
        ]
        total = sum(len(zones[zid]["points"]) + extra.get(zid, 0) for zid in scope)
        if total > int(cap["max_points"]):
            what = cap.get("group") or "the rule"
            raise PlanningError(
                f"adding points would give {total} points in {what}; the protocol allows at "
                f"most {cap['max_points']}: remove a point first"
            )


def _check_additions(
    zones: Mapping[str, Mapping[str, Any]], additions: Sequence[AddedPoint]
) -> dict[str, int]:
    """Each addition inside its zone and outside every exclusion; how many per zone."""
    extra: dict[str, int] = {}
    for p in additions:
        zone = zones.get(p.zone)
        if zone is None:
            raise PlanningError(f"added point: zone {p.zone!r} is not in the plan")
        where = f"added point ({p.x_cm:g}, {p.y_cm:g}) cm in {p.zone}"
        if not _inside(zone, p):
            raise PlanningError(f"{where} is outside the zone's outline")
        hit = _excluded_by(zone, p)
        if hit is not None:
            raise PlanningError(f"{where} is inside exclusion {hit!r} or its margin")
        extra[p.zone] = extra.get(p.zone, 0) + 1
    return extra


def add_points(
    plan: Mapping[str, Any], protocol: Protocol, additions: Sequence[AddedPoint]
) -> dict[str, Any]:
    """A copy of ``plan`` with ``additions``; each rule's volume split again over its points."""
    if not additions:
        return copy.deepcopy(dict(plan))
    if (plan.get("protocol") or {}).get("hash") != protocol.content_hash:
        raise PlanningError("the plan was not made from this protocol; plan again")
    doc = copy.deepcopy(dict(plan))
    zones = {z["zone"]: z for z in doc["zones"]}
    extra = _check_additions(zones, additions)
    touched = {id(_rule_of(doc, zid)): _rule_of(doc, zid) for zid in extra}
    for rule in touched.values():
        _check_caps(doc, rule, extra)
        _check_budget(doc, rule, extra)
    for p in additions:
        zone = zones[p.zone]
        n = len(zone["points"])
        zone["points"].append(
            {
                "id": f"{p.zone}:{n}",
                "x_cm": round(p.x_cm, 3),
                "y_cm": round(p.y_cm, 3),
                "depth_mm": zone["depth_mm"],
                "volume_ml": 0.0,
            }
        )
    for rule in touched.values():
        _resplit(zones, rule)
    _totals(doc)
    return doc


def _check_budget(
    plan: Mapping[str, Any], rule: Mapping[str, Any], extra: Mapping[str, int]
) -> None:
    limit = rule.get("budget_max_points")
    if rule.get("dose_per_point_ml") is None or limit is None:
        return
    zones = {z["zone"]: z for z in plan["zones"]}
    total = sum(len(zones[zid]["points"]) + extra.get(zid, 0) for zid in rule["zones"])
    if total > int(limit):
        raise PlanningError(
            f"adding points would give {total} points of {rule['dose_per_point_ml']:g} mL in "
            f"{', '.join(rule['groups'])}; the budget of {rule['budget_ml']:g} mL holds at most "
            f"{limit}: remove a point first"
        )


def _resplit(zones: Mapping[str, dict[str, Any]], rule: dict[str, Any]) -> None:
    members = [p for zid in rule["zones"] for p in zones[zid]["points"]]
    dose = rule.get("dose_per_point_ml")
    if dose is None:
        shares = split_volume(float(rule["volume_ml"]), len(members)).tolist()
    else:
        shares = [float(dose)] * len(members)
        rule["volume_ml"] = round(float(dose) * len(members), 6)
    for p, v in zip(members, shares, strict=True):
        p["volume_ml"] = round(v, 6)
    for zid in rule["zones"]:
        z = zones[zid]
        z["point_count"] = len(z["points"])
        z["volume_ml"] = round(sum(p["volume_ml"] for p in z["points"]), 6)


def _totals(doc: dict[str, Any]) -> None:
    zones = {z["zone"]: z for z in doc["zones"]}
    for rule in doc.get("rules", []):
        rule["point_count"] = sum(zones[zid]["point_count"] for zid in rule["zones"])
    doc["totals"] = {
        "point_count": sum(z["point_count"] for z in doc["zones"]),
        "volume_ml": round(sum(z["volume_ml"] for z in doc["zones"]), 6),
    }
