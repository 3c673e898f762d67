"""Overview charts: the whole body front and back, the face, the scalp from above, drawn
from the zones' own outlines, each placed on the chart by where its frame's origin lands
and a scale per axis (package data: ``mesoplan/anatomy/overview.json``).

A chart is a picture to choose zones on, not a real-size map: the maps stay in each
zone's own frame. A placed outline is the zone's outline at the version asked for (the
newest by default), so a course's overview shows the outlines it was planned on.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from .anatomy import Zone
from .shapes import Point


@dataclass(frozen=True)
class Placement:
    zone: str
    label: str
    origin_cm: Point
    scale: tuple[float, float]

    def place(self, points: tuple[Point, ...] | list[Point]) -> tuple[Point, ...]:
        (ox, oy), (kx, ky) = self.origin_cm, self.scale
        return tuple((ox + kx * x, oy + ky * y) for x, y in points)


@dataclass(frozen=True)
class OverviewChart:
    id: str
    title: str
    sides: tuple[str, str, str, str]
    silhouette: tuple[Point, ...] | None
    placements: tuple[Placement, ...]

    def zone_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.zone for p in self.placements))


@dataclass(frozen=True)
class PlacedZone:
    """A zone's outline where a chart draws it, and where its label goes."""

    zone: Zone
    placement: Placement
    outline: tuple[Point, ...]
    label_at: Point

    @property
    def label(self) -> str:
        return self.placement.label


def overview_charts() -> dict[str, OverviewChart]:
    """The overview charts by id: body-front, body-back, face, scalp."""
    return dict(_charts())


@cache
def _charts() -> dict[str, OverviewChart]:
    text = (resources.files("mesoplan") / "anatomy" / "overview.json").read_text("utf-8")
    return {c["id"]: _chart(c) for c in json.loads(text)["charts"]}


def _chart(c: dict[str, Any]) -> OverviewChart:
    sil = c.get("silhouette")
    return OverviewChart(
        id=c["id"],
        title=c["title"],
        sides=(c["sides"][0], c["sides"][1], c["sides"][2], c["sides"][3]),
        silhouette=None if sil is None else tuple((float(x), float(y)) for x, y in sil),
        placements=tuple(
            Placement(
                p["zone"],
                p["label"],
                (float(p["origin_cm"][0]), float(p["origin_cm"][1])),
                (float(p["scale"][0]), float(p["scale"][1])),
            )
            for p in c["zones"]
        ),
    )


def place_zones(chart: OverviewChart, zones: Mapping[str, Zone]) -> list[PlacedZone]:
    """The chart's zones that ``zones`` holds (by id, at whatever version they are), in
    drawing order: a zone drawn later lies on top, so a whole zone's label goes where
    none of its sub-zones covers it."""
    from shapely import Polygon, unary_union
    from shapely.ops import polylabel

    placed = [(p, zones[p.zone]) for p in chart.placements if p.zone in zones]
    rings = [p.place(z.outline_cm) for p, z in placed]
    out: list[PlacedZone] = []
    for i, ((p, zone), ring) in enumerate(zip(placed, rings, strict=True)):
        shape = Polygon(ring)
        later = [Polygon(r) for r in rings[i + 1 :]]
        later += [Polygon(p.place(e.shape.ring())) for e in zone.exclusions]
        free = shape.difference(unary_union(later)) if later else shape
        if free.geom_type == "MultiPolygon":
            free = max(free.geoms, key=lambda g: g.area)
        if free.is_empty:
            free = shape
        c = polylabel(free, tolerance=0.05)
        out.append(PlacedZone(zone, p, ring, (float(c.x), float(c.y))))
    return out
