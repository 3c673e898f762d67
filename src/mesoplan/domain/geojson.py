"""Custom zones, treatment patches and polygon exclusions from GeoJSON (already parsed).

Coordinates are centimetres in the zone's frame (not longitude and latitude). A custom
zone is a Feature whose geometry is a Polygon and whose properties name it (``zone``)
and its zone group (``group``); optional: ``title``, ``frame`` (a description of the
origin and axes) and ``skin_site``. Holes of the polygon become exclusions. A patch or
an exclusion may be a Polygon, a Feature or a FeatureCollection of them; a Feature's
``zone`` property ties it to one zone of the plan.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from .anatomy import Exclusion, Frame, Zone
from .errors import PlanningError
from .plan_model import Patch
from .protocol import ZONE_GROUPS
from .shapes import Point, PolygonShape
from .skin import SKIN_SITES

GROUP_SKIN_SITE = {
    "thighs": "thigh",
    "hips": "buttock",
    "stomach": "abdomen",
    "buttocks": "buttock",
    "arms": "thigh",
    "face": "face",
    "submental": "face",
    "neck": "face",
    "decollete": "face",
    "scalp": "scalp",
}
"""The skin table row a custom zone uses when it names no ``skin_site``."""

_ZONE_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


def _fail(source: str, message: str) -> PlanningError:
    return PlanningError(f"{source}: {message}")


def _ring(raw: Any, source: str, where: str) -> tuple[Point, ...]:
    if not isinstance(raw, list) or len(raw) < 4:
        raise _fail(source, f"{where} must be a list of at least 4 [x, y] positions (cm)")
    points: list[Point] = []
    for pos in raw:
        ok = isinstance(pos, list) and len(pos) >= 2
        ok = ok and all(isinstance(v, int | float) and not isinstance(v, bool) for v in pos[:2])
        if not ok or not all(math.isfinite(v) for v in pos[:2]):
            raise _fail(source, f"{where} holds {pos!r}; a position is [x_cm, y_cm]")
        points.append((float(pos[0]), float(pos[1])))
    if points[0] == points[-1]:
        points.pop()
    return tuple(points)


def _polygon(geometry: Any, source: str) -> list[tuple[Point, ...]]:
    if not isinstance(geometry, Mapping) or geometry.get("type") != "Polygon":
        kind = geometry.get("type") if isinstance(geometry, Mapping) else type(geometry).__name__
        raise _fail(source, f"geometry type is {kind!r}; valid: Polygon")
    rings = geometry.get("coordinates")
    if not isinstance(rings, list) or not rings:
        raise _fail(source, "a Polygon needs coordinates: [[[x, y], ...]]")
    out = [_ring(r, source, f"ring {i}") for i, r in enumerate(rings)]
    from shapely import Polygon

    shape = Polygon(out[0], out[1:])
    if not shape.is_valid or shape.area <= 0:
        raise _fail(source, "the polygon crosses itself or has no area")
    return out


def _features(data: Any, source: str) -> list[Mapping[str, Any]]:
    if not isinstance(data, Mapping):
        raise _fail(source, "expected a GeoJSON object")
    kind = data.get("type")
    if kind == "FeatureCollection":
        feats = data.get("features")
        if not isinstance(feats, list) or not feats:
            raise _fail(source, "a FeatureCollection needs at least one Feature")
        return [f if isinstance(f, Mapping) else {} for f in feats]
    if kind == "Feature":
        return [data]
    if kind == "Polygon":
        return [{"type": "Feature", "properties": {}, "geometry": data}]
    raise _fail(source, f"GeoJSON type is {kind!r}; valid: Feature, FeatureCollection, Polygon")


def _props(feature: Mapping[str, Any]) -> Mapping[str, Any]:
    props = feature.get("properties")
    return props if isinstance(props, Mapping) else {}


def zone_from_geojson(data: Any, source: str = "<geojson>") -> Zone:
    """A custom zone (not scaled by measurements: its outline is the patient's)."""
    feats = _features(data, source)
    if len(feats) != 1:
        raise _fail(source, f"a custom zone file holds one Feature, found {len(feats)}")
    props = _props(feats[0])
    zid, group = props.get("zone"), props.get("group")
    if not isinstance(zid, str) or not _ZONE_ID.match(zid):
        raise _fail(source, "properties.zone must name the zone: lower-case letters, digits, -_.")
    if group not in ZONE_GROUPS:
        raise _fail(source, f"properties.group is {group!r}; valid: {', '.join(ZONE_GROUPS)}")
    site = props.get("skin_site", GROUP_SKIN_SITE[group])
    if site not in SKIN_SITES:
        raise _fail(source, f"properties.skin_site is {site!r}; valid: {', '.join(SKIN_SITES)}")
    rings = _polygon(feats[0].get("geometry"), source)
    frame_text = str(props.get("frame") or f"as drawn in {source}")
    holes = tuple(
        Exclusion(PolygonShape(r), name=f"hole {i}", builtin=True, zone=zid)
        for i, r in enumerate(rings[1:], start=1)
    )
    return Zone(
        id=zid,
        group=group,
        title=str(props.get("title") or zid),
        frame=Frame(f"custom:{zid}", frame_text, "centimetres (custom)", "centimetres (custom)"),
        outline_cm=rings[0],
        scale_x=None,
        scale_y=None,
        skin_site=site,
        exclusions=holes,
        custom=True,
    )


def _shapes(data: Any, source: str) -> list[tuple[PolygonShape, str | None]]:
    out: list[tuple[PolygonShape, str | None]] = []
    for f in _features(data, source):
        zone = _props(f).get("zone")
        rings = _polygon(f.get("geometry"), source)
        out.append((PolygonShape(rings[0]), zone if isinstance(zone, str) else None))
    return out


def patches_from_geojson(data: Any, source: str = "<geojson>") -> list[Patch]:
    """Treatment patches; a Feature without a ``zone`` property applies to every zone."""
    return [Patch(shape, zone) for shape, zone in _shapes(data, source)]


def exclusions_from_geojson(data: Any, source: str = "<geojson>") -> list[Exclusion]:
    """Polygon exclusions (margin: half the spacing), named after the file."""
    return [Exclusion(shape, name=str(source), zone=zone) for shape, zone in _shapes(data, source)]
