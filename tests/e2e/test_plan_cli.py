"""``mesoplan plan``, ``mesoplan zones`` and ``mesoplan demo-plans`` as subprocesses."""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from mesoplan.adapters.plan_output import plan_schema

from .conftest import Run

LATERAL = ("--zone", "thigh-left-lateral", "--zone", "thigh-right-lateral")


def square(x0: float, y0: float, x1: float, y1: float) -> dict[str, Any]:
    ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    return {"type": "Polygon", "coordinates": [ring]}


def plan_json(mesoplan: Run, *args: str) -> dict[str, Any]:
    proc = mesoplan("plan", *args, "--format", "json", check=True)
    data: dict[str, Any] = json.loads(proc.stdout)
    assert not list(Draft202012Validator(plan_schema()).iter_errors(data))
    return data


def points(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for z in data["zones"] for p in z["points"]]


def test_cellulite_on_both_lateral_thighs(mesoplan: Run) -> None:
    data = plan_json(mesoplan, "--protocol", "cellulite", *LATERAL)
    pts = points(data)
    assert 0 < len(pts) <= 50
    assert data["totals"]["point_count"] == len(pts)
    for z in data["zones"]:
        assert z["spacing_cm"] == 2.0
        zone_pts = [(p["x_cm"], p["y_cm"]) for p in z["points"]]
        for a, b in combinations(zone_pts, 2):
            assert math.dist(a, b) >= 2.0 - 1e-3
    assert all(1.0 <= p["depth_mm"] <= 2.0 for p in pts)
    assert {p["volume_ml"] for p in pts} == {0.2}
    assert data["totals"]["volume_ml"] == 10.0
    caps = [w for w in data["warnings"] if w["code"] == "point_cap"]
    assert len(caps) == 1 and "50 points" in caps[0]["message"]
    assert data["protocol"]["id"] == "cellulite" and data["protocol"]["hash"].startswith("sha256:")


def test_face_and_hair_stay_inside_the_article_ranges(mesoplan: Run) -> None:
    face = plan_json(mesoplan, "--protocol", "face", "--zone", "face")
    z = face["zones"][0]
    assert 0.1 <= z["spacing_cm"] <= 1.0 and 0.2 <= z["depth_mm"] <= 0.6
    assert (face["totals"]["point_count"], face["totals"]["volume_ml"]) == (1771, 2.8336)
    assert {e["name"] for e in z["exclusions"]} >= {"left eye", "right eye", "lips", "nose"}
    hair = plan_json(mesoplan, "--protocol", "hair", "--zone", "scalp", "--spacing-cm", "1")
    z = hair["zones"][0]
    assert z["spacing_cm"] == 1.0 and 0.5 <= z["depth_mm"] <= 0.6
    # the whole scalp at 1 cm: 566 points of 0.0049 mL, inside the 5 mL budget
    assert (hair["totals"]["point_count"], hair["totals"]["volume_ml"]) == (566, 2.7734)
    assert hair["rules"][0]["dose_per_point_ml"] == 0.0049


def test_choices_overrides_and_measurements(mesoplan: Run, tmp_path: Path) -> None:
    patch = tmp_path / "patch.geojson"
    patch.write_text(json.dumps(square(-6, 20, 6, 38)))
    data = plan_json(
        mesoplan, "--protocol", "cellulite", "--zone", "thigh-left-lateral", "--zone", "hip-left",
        "--measure", "thigh_circumference_cm=60", "--budget-ml", "hips=8", "--pattern", "square",
        "--patch", str(patch), "--exclude", "thigh-left-lateral:circle:0,30,1.5",
        "--override", "depth_mm=2.2", "--reason", "thick skin on ultrasound",
    )  # fmt: skip
    assert data["overrides"] == [
        {"field": "depth_mm", "value": 2.2, "reason": "thick skin on ultrasound"}
    ]
    assert data["measurements"] == {"thigh_circumference_cm": 60.0}
    thigh = data["zones"][0]
    assert thigh["pattern"] == "square" and thigh["scale"][0] > 1.1
    assert all(p["y_cm"] > 20 for p in thigh["points"])
    assert all(math.dist((p["x_cm"], p["y_cm"]), (0, 30)) >= 2.5 - 1e-3 for p in thigh["points"])
    # the 8 mL budget holds 40 points of 0.2 mL; the patch and the mole leave room for 35
    assert data["rules"][0]["budget_max_points"] == 40
    assert data["totals"] == {"point_count": 35, "volume_ml": 7.0}
    assert {"override", "layer_route"} <= {w["code"] for w in data["warnings"]}


