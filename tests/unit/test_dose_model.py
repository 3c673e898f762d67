"""The dose model: every point the rule's dose, points bounded by floor(budget / dose),
compact patches for what the budget leaves out, and the work bound before any lattice."""

from __future__ import annotations

import resource
import tracemalloc
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mesoplan import PlanningError, builtin_protocols
from mesoplan.domain.anatomy import Exclusion, get_zone, zones_in_group
from mesoplan.domain.plan_model import Override, Patch
from mesoplan.domain.planner import DEFAULT_MAX_PLAN_POINTS, plan, plan_point_bound
from mesoplan.domain.protocol_text import parse_protocol_text
from mesoplan.domain.shapes import Ellipse, PolygonShape
from mesoplan.protocols.library import export_builtin_text

P = builtin_protocols()


def square(cx: float, cy: float, side: float) -> PolygonShape:
    h = side / 2
    return PolygonShape(((cx - h, cy - h), (cx + h, cy - h), (cx + h, cy + h), (cx - h, cy + h)))


def doses(p: Any) -> set[float]:
    return {v for z in p.zones for v in z.points.volume_ml.tolist()}


# -- exact tables: (dose per point, points, total) asserted as numbers ---------------------


def test_a_5_by_5_cm_cellulite_patch_gets_5_points_of_0_2_ml() -> None:
    cx, cy = get_zone("thigh-left-lateral").centre()
    p = plan(P["cellulite"], ["thigh-left-lateral"], patches=[Patch(square(cx, cy, 5.0))])
    assert (p.point_count, doses(p), p.volume_ml) == (5, {0.2}, 1.0)


def test_periorbital_left_gets_the_whole_face_dose_per_point() -> None:
    p = plan(P["face"], ["periorbital-left"])
    assert (p.point_count, doses(p), p.volume_ml) == (23, {0.0016}, 0.0368)
    assert p.rules[0].left_out_by_budget == 0


def test_scalp_temporal_left_gets_the_whole_scalp_dose_per_point() -> None:
    p = plan(P["hair"], ["scalp-temporal-left"])
    assert (p.point_count, doses(p), p.volume_ml) == (28, {0.0049}, 0.1372)


def test_thighs_and_hips_share_50_points_of_0_2_ml() -> None:
    zones = ["thigh-left-lateral", "thigh-right-lateral", "hip-left", "hip-right"]
    p = plan(P["cellulite"], zones)
    [rule] = p.rules
    assert (rule.point_count, rule.dose_per_point_ml, rule.volume_ml) == (50, 0.2, 10.0)
    assert doses(p) == {0.2}
    assert rule.budget_points == 50
    # adding the hips never lowers the thighs' dose: it takes points from them
    thighs_only = plan(P["cellulite"], zones[:2])
    assert (thighs_only.point_count, doses(thighs_only)) == (50, {0.2})
    assert sum(z.point_count for z in p.zones[:2]) < 50


def test_the_stomach_budget_of_5_ml_holds_25_points() -> None:
    p = plan(P["cellulite"], ["abdomen"])
    [rule] = p.rules
    assert (rule.point_count, rule.dose_per_point_ml, rule.volume_ml) == (25, 0.2, 5.0)
    assert (rule.budget_ml, rule.budget_points) == (5.0, 25)
    assert rule.left_out_by_budget == p.zones[0].lattice_count - 25 == 96
    assert "budget" in p.warning_codes()


def test_the_face_at_0_1_cm_holds_at_most_4000_points() -> None:
    p = plan(
        P["face"],
        ["face"],
        spacing_cm=0.1,
        dose_per_point_ml={"face": 0.001},
        budget_ml={"face": 4},
    )
    zp = p.zones[0]
    assert (zp.lattice_count, zp.point_count, p.volume_ml) == (47223, 4000, 4.0)
    assert doses(p) == {0.001}
    # a compact patch round the face's centre
    cx, cy = zp.zone.centre()
    r = np.hypot(zp.points.x_cm - cx, zp.points.y_cm - cy)
    assert float(r.max()) < 6.0
    default = plan(P["face"], ["face"], spacing_cm=0.1)
    assert (default.point_count, doses(default), default.volume_ml) == (1875, {0.0016}, 3.0)


