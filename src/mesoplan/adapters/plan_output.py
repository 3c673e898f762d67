"""A :class:`~mesoplan.domain.plan_model.Plan` as JSON (a documented contract), CSV and text.

The JSON dict is deterministic: the same plan gives byte-identical JSON. Coordinates and
depths have 3 decimals, volumes 6 (every point of a format 2 rule has the rule's dose per
point; a format 1 rule's points add up to its volume exactly at 6 decimals). See
docs/plan-json.md and schemas/plan.schema.json.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import numpy as np

from ..domain.plan_model import Plan, RulePlan, ZonePlan

FORMAT_VERSION = 2


def _round(values: np.ndarray, decimals: int) -> list[float]:
    # + 0.0 turns -0.0 into 0.0, so that the text never shows "-0.0"
    rounded: list[float] = (np.round(values.astype(np.float64), decimals) + 0.0).tolist()
    return rounded


def _num(value: float, decimals: int = 3) -> float:
    return round(float(value), decimals) + 0.0


def points_dicts(zp: ZonePlan) -> list[dict[str, Any]]:
    m = zp.points
    xs, ys = _round(m.x_cm, 3), _round(m.y_cm, 3)
    ds, vs = _round(m.depth_mm, 3), _round(m.volume_ml, 6)
    zid = zp.zone.id
    return [
        {"id": f"{zid}:{i}", "x_cm": x, "y_cm": y, "depth_mm": d, "volume_ml": v}
        for i, (x, y, d, v) in enumerate(zip(xs, ys, ds, vs, strict=True))
    ]


def zone_dict(zp: ZonePlan) -> dict[str, Any]:
    z = zp.zone
    site = z.body_site
    return {
        "zone": z.id,
        "version": z.version,
        "title": z.title,
        "group": z.group,
        "custom": z.custom,
        "laterality": z.laterality,
        "body_site": None
        if site is None
        else {"system": site.system, "code": site.code, "display": site.display},
        "frame": {
            "id": z.frame.id,
            "origin": z.frame.origin,
            "x_axis": z.frame.x_axis,
            "y_axis": z.frame.y_axis,
        },
        "scaled_by": {"x": z.scale_x, "y": z.scale_y},
        "scale": [_num(z.scale[0], 6), _num(z.scale[1], 6)],
        "area_cm2": _num(z.area_cm2, 2),
        "route": zp.route,
        "spacing_cm": _num(zp.spacing_cm),
        "pattern": zp.pattern,
        "depth_mm": _num(zp.depth_mm),
        "layer": zp.layer,
        "lattice_point_count": zp.lattice_count,
        "point_count": zp.point_count,
        "dose_per_point_ml": _dose(zp.dose_per_point_ml),
        "volume_ml": _num(zp.volume_ml, 6),
        "outline_cm": [[_num(x), _num(y)] for x, y in z.outline_cm],
        "exclusions": [e.to_dict(zp.spacing_cm) for e in zp.exclusions],
        "patch": None if zp.patch is None else zp.patch.to_dict(),
        "points": points_dicts(zp),
    }


def _dose(value: float | None) -> float | None:
    return None if value is None else _num(value, 6)


def rule_dict(r: RulePlan) -> dict[str, Any]:
    return {
        "groups": list(r.groups),
        "route": r.route,
        "zones": list(r.zones),
        "spacing_cm": _num(r.spacing_cm),
        "depth_mm": _num(r.depth_mm),
        "point_count": r.point_count,
        "dose_per_point_ml": _dose(r.dose_per_point_ml),
        "volume_ml": _num(r.volume_ml, 6),
        "budget_ml": _dose(r.budget_ml),
        "budget_max_points": r.budget_points,
        "left_out_by_budget": r.left_out_by_budget,
        "ingredient_mg": {name: _num(mg, 6) for name, mg in r.ingredient_mg},
        "max_points": r.max_points,
        "max_volume_ml": _num(r.max_volume_ml, 6),
        "point_caps": [
            {
                "group": c.group,
                "max_points": c.max_points,
                "lattice_point_count": c.lattice_count,
                "point_count": c.point_count,
            }
            for c in r.caps
        ],
    }


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The plan as the documented JSON structure (docs/plan-json.md)."""
    needle = plan.needle
    return {
        "format_version": FORMAT_VERSION,
        "protocol": {
            "id": plan.protocol_id,
            "version": plan.protocol_version,
            "hash": plan.protocol_hash,
            "title": plan.protocol_title,
        },
        "pattern": plan.pattern,
        "measurements": dict(plan.measurements),
        "zones": [zone_dict(z) for z in plan.zones],
        "rules": [rule_dict(r) for r in plan.rules],
        "totals": {"point_count": plan.point_count, "volume_ml": _num(plan.volume_ml, 6)},
        "expected_reactions": [
            {"kind": r.kind, "max_duration_min": r.max_duration_min, "condition": r.condition}
            for r in plan.expected_reactions
        ],
        "warnings": [{"code": w.code, "message": w.message} for w in plan.warnings],
        "overrides": [
            {"field": o.field, "value": o.value, "reason": o.reason} for o in plan.overrides
        ],
        "needle": None
        if needle is None
        else {
            "length_mm": needle.length_mm,
            "angle_deg": needle.angle_deg,
            "depth_reached_mm": _num(needle.depth_reached_mm),
        },
    }


