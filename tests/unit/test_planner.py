"""The planner: caps, budgets, doses, depths, overrides, layers, needles, errors, properties."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from shapely import Point as ShapelyPoint
from shapely import Polygon

from mesoplan import PlanningError, Protocol, builtin_protocols
from mesoplan.domain.anatomy import Exclusion, get_zone
from mesoplan.domain.geojson import zone_from_geojson
from mesoplan.domain.plan_model import NeedleInsertion, Override, Patch
from mesoplan.domain.planner import plan
from mesoplan.domain.protocol_text import protocol_from_data
from mesoplan.domain.shapes import Ellipse, PolygonShape

PROTOCOLS = builtin_protocols()
CELLULITE = PROTOCOLS["cellulite"]
LATERAL = ["thigh-left-lateral", "thigh-right-lateral"]


def make_protocol(
    *,
    spacing: tuple[float, float, float] = (1.0, 2.0, 3.0),
    depth: tuple[float, float, float] = (1.0, 1.5, 2.0),
    budget: tuple[float, float, float] = (1.0, 5.0, 10.0),
    dose: tuple[float, float, float] = (0.001, 0.01, 0.2),
    caps: list[tuple[str | None, int]] | None = None,
    slow: bool = False,
) -> Protocol:
    data: dict[str, Any] = CELLULITE.to_dict()

    def rng(v: tuple[float, float, float]) -> dict[str, Any]:
        return {"min": v[0], "default": v[1], "max": v[2], "source": "article"}

    data["area_rules"] = [
        {
            "groups": ["thighs", "hips"],
            "route": "intradermal",
            "spacing_cm": rng(spacing),
            "depth_mm": rng(depth),
            "budget_ml": rng(budget),
            "dose_per_point_ml": rng(dose),
            "point_caps": [
                {"group": g, "max_points": n, "source": "article"} for g, n in (caps or [])
            ],
        }
    ]
    if slow:
        data["ingredients"][0]["diffusion"] = "slow"
    return protocol_from_data(data)


def test_cellulite_on_both_lateral_thighs_shares_the_cap_of_50() -> None:
    p = plan(CELLULITE, LATERAL)
    assert [z.point_count for z in p.zones] == [25, 25]
    assert p.point_count == 50
    assert p.volume_ml == 10.0
    assert [z.volume_ml for z in p.zones] == [5.0, 5.0]
    assert all(set(z.points.volume_ml.tolist()) == {0.2} for z in p.zones)
    assert {z.depth_mm for z in p.zones} == {1.5}
    assert "point_cap" in p.warning_codes()
    cap = p.rules[0].caps[0]
    assert (cap.group, cap.max_points, cap.point_count) == ("thighs", 50, 50)
    assert cap.lattice_count > 50


def test_kept_points_are_a_compact_patch_round_the_centre() -> None:
    zp = plan(CELLULITE, ["thigh-left-lateral"]).zones[0]
    assert zp.point_count == 50
    full = plan(make_protocol(), ["thigh-left-lateral"], spacing_cm=2.0).zones[0].points
    kept = set(zip(zp.points.x_cm.tolist(), zp.points.y_cm.tolist(), strict=True))
    every = list(zip(full.x_cm.tolist(), full.y_cm.tolist(), strict=True))
    assert kept < set(every)
    cx, cy = zp.zone.centre()
    dist = {p: math.hypot(p[0] - cx, p[1] - cy) for p in every}
    assert max(dist[p] for p in kept) <= min(dist[p] for p in every if p not in kept) + 1e-9


def test_a_patch_moves_the_kept_points() -> None:
    patch = PolygonShape(((-6.0, 25.0), (6.0, 25.0), (6.0, 38.0), (-6.0, 38.0)))
    zp = plan(CELLULITE, ["thigh-left-lateral"], patches=[Patch(patch)]).zones[0]
    assert zp.point_count > 0
    assert (zp.points.y_cm > 25.0).all()


def test_hips_and_thighs_share_one_budget_and_the_stomach_has_its_own() -> None:
    p = plan(CELLULITE, ["thigh-left-lateral", "hip-left", "abdomen"])
    assert [r.groups for r in p.rules] == [("thighs", "hips"), ("stomach",)]
    # 10 mL / 0.2 mL = 50 points shared by area (35 + 15); 5 mL / 0.2 mL = 25 points
    assert [(z.zone.id, z.point_count, z.volume_ml) for z in p.zones] == [
        ("thigh-left-lateral", 35, 7.0),
        ("hip-left", 15, 3.0),
        ("abdomen", 25, 5.0),
    ]
    assert [(r.volume_ml, r.budget_points, r.left_out_by_budget) for r in p.rules] == [
        (10.0, 50, 50 + 41 - 50),  # after the thighs' cap of 50: 50 + 41 points
        (5.0, 25, 121 - 25),
    ]
    assert p.volume_ml == 15.0
    assert p.warning_codes().count("budget") == 2


def test_budget_and_dose_by_group_and_conflicts() -> None:
    p = plan(CELLULITE, ["hip-left"], budget_ml={"thighs": 6})
    assert (p.point_count, p.volume_ml) == (30, 6.0)
    with pytest.raises(PlanningError, match="share one rule and one budget_ml"):
        plan(CELLULITE, ["hip-left"], budget_ml={"thighs": 6, "hips": 7})
    with pytest.raises(PlanningError, match="does not cover; its groups: thighs, hips, stomach"):
        plan(CELLULITE, ["hip-left"], budget_ml={"face": 2})
    with pytest.raises(
        PlanningError, match=r"--volume-ml does not apply .* it takes --dose-ml, --budget"
    ):
        plan(CELLULITE, ["hip-left"], volume_ml={"thighs": 6})
    with pytest.raises(PlanningError, match=r"dose_per_point_ml 0.3 mL is outside .* 0.2 to 0.2"):
        plan(CELLULITE, ["hip-left"], dose_per_point_ml={"hips": 0.3})
    face = plan(PROTOCOLS["face"], ["periorbital-left"], dose_per_point_ml={"face": 0.005})
    assert set(face.zones[0].points.volume_ml.tolist()) == {0.005}
    with pytest.raises(PlanningError, match=r"below the 0\.001 mL a point"):
        plan(
            PROTOCOLS["face"],
            ["periorbital-left"],
            overrides=[Override("dose_per_point_ml.face", 0.0005, "a thinner mix")],
        )


def test_out_of_range_values_are_refused_unless_overridden_with_a_reason() -> None:
    with pytest.raises(PlanningError, match=r"1 to 2 mm.*--override depth_mm=2.5 --reason"):
        plan(CELLULITE, ["thigh-left-lateral"], depth_mm=2.5)
    with pytest.raises(PlanningError, match="spacing_cm 3 cm is outside"):
        plan(CELLULITE, ["thigh-left-lateral"], spacing_cm=3)
    ov = Override("depth_mm", 2.5, "thick skin measured by ultrasound")
    p = plan(CELLULITE, ["thigh-left-lateral"], overrides=[ov])
    assert p.zones[0].depth_mm == 2.5
    assert p.overrides == (ov,)
    assert "override" in p.warning_codes()
    with pytest.raises(PlanningError, match="needs a reason"):
        plan(CELLULITE, ["thigh-left-lateral"], overrides=[Override("depth_mm", 2.5, " ")])
    with pytest.raises(PlanningError, match="valid fields for protocol cellulite: spacing_cm"):
        plan(CELLULITE, ["thigh-left-lateral"], overrides=[Override("depth", 2.5, "x")])
    unused = plan(CELLULITE, ["hip-left"], overrides=[Override("budget_ml.stomach", 1, "x")])
    assert unused.warning_codes() == ["override_unused"]


def test_slow_diffusing_mix_goes_to_the_deep_end() -> None:
    assert plan(make_protocol(), ["hip-left"]).zones[0].depth_mm == 1.5
    assert plan(make_protocol(slow=True), ["hip-left"]).zones[0].depth_mm == 2.0
    assert plan(make_protocol(slow=True), ["hip-left"], depth_mm=1.2).zones[0].depth_mm == 1.2


def test_layer_outside_the_route_is_warned() -> None:
    p = plan(CELLULITE, ["thigh-left-lateral"], depth_mm=2.0)
    assert p.zones[0].layer == "subcutaneous fat"
    assert "layer_route" in p.warning_codes()
    assert "layer_route" not in plan(CELLULITE, ["thigh-left-lateral"]).warning_codes()


def test_needle_depth_reached() -> None:
    assert NeedleInsertion(5, 30).depth_reached_mm == pytest.approx(2.5)
    miss = plan(CELLULITE, ["hip-left"], needle=NeedleInsertion(5, 30))
    assert "needle_depth" in miss.warning_codes()
    hit = plan(CELLULITE, ["hip-left"], needle=NeedleInsertion(3, 30))
    assert "needle_depth" not in hit.warning_codes()
    with pytest.raises(PlanningError, match="at most 90 degrees"):
        NeedleInsertion(5, 120)


def test_zone_errors_name_the_valid_choices() -> None:
    with pytest.raises(PlanningError, match=r"has no rule for zone 'face' .* covers groups thighs"):
        plan(CELLULITE, ["face"])
    with pytest.raises(PlanningError, match="overlap on the face chart"):
        plan(PROTOCOLS["face"], ["face", "forehead"])
    with pytest.raises(PlanningError, match="given twice"):
        plan(CELLULITE, ["hip-left", "hip-left"])
    with pytest.raises(PlanningError, match="valid patterns: hex, square"):
        plan(CELLULITE, ["hip-left"], pattern="triangle")


def test_measurements_scale_the_map_and_unused_ones_are_warned() -> None:
    small = plan(CELLULITE, ["hip-left"], measurements={"hip_circumference_cm": 80})
    large = plan(CELLULITE, ["hip-left"], measurements={"hip_circumference_cm": 130})
    assert large.zones[0].zone.area_cm2 > small.zones[0].zone.area_cm2
    assert large.zones[0].lattice_count > small.zones[0].lattice_count
    p = plan(CELLULITE, ["hip-left"], measurements={"face_width_cm": 14})
    assert "measurement_unused" in p.warning_codes()


def test_face_and_hair_maps_are_inside_the_article_ranges() -> None:
    face = plan(PROTOCOLS["face"], ["face"])
    assert 0.1 <= face.zones[0].spacing_cm <= 1.0
    assert 0.2 <= face.zones[0].depth_mm <= 0.6
    # the whole face at 0.5 cm: its 1,771 lattice points of 0.0016 mL (the budget holds 1,875)
    assert (face.zones[0].point_count, face.volume_ml) == (1771, 2.8336)
    assert face.rules[0].left_out_by_budget == 0
    eyes = [e for e in face.zones[0].exclusions if "eye" in e.name]
    for e in eyes:
        hole = e.shape.geometry()
        pts = face.zones[0].points
        assert not any(
            hole.contains(ShapelyPoint(x, y)) for x, y in zip(pts.x_cm, pts.y_cm, strict=True)
        )
    hair = plan(PROTOCOLS["hair"], ["scalp"])
    assert 0.5 <= hair.zones[0].spacing_cm <= 1.0
    assert 0.5 <= hair.zones[0].depth_mm <= 0.6
    assert (hair.point_count, hair.volume_ml) == (1020, 4.998)


@st.composite
def custom_zones(draw: st.DrawFn, index: int) -> Any:
    n = draw(st.integers(3, 8))
    angles = sorted(draw(st.lists(st.floats(0, 6.2), min_size=n, max_size=n, unique=True)))
    radii = draw(st.lists(st.floats(3, 12), min_size=n, max_size=n))
    ring = [[r * math.cos(a), r * math.sin(a)] for a, r in zip(angles, radii, strict=True)]
    feature = {
        "type": "Feature",
        "properties": {"zone": f"zone-{index}", "group": "thighs" if index % 2 else "hips"},
        "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
    }
    if not Polygon(ring).is_valid or Polygon(ring).area < 1:
        return None
    return zone_from_geojson(feature, "hypothesis")


@given(
    zones=st.tuples(custom_zones(0), custom_zones(1), custom_zones(2)),
    spacing=st.floats(1.0, 3.0),
    depth=st.floats(1.0, 2.0),
    budget=st.floats(1.0, 10.0),
    dose=st.floats(0.001, 0.2),
    cap=st.integers(1, 120),
    rule_cap=st.integers(1, 150),
    holes=st.lists(st.tuples(st.floats(-8, 8), st.floats(-8, 8), st.floats(0.2, 3)), max_size=3),
)
def test_property_plans_keep_spacing_caps_volumes_and_depths(
    zones: tuple[Any, ...],
    spacing: float,
    depth: float,
    budget: float,
    dose: float,
    cap: int,
    rule_cap: int,
    holes: list[tuple[float, float, float]],
) -> None:
    chosen = [z for z in zones if z is not None]
    if not chosen:
        return
    protocol = make_protocol(caps=[("thighs", cap), (None, rule_cap)])
    exclusions = [Exclusion(Ellipse.circle(cx, cy, r)) for cx, cy, r in holes]
    p = plan(
        protocol,
        chosen,
        spacing_cm=spacing,
        depth_mm=depth,
        budget_ml={"thighs": budget},
        dose_per_point_ml={"hips": dose},
        exclusions=exclusions,
    )
    thighs = sum(z.point_count for z in p.zones if z.zone.group == "thighs")
    assert thighs <= cap
    assert p.point_count <= rule_cap
    assert (
        p.point_count
        <= p.rules[0].budget_points
        == int(budget * 1e6 + 0.5) // int(dose * 1e6 + 0.5)
    )
    vols = np.concatenate([z.points.volume_ml for z in p.zones])
    assert (vols == dose).all()
    assert p.volume_ml <= budget + 1e-9
    assert p.rules[0].volume_ml == round(p.point_count * dose, 6)
    for zp in p.zones:
        m = zp.points
        assert ((m.depth_mm >= 1.0) & (m.depth_mm <= 2.0)).all()
        outline = Polygon(zp.zone.outline_cm)
        d = np.hypot(m.x_cm[:, None] - m.x_cm[None, :], m.y_cm[:, None] - m.y_cm[None, :])
        np.fill_diagonal(d, np.inf)
        assert d.size == 0 or d.min() >= spacing - 1e-9
        for x, y in zip(m.x_cm.tolist(), m.y_cm.tolist(), strict=True):
            assert outline.contains(ShapelyPoint(x, y))
            for cx, cy, r in holes:
                assert math.hypot(x - cx, y - cy) >= r + spacing / 2 - 1e-9


def test_the_same_input_gives_the_same_points() -> None:
    a = plan(CELLULITE, LATERAL, measurements={"thigh_circumference_cm": 58})
    b = plan(CELLULITE, LATERAL, measurements={"thigh_circumference_cm": 58})
    for za, zb in zip(a.zones, b.zones, strict=True):
        assert np.array_equal(za.points.x_cm, zb.points.x_cm)
        assert np.array_equal(za.points.volume_ml, zb.points.volume_ml)
    assert get_zone("face").id == "face"


def test_format_1_protocols_still_split_their_volume_evenly() -> None:
    """A course stored before format 2 plans as it did: the volume over the points."""
    data = CELLULITE.to_dict()
    for rule in data["area_rules"]:
        rule["volume_ml"] = rule.pop("budget_ml")
        del rule["dose_per_point_ml"]
    v1 = protocol_from_data({**data, "format_version": 1})
    p = plan(v1, ["thigh-left-lateral", "hip-left"], volume_ml={"thighs": 9})
    assert p.rules[0].dose_per_point_ml is None
    # the cap of 50 is on the thighs only: every lattice point of the hip is kept
    assert [z.point_count for z in p.zones] == [50, 41]
    vols = np.concatenate([z.points.volume_ml for z in p.zones])
    assert abs(float(vols.sum()) - 9.0) < 1e-9
    assert set(np.round(vols, 6).tolist()) == {0.098901, 0.098902}  # 9 mL / 91 points
    with pytest.raises(PlanningError, match=r"--budget-ml does not apply .* --volume-ml"):
        plan(v1, ["hip-left"], budget_ml={"hips": 2})


def test_rule_max_points_is_the_cap_that_binds_this_plan() -> None:
    from mesoplan import builtin_protocols, plan

    cellulite = builtin_protocols()["cellulite"]
    thighs = plan(cellulite, ["thigh-left-lateral", "thigh-right-lateral"])
    assert thighs.rules[0].max_points == 50
    assert thighs.rules[0].point_count <= 50
    with_hip = plan(cellulite, ["thigh-left-lateral", "hip-left"])
    assert with_hip.rules[0].max_points is None  # the hips have no point cap
    assert plan(builtin_protocols()["face"], ["face"]).rules[0].max_points is None
