"""Every zone's SVG chart and the overview charts, rendered by Chromium.

The SVGs are kept as build artefacts (build/zones/), and the face, scalp and thigh
charts and the overview charts are photographed into build/screenshots/ (the docs take
their copies from there: scripts/zone_screenshots.py). Checks: a zone chart is drawn at
real size (its outline spans the centimetres it says, at 96 CSS px to 2.54 cm), every
landmark is drawn, and on an overview chart each zone is a link that a tap on its label
reaches.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest

from mesoplan.adapters.svg import overview_to_svg, zone_to_svg
from mesoplan.domain.anatomy import zone_catalogue
from mesoplan.domain.zone_overview import overview_charts, place_zones

ROOT = Path(__file__).resolve().parents[3]
ARTEFACTS = ROOT / "build" / "zones"
SHOTS = ROOT / "build" / "screenshots"
PHOTOGRAPHED = ("face", "scalp", "thigh-left-lateral")
PX_PER_CM = 96 / 2.54
ZONES = zone_catalogue()


def _keep(name: str, text: str) -> Path:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / name
    path.write_text(text, "utf-8")
    return path


def _photograph(page: Any, svg: str, name: str, width_px: int) -> None:
    """The SVG as an image ``width_px`` wide, saved as build/screenshots/NAME.png."""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    page.goto("about:blank")
    page.set_content(
        "<!doctype html><html><body style='margin:0;background:#fff'>"
        f"<img id='chart' alt='' width='{width_px}' src='data:image/svg+xml;base64,{data}'>"
        "</body></html>"
    )
    page.wait_for_function("document.getElementById('chart').complete")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#chart").screenshot(path=str(SHOTS / f"{name}.png"))


@pytest.mark.parametrize("zone_id", list(ZONES))
def test_each_zone_svg_renders_at_real_size_with_its_landmarks(page: Any, zone_id: str) -> None:
    zone = ZONES[zone_id]
    path = _keep(f"{zone_id}.svg", zone_to_svg(zone))
    page.goto(path.as_uri())
    box = page.evaluate(
        "() => { const r = document.querySelector('polygon.outline').getBoundingClientRect();"
        " return [r.width, r.height]; }"
    )
    xs = [p[0] for p in zone.outline_cm]
    ys = [p[1] for p in zone.outline_cm]
    size = [(max(xs) - min(xs)) * PX_PER_CM, (max(ys) - min(ys)) * PX_PER_CM]
    assert box == pytest.approx(size, abs=1.0)  # real size: a pixel of rounding
    drawn = page.locator("circle.landmark")
    assert drawn.count() == len(zone.landmarks) >= 4
    names = {drawn.nth(i).get_attribute("data-name") for i in range(drawn.count())}
    assert names == {m.name for m in zone.landmarks}
    for i in range(drawn.count()):
        assert drawn.nth(i).bounding_box()["width"] > 0
    if zone_id in PHOTOGRAPHED:
        _photograph(page, path.read_text("utf-8"), f"zone-{zone_id}", 720)


@pytest.mark.parametrize("chart_id", list(overview_charts()))
def test_each_overview_zone_is_a_link_a_tap_on_its_label_reaches(page: Any, chart_id: str) -> None:
    chart = overview_charts()[chart_id]
    svg = overview_to_svg(chart, ZONES, href_of=lambda z: f"#pick-{z}", height_px=900)
    path = _keep(f"overview-{chart_id}.svg", svg)
    page.set_viewport_size({"width": 1000, "height": 1000})
    page.goto(path.as_uri())
    placed = place_zones(chart, ZONES)
    root = page.locator("svg").first.bounding_box()
    every = [p for z in placed for p in z.outline] + list(chart.silhouette or ())
    xs, ys = [p[0] for p in every], [p[1] for p in every]
    pad = 0.04 * (max(ys) - min(ys))
    k = root["height"] / (max(ys) - min(ys) + 2 * pad)  # px per chart cm
    for z in placed:
        x = root["x"] + (z.label_at[0] - min(xs) + pad) * k
        y = root["y"] + (max(ys) + pad - z.label_at[1]) * k
        hit = page.evaluate(
            "([x, y]) => { const a = document.elementFromPoint(x, y)?.closest('a');"
            " return a ? a.getAttribute('href') : null; }",
            [x, y],
        )
        assert hit == f"#pick-{z.zone.id}", (chart_id, z.zone.id, hit)
    assert page.locator("a.overview-target").count() == len(placed)
    _photograph(page, svg, f"overview-{chart_id}", 420 if chart_id.startswith("body") else 520)