FIXED = """
format_version = 2
id = "clinic-fixed"
version = "1"
title = "A product whose label fixes the dose"
indication = "cellulite"
follow_up_days = 84

[[sources]]
id = "label"
citation = "the product's label: 0.1 mL an injection, at most 30 injections and 2 mL a session"

[[ingredients]]
name = "product"
source = "label"

[[area_rules]]
groups = ["thighs"]
route = "intradermal"
spacing_cm = { min = 1.0, default = 1.5, max = 2.0, source = "label" }
depth_mm = { min = 1.0, default = 1.5, max = 1.8, source = "label" }
dose_per_point_ml = { min = 0.1, default = 0.1, max = 0.1, source = "label" }
budget_ml = { min = 2.0, default = 2.0, max = 2.0, source = "label" }

[[area_rules.point_caps]]
max_points = 30
source = "label"

[[phases]]
name = "course"
sessions = 4
interval_days = 28
min_days_between = 28
source = "label"

[patient_information]
for_whom = "Adults."
what_to_expect = "Injections of 0.1 mL."
source = "label"
"""


def test_a_fixed_dose_protocol_gives_every_point_its_dose_within_its_caps() -> None:
    protocol = parse_protocol_text(FIXED, "clinic-fixed.toml")
    whole = plan(protocol, ["thigh-left-lateral", "thigh-right-lateral"])
    # lattice >> 30 (cap) > 2 mL / 0.1 mL = 20 (budget): 20 points of exactly 0.1 mL
    assert (whole.point_count, doses(whole), whole.volume_ml) == (20, {0.1}, 2.0)
    assert whole.rules[0].caps[0].lattice_count == 420
    assert whole.rules[0].left_out_by_budget == 30 - 20  # the cap kept 30, the budget 20
    cx, cy = get_zone("thigh-left-lateral").centre()
    small = plan(protocol, ["thigh-left-lateral"], patches=[Patch(square(cx, cy, 4.0))])
    assert small.point_count == small.zones[0].lattice_count < 20
    assert doses(small) == {0.1}
    with pytest.raises(PlanningError, match=r"0\.1 to 0\.1 mL"):
        plan(protocol, ["thigh-left-lateral"], dose_per_point_ml={"thighs": 0.2})


# -- the work bound ------------------------------------------------------------------------


def test_a_plan_above_the_work_bound_is_refused_before_any_lattice() -> None:
    override = Override("spacing_cm", 0.005, "testing the bound")
    tracemalloc.start()
    with pytest.raises(PlanningError, match=r"up to [\d,]+ lattice points, more than the 200,000"):
        plan(P["face"], ["face"], overrides=[override])
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 10 * 2**20  # no lattice of tens of millions of points was allocated
    assert DEFAULT_MAX_PLAN_POINTS == 200_000
    with pytest.raises(PlanningError, match="more than the 1,000 a plan may have"):
        plan(P["face"], ["face"], max_plan_points=1000)
    assert plan(P["face"], ["periorbital-left"], max_plan_points=1000).point_count == 23


def test_the_bound_counts_over_the_whole_plan_and_a_patch_lowers_it() -> None:
    face = get_zone("face")
    alone = plan_point_bound([face], [0.1])
    assert alone > 49491
    cx, cy = face.centre()
    patch = Patch(square(cx, cy, 2.0))
    assert plan_point_bound([face], [0.1], [patch]) < alone / 50
    both = plan_point_bound([get_zone("forehead"), get_zone("perioral")], [0.1, 0.1])
    assert both == plan_point_bound([get_zone("forehead")], [0.1]) + plan_point_bound(
        [get_zone("perioral")], [0.1]
    )


def test_a_huge_custom_zone_is_refused_without_allocating() -> None:
    from mesoplan.domain.geojson import zone_from_geojson

    side = 1000.0  # cm: ten metres square
    ring = [[0, 0], [side, 0], [side, side], [0, side], [0, 0]]
    zone = zone_from_geojson(
        {
            "type": "Feature",
            "properties": {"zone": "huge", "group": "thighs"},
            "geometry": {"type": "Polygon", "coordinates": [ring]},
        }
    )
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (4 * 2**30, hard))
    try:
        with pytest.raises(PlanningError, match="lattice points"):
            plan(P["cellulite"], [zone])
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