def test_svg_and_csv(mesoplan: Run, tmp_path: Path) -> None:
    out = tmp_path / "map.svg"
    proc = mesoplan("plan", "--protocol", "cellulite", *LATERAL, "--format", "svg", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    root = ET.fromstring(out.read_bytes())
    marks = [e for e in root.iter() if e.get("class") == "point"]
    assert len(marks) == 50
    csv_out = mesoplan("plan", "--protocol", "hair", "--zone", "scalp-crown", "--format", "csv")
    lines = csv_out.stdout.splitlines()
    assert lines[0] == "point_id,zone,group,x_cm,y_cm,depth_mm,volume_ml,layer"
    assert lines[1].startswith("scalp-crown:0,scalp-crown,scalp,")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--protocol", "botox", "--zone", "face"), "valid: cellulite, face, hair"),
        (("--protocol", "cellulite", "--zone", "thigh"), "valid zones: thigh-left-anterior"),
        (("--protocol", "cellulite", "--zone", "face"), "it covers groups thighs, hips, stomach"),
        (
            ("--protocol", "cellulite", "--zone", "hip-left", "--measure", "girth=40"),
            "valid measurements: thigh_circumference_cm",
        ),
        (
            ("--protocol", "cellulite", "--zone", "hip-left", "--depth-mm", "3"),
            "1 to 2 mm; to go outside it, override it with a reason (--override depth_mm=3",
        ),
        (
            ("--protocol", "face", "--zone", "face", "--spacing-cm", "2"),
            "0.1 to 1 cm",
        ),
        (
            ("--protocol", "cellulite", "--zone", "hip-left", "--budget-ml", "hips=20"),
            "5 to 10 mL",
        ),
        (
            ("--protocol", "cellulite", "--zone", "hip-left", "--volume-ml", "hips=8"),
            "it takes --dose-ml, --budget-ml",
        ),
        (
            ("--protocol", "face", "--zone", "face", "--dose-ml", "face=0.02"),
            "0.001 to 0.0093 mL",
        ),
        (("--protocol", "face", "--zone", "face", "--spacing-cm", "nan"), "finite number"),
        (("--protocol", "face", "--zone", "face", "--spacing-cm", "inf"), "finite number"),
        (("--protocol", "face", "--zone", "face", "--dose-ml", "face=nan"), "finite number"),
        (
            (
                "--protocol",
                "face",
                "--zone",
                "face",
                "--override",
                "spacing_cm=0.001",
                "--reason",
                "a test",
            ),
            "more than the 200,000 a plan may have (MESOPLAN_MAX_PLAN_POINTS)",
        ),
        (
            ("--protocol", "cellulite", "--zone", "hip-left", "--override", "depth_mm=3"),
            "--override needs --reason",
        ),
        (("--protocol", "cellulite", "--zone", "hip-left", "--exclude", "x"), "valid forms"),
        (("--protocol", "cellulite", "--zone", "hip-left", "--pattern", "tri"), "hex, square"),
    ],
)
def test_errors_exit_2_with_one_clear_line(
    mesoplan: Run, args: tuple[str, ...], expected: str
) -> None:
    proc = mesoplan("plan", *args)
    assert proc.returncode == 2, proc.stdout
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert expected in lines[0]
    assert proc.stdout == ""


def test_custom_zone_file(mesoplan: Run, tmp_path: Path) -> None:
    zone = tmp_path / "patch-zone.geojson"
    zone.write_text(
        json.dumps(
            {
                "type": "Feature",
                "properties": {"zone": "left-saddlebag", "group": "thighs"},
                "geometry": square(0, 0, 16, 14),
            }
        )
    )  # fmt: skip
    data = plan_json(mesoplan, "--protocol", "cellulite", "--zone", str(zone))
    assert data["zones"][0]["zone"] == "left-saddlebag" and data["zones"][0]["custom"]
    assert data["totals"]["point_count"] > 20


