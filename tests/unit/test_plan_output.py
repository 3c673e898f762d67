"""Plan outputs: JSON against the shipped schema, determinism, SVG as XML, CSV."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from mesoplan import (
    Exclusion,
    NeedleInsertion,
    Override,
    Patch,
    Plan,
    PolygonShape,
    builtin_protocols,
    plan,
    plan_to_csv,
    plan_to_dict,
    plan_to_json,
    plan_to_svg,
    zone_from_geojson,
    zone_to_svg,
)
from mesoplan.adapters.plan_output import plan_schema
from mesoplan.domain.anatomy import get_zone
from mesoplan.domain.shapes import Ellipse

P = builtin_protocols()
SVG = "{http://www.w3.org/2000/svg}"
VALIDATOR = Draft202012Validator(plan_schema())


def custom_plan() -> Plan:
    zone = zone_from_geojson(
        {
            "type": "Feature",
            "properties": {"zone": "scar-patch", "group": "hips"},
            "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [12, 0], [12, 9], [0, 0]]]},
        }
    )
    return plan(
        P["cellulite"],
        [zone, "thigh-left-lateral"],
        patches=[Patch(PolygonShape(((-5, 10), (5, 10), (5, 30), (-5, 30))), "thigh-left-lateral")],
        exclusions=[Exclusion(Ellipse.circle(0, 20, 1.5), name="mole", zone="thigh-left-lateral")],
        overrides=[Override("budget_ml.thighs", 12, "large patch, agreed with the patient")],
        needle=NeedleInsertion(4, 30),
        measurements={"thigh_circumference_cm": 60},
    )


PLANS = {
    "cellulite": lambda: plan(P["cellulite"], ["thigh-left-lateral", "thigh-right-lateral"]),
    "cellulite-stomach": lambda: plan(P["cellulite"], ["hip-right", "abdomen"], pattern="square"),
    "face": lambda: plan(P["face"], ["forehead", "cheek-left", "periorbital-right"]),
    "hair": lambda: plan(P["hair"], ["scalp"]),
    "custom": custom_plan,
}


@pytest.mark.parametrize("name", sorted(PLANS))
def test_json_matches_the_shipped_schema(name: str) -> None:
    data = json.loads(plan_to_json(PLANS[name]()))
    errors = sorted(VALIDATOR.iter_errors(data), key=str)
    assert not errors, errors[0]


def test_calendar_keys_are_optional_in_the_schema() -> None:
    data = plan_to_dict(PLANS["hair"]())
    data["sessions"] = [
        {
            "number": 1,
            "phase": "induction",
            "date": "2025-01-06",
            "start": "2025-01-06T10:00+01:00",
            "window_start": "2025-01-05",
            "window_end": "2025-01-07",
            "protocol": "hair@2.0.0",
        }
    ]
    data["follow_up"] = [{"date": "2025-08-28", "reason": "end-of-course review"}]
    assert not list(VALIDATOR.iter_errors(data))
    data["unknown"] = 1
    assert list(VALIDATOR.iter_errors(data))


def test_same_input_gives_byte_identical_json() -> None:
    assert plan_to_json(custom_plan()) == plan_to_json(custom_plan())


def test_json_numbers_ids_and_totals() -> None:
    data = plan_to_dict(custom_plan())
    assert [o["field"] for o in data["overrides"]] == ["budget_ml.thighs"]
    assert data["needle"]["depth_reached_mm"] == 2.0
    for zone in data["zones"]:
        ids = [p["id"] for p in zone["points"]]
        assert ids == [f"{zone['zone']}:{i}" for i in range(len(ids))]
        assert {p["volume_ml"] for p in zone["points"]} == {0.2}
        assert zone["dose_per_point_ml"] == 0.2
    # 6 points on the scar patch and 49 on the thigh: 55 x 0.2 mL, inside the 12 mL budget
    assert [z["point_count"] for z in data["zones"]] == [6, 49]
    assert data["totals"] == {"point_count": 55, "volume_ml": 11.0}
    rule = data["rules"][0]
    assert (rule["budget_ml"], rule["budget_max_points"], rule["left_out_by_budget"]) == (12, 60, 0)
    assert rule["ingredient_mg"] == {}
    codes = {w["code"] for w in data["warnings"]}
    assert {"override", "needle_depth"} <= codes


def test_a_dense_face_map_is_bounded_by_its_budget() -> None:
    data = plan_to_dict(plan(P["face"], ["face"], spacing_cm=0.2))
    zone, rule = data["zones"][0], data["rules"][0]
    points = zone["points"]
    # 3 mL / 0.0016 mL = 1,875 points of the 11,636 on the lattice, every one 0.0016 mL
    assert zone["lattice_point_count"] == 11636
    assert len(points) == 1875
    assert {p["volume_ml"] for p in points} == {0.0016}
    assert rule["volume_ml"] == 3.0
    assert (rule["budget_max_points"], rule["left_out_by_budget"]) == (1875, 11636 - 1875)
    assert "budget" in {w["code"] for w in data["warnings"]}


def parse_svg(text: str) -> ET.Element:
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == f"{SVG}svg"
    return root


def classes(root: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in root.iter() if e.get("class") == name]


@pytest.mark.parametrize("name", ["cellulite", "face", "custom"])
def test_svg_is_xml_with_outline_and_one_mark_per_point(name: str) -> None:
    the_plan = PLANS[name]()
    root = parse_svg(plan_to_svg(the_plan))
    title = root.find(f"{SVG}title")
    assert title is not None and title.text is not None
    assert f"{the_plan.protocol_id} {the_plan.protocol_version}" in title.text
    assert root.get("width", "").endswith("cm")
    assert len(classes(root, "outline")) == len(the_plan.zones)
    marks = classes(root, "point")
    assert len(marks) == the_plan.point_count
    ids = {m.get("data-id") for m in marks}
    assert ids == {f"{z.zone.id}:{i}" for z in the_plan.zones for i in range(z.point_count)}
    assert classes(root, "legend") and classes(root, "scale-bar")


def test_svg_draws_exclusions_and_patches() -> None:
    root = parse_svg(plan_to_svg(custom_plan()))
    assert len(classes(root, "exclusion")) == 1
    assert len(classes(root, "patch")) == 1
    face = parse_svg(plan_to_svg(PLANS["face"]()))
    assert classes(face, "exclusion")  # the right eye reaches into periorbital-right


def test_zone_svg_shows_builtin_exclusions_that_touch_the_zone() -> None:
    root = parse_svg(zone_to_svg(get_zone("face")))
    assert len(classes(root, "exclusion")) == 4
    eye = parse_svg(zone_to_svg(get_zone("periorbital-left")))
    assert len(classes(eye, "exclusion")) == 1


def test_csv_has_one_row_per_point() -> None:
    the_plan = custom_plan()
    rows: list[dict[str, Any]] = list(csv.DictReader(io.StringIO(plan_to_csv(the_plan))))
    assert len(rows) == the_plan.point_count
    assert rows[0].keys() == {
        "point_id", "zone", "group", "x_cm", "y_cm", "depth_mm", "volume_ml", "layer"
    }  # fmt: skip
    assert {r["volume_ml"] for r in rows} == {"0.200000"}
    assert abs(sum(float(r["volume_ml"]) for r in rows) - 11.0) <= 1e-9


DOCS = Path(__file__).resolve().parents[2] / "docs"


def keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys(v)}
    return set()


def test_every_json_key_and_warning_code_is_documented() -> None:
    text = (DOCS / "plan-json.md").read_text(encoding="utf-8")
    data = plan_to_dict(custom_plan())
    data["zones"][0]["exclusions"].append(Ellipse(0, 0, 1, 2).to_dict())
    data["measurements"] = {}  # its keys are measurement names (docs/zones.md)
    missing = sorted(k for k in keys(data) | {"sessions", "follow_up"} if f"`{k}`" not in text)
    assert not missing, f"keys missing from docs/plan-json.md: {missing}"
    codes = plan_schema()["properties"]["warnings"]["items"]["properties"]["code"]["enum"]
    assert [c for c in codes if f"`{c}`" not in text] == []
