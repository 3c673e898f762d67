"""Anatomical zones: outlines in centimetres on a real-size chart, scaled by the patient.

Each zone is drawn in its own documented frame (an origin at a named landmark, stated
axes, y pointing up the chart), at the size of an average adult (its reference size).
A patient's measurements stretch the outline along x and y by the ratio of the patient's
value to the reference value, about the origin; the landmark stays put, so maps of one
zone line up across sessions and patients. The built-in zones live in ``zone_catalogue``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any, NamedTuple

from .errors import PlanningError
from .shapes import Ellipse, Point, PolygonShape, Shape, polygon_area


class ZoneMeasurement(NamedTuple):
    """A patient measurement a zone may scale by (tape measure, centimetres)."""

    name: str
    description: str
    reference_cm: float
    min_cm: float
    max_cm: float


class Frame(NamedTuple):
    """A zone's coordinate frame: zones that share a frame share one chart."""

    id: str
    origin: str
    x_axis: str
    y_axis: str
    sides: tuple[str, str, str, str] | None = None
    """What lies beyond the chart's top, right, bottom and left edges (for orientation)."""

    def describe(self) -> str:
        return f"origin: {self.origin}; x: {self.x_axis}; y: {self.y_axis}"


class Landmark(NamedTuple):
    """A named anatomical point in a zone's frame (cm), scaled with the zone."""

    name: str
    x_cm: float
    y_cm: float

    def scaled(self, sx: float, sy: float) -> Landmark:
        return Landmark(self.name, self.x_cm * sx, self.y_cm * sy)


class GuideLine(NamedTuple):
    """A named line drawn on a zone's chart for orientation (a midline, a costal margin);
    it does not change where points go."""

    name: str
    points_cm: tuple[Point, ...]

    def scaled(self, sx: float, sy: float) -> GuideLine:
        return GuideLine(self.name, tuple((x * sx, y * sy) for x, y in self.points_cm))


class BodySite(NamedTuple):
    """A coded body site (SNOMED CT by default)."""

    code: str
    display: str
    system: str = "http://snomed.info/sct"


@dataclass(frozen=True)
class Exclusion:
    """Where no point may go: a shape plus a margin around it.

    ``margin_cm`` ``None`` means half the plan's spacing. ``zone`` ``None`` applies the
    exclusion to every zone of a plan (in each zone's own frame).
    """

    shape: Shape
    name: str = "exclusion"
    margin_cm: float | None = None
    zone: str | None = None
    builtin: bool = False

    def scaled(self, sx: float, sy: float) -> Exclusion:
        return replace(self, shape=self.shape.scaled(sx, sy))

    def margin_for(self, spacing_cm: float) -> float:
        return spacing_cm / 2.0 if self.margin_cm is None else self.margin_cm

    def to_dict(self, spacing_cm: float) -> dict[str, Any]:
        return {
            "name": self.name,
            "builtin": self.builtin,
            "margin_cm": round(self.margin_for(spacing_cm), 3),
            **self.shape.to_dict(),
        }


@dataclass(frozen=True)
class Zone:
    """One treatment zone: an outline in cm in its frame, at reference or patient size."""

    id: str
    group: str
    title: str
    frame: Frame
    outline_cm: tuple[Point, ...]
    scale_x: str | None
    scale_y: str | None
    skin_site: str
    body_site: BodySite | None = None
    laterality: str | None = None
    exclusions: tuple[Exclusion, ...] = ()
    centre_cm: Point | None = None
    scale: tuple[float, float] = (1.0, 1.0)
    custom: bool = False
    version: int = 1
    """The catalogue version of this zone's outline (a custom zone keeps 1)."""
    landmarks: tuple[Landmark, ...] = ()
    lines: tuple[GuideLine, ...] = ()

    @property
    def ref(self) -> str:
        """``zone@version``: the name that always finds this outline again."""
        return f"{self.id}@{self.version}"

    @cached_property
    def area_cm2(self) -> float:
        """Area inside the outline (exclusions not subtracted)."""
        return polygon_area(self.outline_cm)

    @property
    def measurements(self) -> tuple[str, ...]:
        names = [n for n in (self.scale_x, self.scale_y) if n is not None]
        return tuple(dict.fromkeys(names))

    def centre(self) -> Point:
        """Where a capped map is gathered: ``centre_cm`` or the outline's centroid."""
        if self.centre_cm is not None:
            return self.centre_cm
        c = self.outline().geometry().centroid
        return (float(c.x), float(c.y))

    def outline(self) -> PolygonShape:
        return self._outline

    @cached_property
    def _outline(self) -> PolygonShape:
        return PolygonShape(self.outline_cm)

    def scaled_to(self, measurements: Mapping[str, float]) -> Zone:
        """This zone at the patient's size. Measurements it does not use are ignored;
        one it uses but not given keeps the reference value."""
        sx = _ratio(self.scale_x, measurements)
        sy = _ratio(self.scale_y, measurements)
        if (sx, sy) == (1.0, 1.0):
            return self
        c = self.centre_cm
        return replace(
            self,
            outline_cm=tuple((x * sx, y * sy) for x, y in self.outline_cm),
            exclusions=tuple(e.scaled(sx, sy) for e in self.exclusions),
            centre_cm=None if c is None else (c[0] * sx, c[1] * sy),
            scale=(self.scale[0] * sx, self.scale[1] * sy),
            landmarks=tuple(m.scaled(sx, sy) for m in self.landmarks),
            lines=tuple(g.scaled(sx, sy) for g in self.lines),
        )


