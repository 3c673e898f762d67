"""Points added by hand to a planned map: inside the zone, outside exclusions, under the
caps and the budget, each with the rule's dose (a format 1 plan's volume is split again,
never raised)."""

from __future__ import annotations

from typing import Any

import pytest

from mesoplan.adapters.plan_output import plan_to_dict
from mesoplan.domain.anatomy import Exclusion
from mesoplan.domain.errors import PlanningError
from mesoplan.domain.plan_edits import AddedPoint, add_points
from mesoplan.domain.planner import plan
from mesoplan.domain.shapes import Ellipse
from mesoplan.protocols import builtin_protocols

FACE = builtin_protocols()["face"]
CELLULITE = builtin_protocols()["cellulite"]


def forehead(**kwargs: Any) -> dict[str, Any]:
    return plan_to_dict(plan(FACE, ["forehead"], spacing_cm=1.0, **kwargs))


def test_an_added_point_takes_the_zone_depth_and_the_rule_dose() -> None:
    before = forehead()
    zone = before["zones"][0]
    x, y = zone["points"][0]["x_cm"] + 0.5, zone["points"][0]["y_cm"]
    after = add_points(before, FACE, [AddedPoint("forehead", x, y)])
    z = after["zones"][0]
    n = zone["point_count"]
    assert z["point_count"] == n + 1
    assert z["points"][-1] == {
        "id": f"forehead:{n}",
        "x_cm": round(x, 3),
        "y_cm": round(y, 3),
        "depth_mm": zone["depth_mm"],
        "volume_ml": 0.0016,
    }
    assert {p["volume_ml"] for p in z["points"]} == {0.0016}
    assert after["rules"][0]["volume_ml"] == round((n + 1) * 0.0016, 6)
    assert after["totals"] == {"point_count": n + 1, "volume_ml": round((n + 1) * 0.0016, 6)}
    assert before["zones"][0]["point_count"] == n  # the input is unchanged


def test_the_budget_holds_for_added_points() -> None:
    doc = plan_to_dict(plan(CELLULITE, ["abdomen"]))
    assert doc["totals"] == {"point_count": 25, "volume_ml": 5.0}  # 5 mL / 0.2 mL
    p = doc["zones"][0]["points"][0]
    with pytest.raises(PlanningError, match="the budget of 5 mL holds at most 25"):
        add_points(doc, CELLULITE, [AddedPoint("abdomen", p["x_cm"] + 1, p["y_cm"])])


def test_a_format_1_plan_splits_its_volume_again() -> None:
    import tomllib
    from pathlib import Path

    from mesoplan.domain.protocol_text import protocol_from_data

    text = (Path(__file__).parents[1] / "protocols_v1" / "face-1.0.0.toml").read_text("utf-8")
    v1 = protocol_from_data(tomllib.loads(text))
    before = plan_to_dict(plan(v1, ["forehead"], spacing_cm=1.0))
    zone = before["zones"][0]
    x, y = zone["points"][0]["x_cm"] + 0.5, zone["points"][0]["y_cm"]
    after = add_points(before, v1, [AddedPoint("forehead", x, y)])
    volumes = [p["volume_ml"] for p in after["zones"][0]["points"]]
    assert len(volumes) == zone["point_count"] + 1
    assert round(sum(volumes), 6) == before["totals"]["volume_ml"] == after["totals"]["volume_ml"]
    assert max(volumes) - min(volumes) <= 1e-6 + 1e-12  # whole nanolitres, evenly


def test_points_outside_the_zone_or_inside_an_exclusion_are_refused() -> None:
    with pytest.raises(PlanningError, match="outside the zone's outline"):
        add_points(forehead(), FACE, [AddedPoint("forehead", 500.0, 500.0)])
    with pytest.raises(PlanningError, match="zone 'cheek-left' is not in the plan"):
        add_points(forehead(), FACE, [AddedPoint("cheek-left", 0.0, 0.0)])
    doc = forehead()
    p = doc["zones"][0]["points"][10]
    mole = Exclusion(Ellipse.circle(p["x_cm"], p["y_cm"], 0.4), name="mole", zone="forehead")
    with_mole = forehead(exclusions=[mole])
    with pytest.raises(PlanningError, match="inside exclusion 'mole'"):
        add_points(with_mole, FACE, [AddedPoint("forehead", p["x_cm"], p["y_cm"] + 0.6)])


def test_a_point_cap_holds_for_added_points() -> None:
    doc = plan_to_dict(plan(CELLULITE, ["thigh-left-lateral", "thigh-right-lateral"]))
    assert doc["totals"]["point_count"] == 50  # the protocol's cap on thighs
    p = doc["zones"][0]["points"][0]
    with pytest.raises(PlanningError, match="at most 50"):
        add_points(doc, CELLULITE, [AddedPoint("thigh-left-lateral", p["x_cm"] + 1, p["y_cm"])])


def test_a_plan_from_another_protocol_is_refused() -> None:
    with pytest.raises(PlanningError, match="not made from this protocol"):
        add_points(forehead(), CELLULITE, [AddedPoint("forehead", 0.0, 0.0)])
