"""The versioned zone catalogue: outlines valid at any allowed measurement, landmarks on
or inside their outline, exclusions inside their zone, versions kept, areas against the
clinical notes (§5) and docs/zones.md, and the data files current with their script."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely import Point, Polygon

from mesoplan import PlanningError
from mesoplan.domain.anatomy import ZONE_MEASUREMENTS, Zone, get_zone, zone_catalogue
from mesoplan.domain.zone_catalogue import zone_versions
from mesoplan.domain.zone_overview import overview_charts, place_zones

ROOT = Path(__file__).resolve().parents[2]
ZONES = zone_catalogue()
EVERY = [(zid, v) for zid in ZONES for v in zone_versions(zid)]
LANDMARK_TOLERANCE_CM = 0.1


def whole_of(zone: Zone) -> Zone:
    """The largest zone on the same chart (frame) at the same version: the whole face,
    the whole scalp, or the zone itself."""
    same = [
        z
        for zid in ZONES
        for z in [zone_versions(zid).get(zone.version)]
        if z is not None and z.frame.id == zone.frame.id
    ]
    return max(same, key=lambda z: z.area_cm2)


def measured(zone: Zone, fx: float, fy: float) -> dict[str, float]:
    """Measurements at a fraction of each allowed range (x and y separately)."""
    out: dict[str, float] = {}
    for name, frac in ((zone.scale_y, fy), (zone.scale_x, fx)):
        if name is not None:
            m = ZONE_MEASUREMENTS[name]
            out[name] = m.min_cm + frac * (m.max_cm - m.min_cm)
    return out


fractions = st.floats(0.0, 1.0, allow_nan=False)


@settings(max_examples=150, deadline=None)
@given(ref=st.sampled_from(EVERY), fx=fractions, fy=fractions)
def test_property_every_outline_is_a_valid_polygon_at_any_allowed_measurement(
    ref: tuple[str, int], fx: float, fy: float
) -> None:
    zone = get_zone(*ref).scaled_to(measured(get_zone(*ref), fx, fy))
    shape = Polygon(zone.outline_cm)
    assert shape.is_valid, zone.ref
    assert shape.area == pytest.approx(zone.area_cm2)
    assert shape.area > 5.0


@settings(max_examples=150, deadline=None)
@given(zid=st.sampled_from(sorted(ZONES)), fx=fractions, fy=fractions)
def test_property_every_landmark_lies_inside_or_on_its_outline_within_a_millimetre(
    zid: str, fx: float, fy: float
) -> None:
    zone = ZONES[zid].scaled_to(measured(ZONES[zid], fx, fy))
    shape = Polygon(zone.outline_cm)
    for m in zone.landmarks:
        gap = shape.distance(Point(m.x_cm, m.y_cm))
        assert gap <= LANDMARK_TOLERANCE_CM, f"{zone.ref}: {m.name} is {gap * 10:.2f} mm outside"


@settings(max_examples=100, deadline=None)
@given(ref=st.sampled_from(EVERY), fx=fractions, fy=fractions)
def test_property_exclusions_lie_inside_their_zone(
    ref: tuple[str, int], fx: float, fy: float
) -> None:
    """On the newest version each zone's exclusions lie inside it; version 1 gave every
    face zone the whole face's exclusions, which lie inside the whole face."""
    base = get_zone(*ref)
    where = base if base.version >= 2 else whole_of(base)
    size = measured(base, fx, fy)
    zone, holder = base.scaled_to(size), where.scaled_to(size)
    shape = Polygon(holder.outline_cm).buffer(1e-6)
    for e in zone.exclusions:
        assert shape.contains(e.shape.geometry()), f"{zone.ref}: {e.name}"


def test_every_zone_has_at_least_four_named_landmarks_that_determine_a_fit() -> None:
    for zone in ZONES.values():
        names = [m.name for m in zone.landmarks]
        assert len(names) >= 4 and len(set(names)) == len(names), zone.id
        # an affine fit through them is determined: they spread at least 5 mm (RMS) in
        # every direction, so no three-parameter fit per axis is degenerate
        xy = np.array([[m.x_cm, m.y_cm] for m in zone.landmarks])
        spread = np.linalg.svd(xy - xy.mean(axis=0), compute_uv=False) / np.sqrt(len(xy))
        assert spread.min() >= 0.5, (zone.id, spread)
        assert zone.version == 2


def test_sub_zones_of_version_2_do_not_overlap_and_lie_inside_the_whole() -> None:
    for whole in ("face", "scalp"):
        big = Polygon(ZONES[whole].outline_cm).buffer(1e-6)
        subs = [z for z in ZONES.values() if z.frame.id == whole and z.id != whole]
        for z in subs:
            assert big.contains(Polygon(z.outline_cm)), z.id
        for i, a in enumerate(subs):
            for b in subs[i + 1 :]:
                assert Polygon(a.outline_cm).intersection(Polygon(b.outline_cm)).area < 1e-6