def _ratio(name: str | None, measurements: Mapping[str, float]) -> float:
    if name is None or name not in measurements:
        return 1.0
    return float(measurements[name]) / ZONE_MEASUREMENTS[name].reference_cm


def _m(name: str, description: str, reference: float, lo: float, hi: float) -> ZoneMeasurement:
    return ZoneMeasurement(name, description, reference, lo, hi)


ZONE_MEASUREMENTS: dict[str, ZoneMeasurement] = {
    m.name: m
    for m in (
        _m(
            "thigh_circumference_cm",
            "round the top of the thigh, below the gluteal fold",
            53,
            30,
            110,
        ),
        _m(
            "thigh_length_cm", "top of the kneecap to the groin crease, along the front", 36, 20, 60
        ),
        _m("hip_circumference_cm", "round the widest part of the buttocks", 100, 60, 180),
        _m("waist_circumference_cm", "round the waist at the umbilicus", 85, 50, 180),
        _m("upper_arm_circumference_cm", "round the middle of the upper arm", 30, 15, 60),
        _m("upper_arm_length_cm", "tip of the shoulder (acromion) to the elbow", 33, 20, 50),
        _m("head_circumference_cm", "round the head above the brows and ears", 56, 45, 66),
        _m("face_height_cm", "hairline to the bottom of the chin", 19, 14, 26),
        _m("face_width_cm", "cheekbone to cheekbone (bizygomatic breadth)", 14, 10, 19),
        _m("neck_circumference_cm", "round the neck below the larynx", 37, 25, 55),
        _m("chest_circumference_cm", "round the chest under the armpits", 95, 60, 160),
    )
}
"""Measurements zones scale by. Reference values are an average adult (defaults where the
clinical notes are silent); min and max refuse values that cannot be a measurement."""


def check_measurements(values: Mapping[str, float]) -> dict[str, float]:
    """Validate measurement names and values; one clear error naming what is valid."""
    out: dict[str, float] = {}
    for name, value in values.items():
        kind = ZONE_MEASUREMENTS.get(name)
        if kind is None:
            raise PlanningError(
                f"unknown measurement {name!r}; valid measurements: {', '.join(ZONE_MEASUREMENTS)}"
            )
        v = float(value)
        if not kind.min_cm <= v <= kind.max_cm:
            raise PlanningError(
                f"measurement {name} = {v:g} is outside {kind.min_cm:g} to {kind.max_cm:g} cm "
                f"({kind.description}; reference {kind.reference_cm:g} cm)"
            )
        out[name] = v
    return out


def zone_catalogue() -> dict[str, Zone]:
    """The built-in zones at reference size, by id (in catalogue order), each at its
    newest version."""
    from .zone_catalogue import builtin_zones

    return builtin_zones()


def get_zone(zone_id: str, version: int | None = None) -> Zone:
    """A built-in zone by id, at ``version`` (or the one ``zone@version`` names; the
    newest when neither does). An unknown id or version names the valid ones."""
    from .zone_catalogue import zone_versions

    name, at, pinned = zone_id.partition("@")
    zones = zone_catalogue()
    if name not in zones:
        raise PlanningError(
            f"unknown zone {zone_id!r}; valid zones: {', '.join(zones)} "
            "(or a GeoJSON file of a custom zone)"
        )
    if at:
        if not (pinned.isascii() and pinned.isdigit()) or len(pinned) > 6:
            raise PlanningError(f"zone {zone_id!r}: after @ comes a version number (1 to 6 digits)")
        version = int(pinned)
    if version is None:
        return zones[name]
    versions = zone_versions(name)
    if version not in versions:
        raise PlanningError(
            f"zone {name!r} has no version {version}; versions: "
            + ", ".join(str(v) for v in versions)
        )
    return versions[version]


def zones_in_group(group: str) -> list[str]:
    return [z.id for z in zone_catalogue().values() if z.group == group]


__all__ = [
    "ZONE_MEASUREMENTS",
    "BodySite",
    "Ellipse",
    "Exclusion",
    "Frame",
    "GuideLine",
    "Landmark",
    "PolygonShape",
    "Zone",
    "ZoneMeasurement",
    "check_measurements",
    "get_zone",
    "zone_catalogue",
    "zones_in_group",
]
