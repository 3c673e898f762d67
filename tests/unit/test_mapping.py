"""Lattices, allowed regions, compact patches, cap sharing and volume splits."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from shapely import Point as ShapelyPoint
from shapely import Polygon

from mesoplan.domain.anatomy import Exclusion
from mesoplan.domain.mapping import (
    InjectionMap,
    allowed_region,
    cell_area_cm2,
    fill,
    lattice,
    nearest,
    share_cap,
    split_volume,
)
from mesoplan.domain.shapes import Ellipse, PolygonShape


def min_distance(x: np.ndarray, y: np.ndarray) -> float:
    if x.size < 2:
        return math.inf
    best = math.inf
    for start in range(0, x.size, 512):
        dx = x[start : start + 512, None] - x[None, :]
        dy = y[start : start + 512, None] - y[None, :]
        d = np.hypot(dx, dy)
        idx = np.arange(start, min(start + 512, x.size))
        d[idx - start, idx] = np.inf
        best = min(best, float(d.min()))
    return best


@pytest.mark.parametrize("pattern", ["hex", "square"])
def test_lattice_neighbours_are_one_spacing_apart(pattern: str) -> None:
    x, y = lattice((-5, -5, 5, 5), 1.0, pattern)
    assert min_distance(x, y) == pytest.approx(1.0)
    assert ((x >= -5) & (x <= 5) & (y >= -5) & (y <= 5)).all()
    expected = 100 / cell_area_cm2(1.0, pattern)
    assert 0.8 * expected <= x.size <= 1.3 * expected


def test_lattice_is_anchored_at_the_origin_and_reads_top_down() -> None:
    x, y = lattice((-3, -3, 3, 3), 1.0, "hex")
    assert any((abs(a) < 1e-12 and abs(b) < 1e-12) for a, b in zip(x, y, strict=True))
    assert (np.diff(y) <= 1e-12).all()  # rows from the top down
    x2, _ = lattice((-2.5, -3, 7, 3), 1.0, "hex")
    assert set(np.round(x2, 9)) <= set(np.round(np.arange(-10, 10, 0.5), 9))


def test_fill_keeps_half_a_spacing_inside_and_off_exclusions() -> None:
    square = PolygonShape(((0, 0), (10, 0), (10, 10), (0, 10)))
    hole = Exclusion(Ellipse.circle(5, 5, 1.0), name="mole")
    region = allowed_region(square, 1.0, [hole])
    x, y = fill(region, 1.0, "square")
    assert x.min() >= 0.5 and x.max() <= 9.5 and y.min() >= 0.5 and y.max() <= 9.5
    assert (np.hypot(x - 5, y - 5) >= 1.5 - 1e-9).all()
    assert x.size == 9 * 9 - 9  # 1..9 squared, less the 3x3 block round the mole (its
    # corners are 1.41 cm from the centre: inside the 1 cm + 0.5 cm margin keep-out)


def test_patch_limits_points() -> None:
    square = PolygonShape(((0, 0), (10, 0), (10, 10), (0, 10)))
    patch = PolygonShape(((1.5, 1.5), (4.5, 1.5), (4.5, 4.5), (1.5, 4.5)))
    x, y = fill(allowed_region(square, 1.0, [], patch), 1.0, "square")
    assert sorted(zip(x.tolist(), y.tolist(), strict=True)) == [
        (a, b) for a in (2.0, 3.0, 4.0) for b in (2.0, 3.0, 4.0)
    ]


def test_nearest_keeps_a_compact_patch_in_lattice_order() -> None:
    x, y = lattice((-5, -5, 5, 5), 1.0, "square")
    keep = nearest(x, y, (0.0, 0.0), 5)
    assert list(keep) == sorted(keep)
    assert sorted(zip(x[keep].tolist(), y[keep].tolist(), strict=True)) == [
        (-1.0, 0.0),
        (0.0, -1.0),
        (0.0, 0.0),
        (0.0, 1.0),
        (1.0, 0.0),
    ]


def test_share_cap_by_area_with_overflow() -> None:
    assert share_cap(50, [455.0, 455.0], [103, 103]) == [25, 25]
    assert share_cap(50, [300.0, 100.0], [200, 200]) == [38, 12]
    assert share_cap(50, [300.0, 100.0], [10, 200]) == [10, 40]
    assert share_cap(50, [1.0, 1.0], [3, 4]) == [3, 4]


@given(
    cap=st.integers(1, 200),
    zones=st.lists(st.tuples(st.floats(1, 1000), st.integers(0, 150)), min_size=1, max_size=6),
)
def test_property_share_cap_never_exceeds_cap_or_availability(
    cap: int, zones: list[tuple[float, int]]
) -> None:
    areas = [a for a, _ in zones]
    available = [n for _, n in zones]
    shares = share_cap(cap, areas, available)
    assert sum(shares) == min(cap, sum(available))
    assert all(0 <= s <= n for s, n in zip(shares, available, strict=True))


@given(total=st.floats(0.001, 50), count=st.integers(1, 60000))
def test_property_split_volume_adds_up_at_6_decimals(total: float, count: int) -> None:
    v = split_volume(total, count)
    assert v.size == count
    assert abs(float(np.round(v, 6).sum()) - total) <= 0.001
    assert round(v.sum() * 1e6) == round(total * 1e6)
    assert float(v.max() - v.min()) <= 1e-6 + 1e-12


def test_injection_map_ids() -> None:
    m = InjectionMap("face", np.zeros(3), np.zeros(3), np.full(3, 0.4), split_volume(1.0, 3))
    assert len(m) == 3
    assert m.ids() == ["face:0", "face:1", "face:2"]
    assert m.total_volume_ml == 1.0


@st.composite
def star_polygons(draw: st.DrawFn) -> PolygonShape:
    n = draw(st.integers(3, 9))
    angles = sorted(
        draw(st.lists(st.floats(0, 2 * math.pi - 0.01), min_size=n, max_size=n, unique=True))
    )
    radii = draw(st.lists(st.floats(2, 9), min_size=n, max_size=n))
    pts = tuple((r * math.cos(a), r * math.sin(a)) for a, r in zip(angles, radii, strict=True))
    return PolygonShape(pts)


@given(
    outline=star_polygons(),
    spacing=st.floats(0.6, 3),
    pattern=st.sampled_from(["hex", "square"]),
    holes=st.lists(st.tuples(st.floats(-6, 6), st.floats(-6, 6), st.floats(0.2, 2)), max_size=3),
)
@example(  # a sliver with a subnormal coordinate once made GEOS buffer into nonsense
    outline=PolygonShape(((2.0, 0.0), (2.0, 2.019e-218), (1.92, -0.559))),
    spacing=0.6,
    pattern="hex",
    holes=[],
)
def test_property_fill_spacing_inside_and_off_exclusions(
    outline: PolygonShape,
    spacing: float,
    pattern: str,
    holes: list[tuple[float, float, float]],
) -> None:
    if not Polygon(outline.points).is_valid:
        return
    exclusions = [Exclusion(Ellipse.circle(cx, cy, r)) for cx, cy, r in holes]
    x, y = fill(allowed_region(outline, spacing, exclusions), spacing, pattern)
    assert min_distance(x, y) >= spacing - 1e-9
    boundary = Polygon(outline.points).exterior
    poly = Polygon(outline.points)
    for px, py in zip(x.tolist(), y.tolist(), strict=True):
        p = ShapelyPoint(px, py)
        assert poly.contains(p)
        assert boundary.distance(p) >= spacing / 2 - 1e-9
        for cx, cy, r in holes:
            assert math.hypot(px - cx, py - cy) >= r + spacing / 2 - 1e-9


@given(
    st.lists(st.tuples(st.integers(-6, 6), st.integers(-6, 6)), max_size=80),
    st.integers(-1, 90),
    st.tuples(st.integers(-3, 3), st.integers(-3, 3)),
)
def test_property_nearest_is_the_stable_sort_prefix(
    cells: list[tuple[int, int]], count: int, centre: tuple[int, int]
) -> None:
    """Linear-time selection, same answer as a stable sort by distance: ties (many, on a
    lattice) keep lattice order."""
    x = np.array([c[0] * 0.5 for c in cells], dtype=np.float64)
    y = np.array([c[1] * 0.5 for c in cells], dtype=np.float64)
    c = (centre[0] * 0.5, centre[1] * 0.5)
    d2 = np.round((x - c[0]) ** 2 + (y - c[1]) ** 2, 9)
    expected = np.sort(np.argsort(d2, kind="stable")[: max(count, 0)])
    assert nearest(x, y, c, count).tolist() == expected.tolist()
