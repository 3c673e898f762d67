"""Injection maps: columnar point arrays, lattices, exclusions, caps, point-count bounds
and the format 1 volume split.

A map is four NumPy arrays (x_cm, y_cm, depth_mm, volume_ml), never a Python object per
point: a dense face map has tens of thousands of points. Point ``i`` of zone ``z`` has
the id ``"z:i"``; ids are derived, not stored.

Lattices are anchored at the zone frame's origin, so the same zone at the same spacing
gives the same points at every session. A point stands at least half a spacing inside
the outline and outside every exclusion's margin.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .anatomy import Exclusion
from .shapes import Point, Shape

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

PATTERNS: tuple[str, ...] = ("hex", "square")
NANOLITRES_PER_ML = 1_000_000
"""Format 1 volumes are split in whole nanolitres (1e-6 mL: the JSON's 6 decimals)."""


@dataclass(frozen=True, eq=False)
class InjectionMap:
    """The points of one zone, columnar. All arrays have one entry per point."""

    zone: str
    x_cm: FloatArray
    y_cm: FloatArray
    depth_mm: FloatArray
    volume_ml: FloatArray

    def __len__(self) -> int:
        return int(self.x_cm.shape[0])

    def point_id(self, index: int) -> str:
        return f"{self.zone}:{index}"

    def ids(self) -> list[str]:
        return [f"{self.zone}:{i}" for i in range(len(self))]

    @property
    def total_volume_ml(self) -> float:
        return round(float(np.round(self.volume_ml, 6).sum()), 6)


def cell_area_cm2(spacing_cm: float, pattern: str) -> float:
    """Skin area one lattice point stands for."""
    factor = math.sqrt(3.0) / 2.0 if pattern == "hex" else 1.0
    return spacing_cm * spacing_cm * factor


def lattice(
    bounds: tuple[float, float, float, float], spacing_cm: float, pattern: str
) -> tuple[FloatArray, FloatArray]:
    """Every lattice point inside ``bounds`` (xmin, ymin, xmax, ymax), rows from the top
    down and left to right. Hexagonal rows are sqrt(3)/2 spacing apart, every other row
    shifted by half a spacing, so each point's six neighbours are one spacing away."""
    xs, ys = _rows(bounds, spacing_cm, pattern)
    keep = (xs >= bounds[0]) & (xs <= bounds[2])
    return xs[keep], ys[keep]


def _rows(
    bounds: tuple[float, float, float, float], spacing_cm: float, pattern: str
) -> tuple[FloatArray, FloatArray]:
    """The lattice rows within the bounds' y range; each row runs a little past the
    x range (at most one spacing on either side)."""
    xmin, ymin, xmax, ymax = bounds
    dy = spacing_cm * (math.sqrt(3.0) / 2.0 if pattern == "hex" else 1.0)
    rows = np.arange(math.floor(ymax / dy), math.ceil(ymin / dy) - 1, -1, dtype=np.int64)
    cols = np.arange(math.floor(xmin / spacing_cm), math.ceil(xmax / spacing_cm) + 1)
    shift = (rows % 2) * 0.5 if pattern == "hex" else np.zeros(rows.shape[0])
    xs = ((cols[np.newaxis, :] + shift[:, np.newaxis]) * spacing_cm).ravel()
    ys = np.repeat(rows * dy, cols.shape[0])
    return xs.astype(np.float64, copy=False), ys.astype(np.float64, copy=False)


@dataclass(frozen=True, eq=False)
class Region:
    """Where points may stand: inside ``shell``, outside every ``hole`` (all prepared).
    ``exclusions`` are the ones that reach into the zone, one per hole."""

    shell: Any
    holes: tuple[Any, ...]
    exclusions: tuple[Exclusion, ...]

    @property
    def is_empty(self) -> bool:
        return bool(self.shell.is_empty)


_MIN_AREA_CM2 = 1e-6


def allowed_region(
    outline: Shape,
    spacing_cm: float,
    exclusions: Sequence[Exclusion] = (),
    patch: Shape | None = None,
) -> Region:
    """The outline shrunk by half a spacing (inside the patch, if any), less every
    exclusion grown by its margin. The outline shrinks and the margins grow with mitred
    corners: a rounded corner is drawn with chords, which would let a point in a little
    nearer than half a spacing at a concave corner, while a mitre keeps it a little further
    off, never nearer. Exclusions that do not reach the outline drop."""
    import shapely

    zone = outline.geometry()
    if not zone.is_valid or zone.area < _MIN_AREA_CM2:
        shell = shapely.Polygon()  # a sliver or a self-crossing ring holds no point
    else:
        shell = zone.buffer(-spacing_cm / 2.0, join_style="mitre")
    if patch is not None:
        shell = shell.intersection(patch.geometry())
    grown = [(e, _grown(e, spacing_cm)) for e in exclusions]
    kept = [(e, g) for e, g in grown if g.intersects(zone)]
    holes = tuple(g for _, g in kept)
    shapely.prepare(shell)
    shapely.prepare(holes)
    return Region(shell, holes, tuple(e for e, _ in kept))


def _grown(e: Exclusion, spacing_cm: float) -> Any:
    margin = e.margin_for(spacing_cm)
    hole = e.shape.geometry()
    return hole.buffer(margin, join_style="mitre") if margin > 0 else hole


def touching(outline: Shape, exclusions: Sequence[Exclusion], spacing_cm: float) -> list[Exclusion]:
    """The exclusions that reach into ``outline`` (their margin included)."""
    shell = outline.geometry()
    return [e for e in exclusions if _grown(e, spacing_cm).intersects(shell)]


def fill(region: Region, spacing_cm: float, pattern: str) -> tuple[FloatArray, FloatArray]:
    """The lattice points strictly inside the shell and not inside a hole. Holes are
    tested only on the points inside their bounding box."""
    import shapely

    if region.is_empty:
        empty = np.zeros(0)
        return empty, empty.copy()
    x, y = _rows(region.shell.bounds, spacing_cm, pattern)  # contains_xy trims the ends
    inside = shapely.contains_xy(region.shell, x, y)
    x, y = x[inside], y[inside]
    keep = np.ones(x.shape[0], dtype=bool)
    for hole in region.holes:
        xmin, ymin, xmax, ymax = hole.bounds
        near = np.flatnonzero((x >= xmin) & (x <= xmax) & (y >= ymin) & (y <= ymax))
        if near.size:
            keep[near[shapely.contains_xy(hole, x[near], y[near])]] = False
    return x[keep], y[keep]


def nearest(x: FloatArray, y: FloatArray, centre: Point, count: int) -> IntArray:
    """Indices (ascending) of the ``count`` points nearest ``centre``: one compact patch.
    Ties keep lattice order, so the choice is deterministic."""
    d2 = np.round((x - centre[0]) ** 2 + (y - centre[1]) ** 2, 9)
    n = int(d2.shape[0])
    if count >= n:
        return np.arange(n, dtype=np.int64)
    if count <= 0:
        return np.zeros(0, dtype=np.int64)
    # What a stable argsort would keep, in linear time: every point nearer than the
    # count-th distance, then the points at that distance in lattice order.
    kth = np.partition(d2, count - 1)[count - 1]
    below = np.flatnonzero(d2 < kth)
    ties = np.flatnonzero(d2 == kth)[: count - below.shape[0]]
    return np.sort(np.concatenate([below, ties])).astype(np.int64)


def share_cap(cap: int, areas: Sequence[float], available: Sequence[int]) -> list[int]:
    """Split ``cap`` points over zones in proportion to their areas, never giving a zone
    more than it has: what a zone cannot take goes to the others. Whole points are
    handed out by largest remainder, ties to the earlier zone."""
    target = min(cap, sum(available))
    shares = [0] * len(areas)
    active = [i for i, n in enumerate(available) if n > 0]
    while active and sum(shares) < target:
        left = target - sum(shares)
        weight = {i: max(areas[i], 1e-9) for i in active}
        total = sum(weight.values())
        raw = {i: left * weight[i] / total for i in active}
        alloc = {i: math.floor(raw[i]) for i in active}
        by_remainder = sorted(active, key=lambda i: (alloc[i] - raw[i], i))
        for i in by_remainder[: left - sum(alloc.values())]:
            alloc[i] += 1
        for i in active:
            shares[i] += min(alloc[i], available[i] - shares[i])
        active = [i for i in active if shares[i] < available[i]]
    return shares


def point_bound(outline: Shape, spacing_cm: float, patch: Shape | None = None) -> int:
    """An upper bound of the lattice points that :func:`fill` can place, from areas only
    (no lattice is allocated). Points stand at least half a spacing inside the outline
    and a spacing apart, so the discs of radius s/2 round them lie inside the outline
    (and within s/2 of the patch) and do not overlap: n * pi * s^2 / 4 <= area."""
    import shapely

    if not (math.isfinite(spacing_cm) and spacing_cm > 0):
        return 0
    zone = outline.geometry()
    if not zone.is_valid or zone.area < _MIN_AREA_CM2:
        return 0
    area = float(zone.area)
    if patch is not None:
        # The buffer's arcs are chords inside the true arcs: grow it a little more.
        grown = patch.geometry().buffer(spacing_cm / 2.0 / 0.99)
        area = min(area, float(shapely.intersection(zone, grown).area))
    return math.floor(4.0 * area / (math.pi * spacing_cm * spacing_cm)) + 1


def split_volume(total_ml: float, count: int) -> FloatArray:
    """Format 1: ``total_ml`` over ``count`` points in whole nanolitres (1e-6 mL): equal
    shares, the remainder spread evenly (one extra nanolitre to evenly spaced points), so
    that the points add up to the total exactly at 6 decimals."""
    if count <= 0:
        return np.zeros(0)
    units = round(total_ml * NANOLITRES_PER_ML)
    base, extra = divmod(units, count)
    share = np.full(count, base, dtype=np.int64)
    share[(np.arange(1, extra + 1, dtype=np.int64) * count) // extra - 1] += 1
    return share.astype(np.float64) / NANOLITRES_PER_ML
