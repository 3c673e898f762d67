"""Points added by hand to a planned map: inside the zone, outside exclusions, under the
caps, and the rule's volume split again (never raised)."""

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


def test_an_added_point_takes_the_zone_depth_and_the_volume_is_split_again() -> None:
    before = forehead()
    zone = before["zones"][0]
    x, y = zone["points"][0]["x_cm"] + 0.5, zone["points"][0]["y_cm"]
    after = add_points(before, FACE, [AddedPoint("forehead", x, y)])
    z = after["zones"][0]
    assert z["point_count"] == zone["point_count"] + 1
    added = z["points"][-1]
    assert added == {
        "id": f"forehead:{zone['point_count']}",
        "x_cm": round(x, 3),
        "y_cm": round(y, 3),
        "depth_mm": zone["depth_mm"],
        "volume_ml": added["volume_ml"],
    }
    volumes = [p["volume_ml"] for p in z["points"]]
    assert round(sum(volumes), 6) == before["totals"]["volume_ml"] == after["totals"]["volume_ml"]
    assert max(volumes) - min(volumes) <= 0.001 + 1e-9  # whole microlitres, evenly
    assert after["totals"]["point_count"] == before["totals"]["point_count"] + 1
    assert before["zones"][0]["point_count"] == zone["point_count"]  # the input is unchanged


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