def test_version_1_is_the_first_catalogue_unchanged() -> None:
    lateral = get_zone("thigh-left-lateral", 1)
    assert lateral.outline_cm == ((-4.75, 0.0), (4.75, 0.0), (6.625, 40.0), (-6.625, 40.0))
    assert lateral.area_cm2 == pytest.approx(455.0)
    abdomen = get_zone("abdomen@1")
    assert [e.name for e in abdomen.exclusions] == ["umbilicus"]
    assert abdomen.landmarks == () and abdomen.lines == ()
    assert round(get_zone("face@1").area_cm2, 1) == 456.4


def test_zone_versions_by_name_and_the_newest_by_default() -> None:
    assert list(zone_versions("face")) == [1, 2]
    assert get_zone("face").version == 2 and get_zone("face").ref == "face@2"
    assert get_zone("face", 1) is get_zone("face@1")
    assert get_zone("face@1").outline_cm != get_zone("face@2").outline_cm
    with pytest.raises(PlanningError, match="has no version 9; versions: 1, 2"):
        get_zone("face@9")
    for bad in ("face@x", "face@", "face@1234567", "face@-1"):
        with pytest.raises(PlanningError, match="after @ comes a version number"):
            get_zone(bad)
    with pytest.raises(PlanningError, match="unknown zone 'fase@1'"):
        get_zone("fase@1")


@pytest.mark.parametrize("side", ["left", "right"])
def test_version_2_thigh_adds_up_to_the_clinical_notes_whole_thigh(side: str) -> None:
    total = sum(
        ZONES[f"thigh-{side}-{a}"].area_cm2 for a in ("anterior", "lateral", "posterior", "medial")
    )
    assert 1600 * 0.95 <= total <= 1600 * 1.05  # clinical-notes §5: about 1,600 cm²


def test_docs_list_each_zone_area_at_reference_for_every_version() -> None:
    text = (ROOT / "docs" / "zones.md").read_text("utf-8")
    rows = dict(
        ((m[1], int(m[2])), (float(m[3]), m[4]))
        for m in re.finditer(r"^\| `([a-z0-9-]+)` \| (\d+) \| ([\d.]+) \| ([^|]*)\|", text, re.M)
    )
    for zid, version in EVERY:
        assert (zid, version) in rows, f"docs/zones.md has no area row for {zid}@{version}"
        area, _ = rows[(zid, version)]
        assert area == round(get_zone(zid, version).area_cm2), (zid, version)


def test_landmarks_are_documented() -> None:
    text = (ROOT / "docs" / "zones.md").read_text("utf-8")
    for zone in ZONES.values():
        for m in zone.landmarks:
            assert m.name in text, f"docs/zones.md does not name the landmark {m.name!r}"


def test_the_data_files_are_what_the_script_writes() -> None:
    spec = importlib.util.spec_from_file_location(
        "zone_outlines", ROOT / "scripts" / "zone_outlines.py"
    )
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    data = ROOT / "src" / "mesoplan" / "anatomy"
    assert json.loads((data / "zones-v2.json").read_text("utf-8")) == json.loads(
        json.dumps(script.collection(2, script.version_2()))
    )
    assert json.loads((data / "overview.json").read_text("utf-8")) == json.loads(
        json.dumps(script.overview())
    )


def test_overview_charts_place_every_zone_and_keep_targets_apart() -> None:
    charts = overview_charts()
    assert list(charts) == ["body-front", "body-back", "face", "scalp"]
    shown = {zid for c in charts.values() for zid in c.zone_ids()}
    assert shown == set(ZONES)
    for chart in charts.values():
        placed = place_zones(chart, ZONES)
        for i, a in enumerate(placed):
            pa = Polygon(a.outline)
            assert pa.is_valid and pa.contains(Point(a.label_at)), (chart.id, a.zone.id)
            for b in placed[i + 1 :]:
                pb = Polygon(b.outline)
                inside = pa.buffer(1e-6).contains(pb)  # a sub-zone drawn on its whole zone
                assert inside or pa.intersection(pb).area < 0.05, (chart.id, a.zone.id, b.zone.id)


def test_overview_of_a_version_1_zone_draws_its_version_1_outline() -> None:
    chart = overview_charts()["body-front"]
    old = {"thigh-left-lateral": get_zone("thigh-left-lateral@1")}
    (placed,) = place_zones(chart, old)
    p = next(p for p in chart.placements if p.zone == "thigh-left-lateral")
    assert placed.outline == p.place(old["thigh-left-lateral"].outline_cm)
    assert len(placed.outline) == 4