# -- properties over the built-ins -----------------------------------------------------------

BUILTIN_ZONES = {
    "cellulite": [z for g in ("thighs", "hips", "stomach") for z in zones_in_group(g)],
    "face": [z for z in zones_in_group("face") if z != "face"],
    "hair": [z for z in zones_in_group("scalp") if z not in ("scalp",)],
}
MEASURES = {
    "cellulite": ("thigh_circumference_cm", 45.0, 75.0),
    "face": ("face_width_cm", 12.0, 16.0),
    "hair": ("head_circumference_cm", 52.0, 62.0),
}


@st.composite
def requests(draw: st.DrawFn) -> dict[str, Any]:
    pid = draw(st.sampled_from(sorted(BUILTIN_ZONES)))
    protocol = P[pid]
    zones = draw(st.lists(st.sampled_from(BUILTIN_ZONES[pid]), min_size=1, max_size=3, unique=True))
    rule = protocol.area_rules[0] if pid != "cellulite" else protocol.rule_for_group("thighs")
    assert rule is not None
    spacing = draw(st.floats(rule.spacing_cm.min, rule.spacing_cm.max))
    if pid == "face":
        spacing = max(spacing, 0.2)  # keep the example cheap; the bound is tested above
    dose = draw(st.floats(rule.dose.min, rule.dose.max))
    budget = draw(st.floats(rule.budget.min, rule.budget.max))
    name, lo, hi = MEASURES[pid]
    centre = draw(st.tuples(st.floats(-8, 8), st.floats(-5, 30)))
    patch = draw(st.one_of(st.none(), st.floats(1.0, 12.0)))
    holes = draw(
        st.lists(st.tuples(st.floats(-8, 8), st.floats(-5, 30), st.floats(0.2, 2)), max_size=2)
    )
    return {
        "pid": pid,
        "zones": zones,
        "group": rule.groups[0],
        "spacing_cm": spacing,
        "dose": round(dose, 4),
        "budget": budget,
        "measurements": {name: draw(st.floats(lo, hi))},
        "patches": [] if patch is None else [Patch(square(*centre, patch))],
        "exclusions": [Exclusion(Ellipse.circle(x, y, r)) for x, y, r in holes],
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests())
def test_property_every_point_has_the_chosen_dose_within_the_budget(req: dict[str, Any]) -> None:
    protocol = P[req["pid"]]
    try:
        p = plan(
            protocol,
            req["zones"],
            measurements=req["measurements"],
            spacing_cm=req["spacing_cm"],
            dose_per_point_ml={req["group"]: req["dose"]},
            budget_ml={req["group"]: req["budget"]},
            patches=req["patches"],
            exclusions=req["exclusions"],
        )
    except PlanningError as exc:
        assert "overlap" in str(exc)  # two chosen zones on one chart that overlap
        return
    for rule in p.rules:
        members = [z for z in p.zones if z.zone.id in rule.zones]
        chosen = (
            req["dose"]
            if req["group"] in rule.groups
            else protocol.area_rules[rule.rule_index].dose.default
        )
        for z in members:
            assert (z.points.volume_ml == chosen).all()
            assert z.dose_per_point_ml == chosen
        assert rule.volume_ml == round(rule.point_count * chosen, 6)
        budget = rule.budget_ml
        assert budget is not None
        assert rule.volume_ml <= budget + 1e-9
        assert rule.volume_ml <= protocol.area_rules[rule.rule_index].budget.max + 1e-9
        assert rule.point_count <= int(budget * 1e6 + 0.5) // int(chosen * 1e6 + 0.5)
    zones = [z.zone for z in p.zones]
    bound = plan_point_bound(zones, [z.spacing_cm for z in p.zones], req["patches"])
    assert bound >= sum(z.lattice_count for z in p.zones)
    for z in p.zones:
        assert plan_point_bound([z.zone], [z.spacing_cm], req["patches"]) >= z.lattice_count


def test_the_builtin_text_is_format_2() -> None:
    for pid in ("cellulite", "face", "hair"):
        assert "format_version = 2" in export_builtin_text(pid)
