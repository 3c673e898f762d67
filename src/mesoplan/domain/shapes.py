"""Plane shapes in centimetres, in a zone's frame: ellipses (circles) and polygons.

Shapes are plain values; :meth:`geometry` gives the shapely polygon used for the maths.
An ellipse becomes a polygon drawn *around* it (circumscribed), so a point outside the
polygon is outside the true ellipse too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

Point = tuple[float, float]

ELLIPSE_SEGMENTS = 64


@dataclass(frozen=True)
class Ellipse:
    """An axis-aligned ellipse; a circle when ``rx_cm == ry_cm``."""

    cx_cm: float
    cy_cm: float
    rx_cm: float
    ry_cm: float

    @classmethod
    def circle(cls, cx_cm: float, cy_cm: float, r_cm: float) -> Ellipse:
        return cls(cx_cm, cy_cm, r_cm, r_cm)

    def scaled(self, sx: float, sy: float) -> Ellipse:
        return Ellipse(self.cx_cm * sx, self.cy_cm * sy, self.rx_cm * sx, self.ry_cm * sy)

    def ring(self) -> list[Point]:
        return ellipse_points(self.cx_cm, self.cy_cm, self.rx_cm, self.ry_cm, circumscribed=True)

    def geometry(self) -> Any:
        """A polygon just around the ellipse (vertices outside it, edges touching it)."""
        return self._geometry

    @cached_property
    def _geometry(self) -> Any:
        from shapely import Polygon

        k = 1.0 / math.cos(math.pi / ELLIPSE_SEGMENTS)
        t = np.linspace(0.0, 2.0 * math.pi, ELLIPSE_SEGMENTS, endpoint=False)
        ring = np.column_stack(
            (self.cx_cm + self.rx_cm * k * np.cos(t), self.cy_cm + self.ry_cm * k * np.sin(t))
        )
        return Polygon(ring)

    def to_dict(self) -> dict[str, Any]:
        if self.rx_cm == self.ry_cm:
            return {
                "kind": "circle",
                "cx_cm": _r(self.cx_cm),
                "cy_cm": _r(self.cy_cm),
                "r_cm": _r(self.rx_cm),
            }
        return {
            "kind": "ellipse",
            "cx_cm": _r(self.cx_cm),
            "cy_cm": _r(self.cy_cm),
            "rx_cm": _r(self.rx_cm),
            "ry_cm": _r(self.ry_cm),
        }


@dataclass(frozen=True)
class PolygonShape:
    """A simple polygon (exterior ring only), vertices in order."""

    points: tuple[Point, ...]

    def scaled(self, sx: float, sy: float) -> PolygonShape:
        return PolygonShape(tuple((x * sx, y * sy) for x, y in self.points))

    def ring(self) -> list[Point]:
        return list(self.points)

    def geometry(self) -> Any:
        return self._geometry

    @cached_property
    def _geometry(self) -> Any:
        from shapely import Polygon

        # Vertices snap to a nanometre: GEOS buffers nearly degenerate rings (subnormal
        # coordinates) into nonsense, and no chart needs more precision than that.
        return Polygon([(round(x, 7), round(y, 7)) for x, y in self.points])

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "polygon", "points_cm": [[_r(x), _r(y)] for x, y in self.points]}


Shape = Ellipse | PolygonShape


def _r(value: float) -> float:
    return round(float(value), 3)


def ellipse_points(
    cx: float,
    cy: float,
    rx: float,
    ry: float,
    n: int = ELLIPSE_SEGMENTS,
    circumscribed: bool = False,
) -> list[Point]:
    """``n`` vertices on (or, circumscribed, just around) an ellipse, anticlockwise."""
    k = 1.0 / math.cos(math.pi / n) if circumscribed else 1.0
    t = np.linspace(0.0, 2.0 * math.pi, n, endpoint=False)
    xs = cx + rx * k * np.cos(t)
    ys = cy + ry * k * np.sin(t)
    return [(round(float(x), 6), round(float(y), 6)) for x, y in zip(xs, ys, strict=True)]


def superellipse_points(
    cx: float, cy: float, rx: float, ry: float, exponent: float, n: int = ELLIPSE_SEGMENTS
) -> list[Point]:
    """A rounded rectangle-like outline: |x/rx|^p + |y/ry|^p = 1."""
    t = np.linspace(0.0, 2.0 * math.pi, n, endpoint=False)
    c, s = np.cos(t), np.sin(t)
    xs = cx + rx * np.sign(c) * np.abs(c) ** (2.0 / exponent)
    ys = cy + ry * np.sign(s) * np.abs(s) ** (2.0 / exponent)
    return [(round(float(x), 6), round(float(y), 6)) for x, y in zip(xs, ys, strict=True)]


def mirrored(right_half: list[Point]) -> tuple[Point, ...]:
    """A left-right symmetric outline from its right half, listed from the top of the
    axis (x = 0) clockwise down to the bottom of the axis."""
    left = [(-x, y) for x, y in reversed(right_half) if x != 0]
    return tuple(right_half + left)


def polygon_area(points: tuple[Point, ...] | list[Point]) -> float:
    """Shoelace area of a simple polygon, in cm²."""
    n = len(points)
    twice = sum(
        points[i][0] * points[(i + 1) % n][1] - points[(i + 1) % n][0] * points[i][1]
        for i in range(n)
    )
    return abs(twice) / 2.0 if n >= 3 else 0.0