INLINE_WIDTH = 110
"""A list of numbers or an object of plain values shorter than this stays on one line."""


def _flat(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(", ", ": "))


def _encode(value: Any, level: int) -> str:
    if isinstance(value, dict | list) and value:
        items = value.values() if isinstance(value, dict) else value
        if all(not isinstance(v, dict | list) for v in items):
            flat = _flat(value)
            if len(flat) <= INLINE_WIDTH:
                return flat
        pad, inner = "  " * level, "  " * (level + 1)
        if isinstance(value, dict):
            rows = [f"{inner}{_flat(k)}: {_encode(v, level + 1)}" for k, v in value.items()]
            return "{\n" + ",\n".join(rows) + f"\n{pad}}}"
        rows = [inner + _encode(v, level + 1) for v in value]
        return "[\n" + ",\n".join(rows) + f"\n{pad}]"
    return _flat(value)


def dumps(data: Any) -> str:
    """Deterministic JSON text: 2-space indent, a point or a coordinate pair per line,
    UTF-8, a newline at the end."""
    return _encode(data, 0) + "\n"


def plan_to_json(plan: Plan) -> str:
    return dumps(plan_to_dict(plan))


def plan_schema() -> dict[str, Any]:
    """The JSON Schema of the plan JSON, shipped in the package."""
    from importlib import resources

    text = (resources.files("mesoplan") / "schemas" / "plan.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


CSV_COLUMNS = ("point_id", "zone", "group", "x_cm", "y_cm", "depth_mm", "volume_ml", "layer")
"""One row a point; ``volume_ml`` is the point's dose (every point of a format 2 rule has
the rule's dose per point)."""


def plan_to_csv(plan: Plan) -> str:
    """One row per point, with a header row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for zp in plan.zones:
        for p in points_dicts(zp):
            writer.writerow(
                (
                    p["id"],
                    zp.zone.id,
                    zp.zone.group,
                    f"{p['x_cm']:.3f}",
                    f"{p['y_cm']:.3f}",
                    f"{p['depth_mm']:.3f}",
                    f"{p['volume_ml']:.6f}",
                    zp.layer,
                )
            )
    return out.getvalue()


def plan_summary(plan: Plan) -> list[str]:
    """A short human summary, one line per item."""
    lines = [
        f"{plan.protocol_title}: protocol {plan.protocol_id} {plan.protocol_version} "
        f"({plan.protocol_hash[:19]}…), {plan.pattern} lattice",
    ]
    for z in plan.zones:
        dose = "" if z.dose_per_point_ml is None else f"{z.dose_per_point_ml:g} mL a point, "
        lines.append(
            f"  {z.zone.id}: {z.point_count} points ({z.lattice_count} on the lattice), "
            f"{z.spacing_cm:g} cm apart, {z.depth_mm:g} mm deep ({z.layer}), {dose}"
            f"{z.volume_ml:.4g} mL, area {z.zone.area_cm2:.0f} cm²"
        )
    for r in plan.rules:
        caps = "; ".join(
            f"cap {c.max_points} on {c.group or 'the rule'}: {c.point_count}" for c in r.caps
        )
        amount = (
            f"{r.volume_ml:g} mL (max {r.max_volume_ml:g} mL)"
            if r.dose_per_point_ml is None
            else f"{r.dose_per_point_ml:g} mL a point = {r.volume_ml:g} mL (budget "
            f"{r.budget_ml:g} mL: {r.budget_points} points at most"
            + (f", {r.left_out_by_budget} left out)" if r.left_out_by_budget else ")")
        )
        lines.append(
            f"  rule {'+'.join(r.groups)}: {r.point_count} points, {amount}"
            + (f", {caps}" if caps else "")
        )
    lines.append(f"  total: {plan.point_count} points, {plan.volume_ml:g} mL")
    lines += [f"  override {o.field} = {o.value:g}: {o.reason}" for o in plan.overrides]
    lines += [f"  warning [{w.code}]: {w.message}" for w in plan.warnings]
    return lines