def test_zones_list_and_show(mesoplan: Run) -> None:
    rows = json.loads(mesoplan("zones", "list", "--format", "json", check=True).stdout)
    assert len(rows) >= 33 and rows[0]["zone"] == "thigh-left-anterior"
    measure = ("--measure", "thigh_circumference_cm=63.6")
    shown = mesoplan(
        "zones", "show", "thigh-left-lateral", *measure, "--format", "json", check=True
    )
    data = json.loads(shown.stdout)
    assert data["scale"] == [1.2, 1.0] and data["area_cm2"] == pytest.approx(579.91, abs=0.01)
    assert (data["version"], data["versions"]) == (2, [1, 2])
    trochanter = next(m for m in data["landmarks"] if m["name"] == "greater trochanter")
    assert (trochanter["x_cm"], trochanter["y_cm"]) == (0.0, 38.0)  # x scaled, y not
    old = json.loads(
        mesoplan("zones", "show", "thigh-left-lateral@1", *measure, "--format", "json").stdout
    )
    assert old["version"] == 1 and old["area_cm2"] == pytest.approx(546.0)
    assert old["landmarks"] == [] and len(old["outline_cm"]) == 4
    svg = mesoplan("zones", "show", "face", "--format", "svg", check=True).stdout
    root = ET.fromstring(svg.encode())
    assert root.tag.endswith("svg")
    marks = [e for e in root.iter() if e.get("class") == "landmark"]
    assert len(marks) == 8 and {"nasion", "subnasale"} <= {e.get("data-name") for e in marks}
    text = mesoplan("zones", "show", "scalp", check=True).stdout
    assert "origin: the vertex" in text and "version: 2 (versions: 1, 2)" in text
    assert "    crown (whorl): 0.00, -6.50" in text
    bad = mesoplan("zones", "show", "elbow")
    assert bad.returncode == 2 and "valid zones:" in bad.stderr
    missing = mesoplan("zones", "show", "face@3")
    assert missing.returncode == 2 and "has no version 3; versions: 1, 2" in missing.stderr


def test_demo_plans(mesoplan: Run, tmp_path: Path) -> None:
    out = tmp_path / "demo"
    proc = mesoplan("demo-plans", "--output", str(out), check=True)
    for pid in ("cellulite", "face", "hair"):
        data = json.loads((out / f"{pid}.json").read_text())
        assert data["protocol"]["id"] == pid
        ET.fromstring((out / f"{pid}.svg").read_bytes())
        assert f"protocol {pid} 2.0.0" in proc.stdout


def test_a_format_1_file_plans_converted_with_a_warning(mesoplan: Run) -> None:
    v1 = Path(__file__).resolve().parents[1] / "protocols_v1" / "face-1.0.0.toml"
    proc = mesoplan(
        "plan", "--protocol-file", str(v1), "--zone", "periorbital-left", "--format", "json"
    )
    assert proc.returncode == 0, proc.stderr
    assert "converted on load to format 2" in proc.stderr
    data = json.loads(proc.stdout)
    # the same derivation as the built-in face 2.0.0: 23 points of 0.0016 mL, not 3 mL
    assert (data["totals"]["point_count"], data["totals"]["volume_ml"]) == (23, 0.0368)


def test_the_work_bound_comes_from_the_environment(mesoplan: Run) -> None:
    env = {"MESOPLAN_MAX_PLAN_POINTS": "1000"}
    proc = mesoplan("plan", "--protocol", "face", "--zone", "face", env=env)
    assert proc.returncode == 2
    assert "more than the 1,000 a plan may have" in proc.stderr
    ok = mesoplan("plan", "--protocol", "face", "--zone", "periorbital-left", env=env)
    assert ok.returncode == 0, ok.stderr
    bad = mesoplan(
        "plan", "--protocol", "face", "--zone", "face", env={"MESOPLAN_MAX_PLAN_POINTS": "x"}
    )
    assert bad.returncode == 2 and "MESOPLAN_MAX_PLAN_POINTS must be a whole number" in bad.stderr
