"""The built-in zones at the size of an average adult, versioned (see docs/zones.md).

What a zone is (its id, title, group, frame, the measurements it scales by, its SNOMED CT
body site) is declared here; what it looks like (its outline, built-in exclusions,
landmarks and guide lines) is data shipped in the package, ``mesoplan/anatomy/zones-vN.json``,
one GeoJSON-like FeatureCollection per catalogue version. A file may hold any subset of
the zones; a zone's newest version is the highest one any file holds. Version 1 is the
first catalogue's simple shapes; version 2 is drawn from anatomical proportions
(scripts/zone_outlines.py, sources in docs/zones.md). The files are read once, like the
module itself: they are part of the code, never a user's input.

Sizes are checked against clinical-notes §5: the four aspects of one thigh add up to
about 1,600 cm², the face and the scalp to about 500 cm² each, a buttock to about
2.5 % of 1.7 m². Curved surfaces are charted unrolled (flattened), so an outline's area
is the skin's area, not the area of a photograph. Body-site codes are SNOMED CT codes
from clinical-notes §10; where §10 has no code for a zone its body_site is None.
"""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache
from importlib import resources
from typing import Any

from .anatomy import BodySite, Exclusion, Frame, GuideLine, Landmark, Zone
from .shapes import Ellipse, Point, PolygonShape, Shape

CATALOGUE_FILES = ("zones-v1.json", "zones-v2.json")
"""The data files, oldest first."""

VIEWER_RIGHT = "centimetres across, to the right of a viewer facing it"

THIGH = BodySite("68367000", "Thigh structure")
SKIN_THIGH = {
    "anterior": BodySite("61248009", "Skin of anterior thigh"),
    "posterior": BodySite("4578000", "Skin of posterior thigh"),
    "medial": BodySite("73958006", "Skin of medial thigh"),
    "lateral": THIGH,
}
HIP = BodySite("29836001", "Hip region structure")
SKIN_BUTTOCK = BodySite("22180002", "Skin of buttock")
SKIN_ABDOMEN = BodySite("75093004", "Skin of abdomen")
SKIN_FACE = BodySite("73897004", "Skin of face")
SKIN_SCALP = BodySite("43067004", "Skin of scalp")

THIGH_ASPECTS = ("anterior", "lateral", "posterior", "medial")


def _thigh_sides(side: str, aspect: str) -> tuple[str, str, str, str]:
    """(top, right, bottom, left) of a thigh aspect's chart, as its viewer sees it."""
    left_right = {
        "lateral": ("back", "front"),
        "medial": ("front", "back"),
        "anterior": ("outer side", "inner side"),
        "posterior": ("inner side", "outer side"),
    }[aspect]
    right, left = left_right if side == "left" else left_right[::-1]
    return ("hip", right, "knee", left)


def _thigh(side: str, aspect: str) -> Zone:
    zid = f"thigh-{side}-{aspect}"
    frame = Frame(
        zid,
        origin=f"top of the kneecap, carried round to the middle of the {aspect} aspect",
        x_axis=VIEWER_RIGHT + " (a quarter of the thigh's circumference, unrolled)",
        y_axis="centimetres up the thigh",
        sides=_thigh_sides(side, aspect),
    )
    return Zone(
        id=zid,
        group="thighs",
        title=f"{side.capitalize()} thigh, {aspect} aspect",
        frame=frame,
        outline_cm=(),
        scale_x="thigh_circumference_cm",
        scale_y="thigh_length_cm",
        skin_site="thigh",
        body_site=SKIN_THIGH[aspect],
        laterality=side,
    )


def _side_zone(side: str, kind: str, body_site: BodySite | None = None) -> Zone:
    spec = SIDE_ZONES[kind]
    zid = f"{kind}-{side}" if kind != "arm" else f"arm-{side}-posterior"
    sides = (spec["top"], "", spec["bottom"], "")
    if kind in ("hip", "flank"):
        sides = (spec["top"], "back" if side == "left" else "front", spec["bottom"],
                 "front" if side == "left" else "back")  # fmt: skip
    elif kind in ("buttock", "arm"):
        sides = (spec["top"], "inner side" if side == "left" else "outer side", spec["bottom"],
                 "outer side" if side == "left" else "inner side")  # fmt: skip
    frame = Frame(zid, spec["origin"], VIEWER_RIGHT, "centimetres up", sides)
    return Zone(
        id=zid,
        group=spec["group"],
        title=f"{side.capitalize()} {spec['title']}",
        frame=frame,
        outline_cm=(),
        scale_x=spec["x"],
        scale_y=spec["y"],
        skin_site=spec["site"],
        laterality=side,
        body_site=body_site,
    )


SIDE_ZONES: dict[str, dict[str, str]] = {
    "hip": {
        "group": "hips",
        "title": "hip",
        "top": "waist",
        "bottom": "thigh",
        "origin": "the greater trochanter (the bony point at the side of the hip)",
        "x": "hip_circumference_cm",
        "y": "hip_circumference_cm",
        "site": "buttock",
    },
    "flank": {
        "group": "hips",
        "title": "flank",
        "top": "ribs",
        "bottom": "hip",
        "origin": "the top of the iliac crest, on the mid-axillary line",
        "x": "waist_circumference_cm",
        "y": "waist_circumference_cm",
        "site": "abdomen",
    },
    "buttock": {
        "group": "buttocks",
        "title": "buttock",
        "top": "waist",
        "bottom": "thigh",
        "origin": "the middle of the gluteal fold (viewed from behind)",
        "x": "hip_circumference_cm",
        "y": "hip_circumference_cm",
        "site": "buttock",
    },
    "arm": {
        "group": "arms",
        "title": "upper arm, back",
        "top": "shoulder",
        "bottom": "elbow",
        "origin": "the tip of the elbow (olecranon), viewed from behind",
        "x": "upper_arm_circumference_cm",
        "y": "upper_arm_length_cm",
        "site": "thigh",
    },
}

FACE_FRAME = Frame(
    "face",
    origin="the midpoint between the pupils",
    x_axis="centimetres towards the patient's left (a viewer's right), along the skin, unrolled",
    y_axis="centimetres up, along the skin",
    sides=("hairline", "patient's left", "chin", "patient's right"),
)


def _face_zone(zid: str, title: str, side: str | None = None) -> Zone:
    return Zone(
        id=zid,
        group="face",
        title=title,
        frame=FACE_FRAME,
        outline_cm=(),
        scale_x="face_width_cm",
        scale_y="face_height_cm",
        skin_site="face",
        body_site=SKIN_FACE,
        laterality=side,
    )


def _face_zones() -> list[Zone]:
    return [
        _face_zone("face", "Whole face"),
        _face_zone("forehead", "Forehead"),
        _face_zone("cheek-left", "Left cheek", "left"),
        _face_zone("cheek-right", "Right cheek", "right"),
        _face_zone("periorbital-left", "Around the left eye", "left"),
        _face_zone("periorbital-right", "Around the right eye", "right"),
        _face_zone("perioral", "Around the mouth"),
    ]


FRONT_FRAME = Frame(
    "neck-chest",
    origin="the notch at the top of the breastbone (suprasternal notch)",
    x_axis="centimetres towards the patient's left (a viewer's right)",
    y_axis="centimetres up (negative: down the chest)",
    sides=("jaw", "patient's left", "chest", "patient's right"),
)
SCALP_FRAME = Frame(
    "scalp",
    origin="the vertex (the top of the head)",
    x_axis="centimetres towards the patient's right ear, seen from above, face to the top",
    y_axis="centimetres towards the forehead, along the scalp, unrolled",
    sides=("forehead", "right ear", "nape", "left ear"),
)


def _neck_chest_zones() -> list[Zone]:
    submental = Frame(
        "submental",
        origin="the point of the chin (menton)",
        x_axis="centimetres towards the patient's left, seen from below",
        y_axis="centimetres back along the underside of the chin, towards the neck",
        sides=("neck", "patient's left", "chin", "patient's right"),
    )
    return [
        Zone("submental", "submental", "Under the chin", submental, (),
             "face_width_cm", "face_height_cm", "face"),
        Zone("neck", "neck", "Front and sides of the neck", FRONT_FRAME, (),
             "neck_circumference_cm", "neck_circumference_cm", "face"),
        Zone("decollete", "decollete", "Décolleté (upper chest)", FRONT_FRAME, (),
             "chest_circumference_cm", "chest_circumference_cm", "face"),
    ]  # fmt: skip


def _scalp_zone(zid: str, title: str, side: str | None = None) -> Zone:
    return Zone(
        id=zid,
        group="scalp",
        title=title,
        frame=SCALP_FRAME,
        outline_cm=(),
        scale_x="head_circumference_cm",
        scale_y="head_circumference_cm",
        skin_site="scalp",
        body_site=SKIN_SCALP,
        laterality=side,
    )


def _scalp_zones() -> list[Zone]:
    return [
        _scalp_zone("scalp", "Whole scalp"),
        _scalp_zone("scalp-frontal", "Scalp, frontal (behind the hairline)"),
        _scalp_zone("scalp-vertex", "Scalp, vertex (top)"),
        _scalp_zone("scalp-crown", "Scalp, crown"),
        _scalp_zone("scalp-temporal-left", "Scalp, left temple", "left"),
        _scalp_zone("scalp-temporal-right", "Scalp, right temple", "right"),
    ]


def _trunk_and_limb_zones() -> list[Zone]:
    zones: list[Zone] = []
    for side in ("left", "right"):
        zones += [_thigh(side, aspect) for aspect in THIGH_ASPECTS]
    zones += [_side_zone(side, "hip", body_site=HIP) for side in ("left", "right")]
    zones += [_side_zone(side, "flank") for side in ("left", "right")]
    zones += [_side_zone(side, "buttock", body_site=SKIN_BUTTOCK) for side in ("left", "right")]
    abdomen_frame = Frame(
        "abdomen",
        origin="the umbilicus",
        x_axis="centimetres towards the patient's left (a viewer's right)",
        y_axis="centimetres up",
        sides=("ribs", "patient's left", "pubis", "patient's right"),
    )
    zones.append(
        Zone("abdomen", "stomach", "Abdomen", abdomen_frame, (),
             "waist_circumference_cm", "waist_circumference_cm", "abdomen", SKIN_ABDOMEN)
    )  # fmt: skip
    zones += [_side_zone(side, "arm") for side in ("left", "right")]
    return zones


def _templates() -> tuple[Zone, ...]:
    """Every built-in zone without its outline, in catalogue order."""
    return (
        *_trunk_and_limb_zones(),
        *_face_zones(),
        *_neck_chest_zones(),
        *_scalp_zones(),
    )


@cache
def _catalogue() -> dict[str, dict[int, Zone]]:
    """zone id -> version -> zone, versions in increasing order."""
    templates = {z.id: z for z in _templates()}
    found: dict[str, dict[int, Zone]] = {zid: {} for zid in templates}
    for name in CATALOGUE_FILES:
        text = (resources.files("mesoplan") / "anatomy" / name).read_text("utf-8")
        for feature in json.loads(text)["features"]:
            props = feature["properties"]
            zid, version = props["zone"], int(props["version"])
            if zid not in templates:
                raise ValueError(f"anatomy/{name}: unknown zone {zid!r}")
            found[zid][version] = _from_feature(templates[zid], version, feature)
    missing = [zid for zid, versions in found.items() if not versions]
    if missing:
        raise ValueError(f"anatomy data has no outline for {', '.join(missing)}")
    return {zid: dict(sorted(v.items())) for zid, v in found.items()}


def _from_feature(template: Zone, version: int, feature: dict[str, Any]) -> Zone:
    props = feature["properties"]
    ring = [(float(x), float(y)) for x, y in feature["geometry"]["coordinates"][0]]
    if ring[0] == ring[-1]:
        ring.pop()
    centre = props.get("centre_cm")
    return replace(
        template,
        outline_cm=tuple(ring),
        version=version,
        exclusions=tuple(
            Exclusion(_shape(e), name=e["name"], builtin=True) for e in props["exclusions"]
        ),
        landmarks=tuple(
            Landmark(m["name"], float(m["x_cm"]), float(m["y_cm"])) for m in props["landmarks"]
        ),
        lines=tuple(
            GuideLine(g["name"], tuple((float(x), float(y)) for x, y in g["points_cm"]))
            for g in props["lines"]
        ),
        centre_cm=None if centre is None else (float(centre[0]), float(centre[1])),
    )


def _shape(e: dict[str, Any]) -> Shape:
    kind = e["kind"]
    if kind == "circle":
        return Ellipse.circle(float(e["cx_cm"]), float(e["cy_cm"]), float(e["r_cm"]))
    if kind == "ellipse":
        return Ellipse(*(float(e[k]) for k in ("cx_cm", "cy_cm", "rx_cm", "ry_cm")))
    if kind == "polygon":
        points: tuple[Point, ...] = tuple((float(x), float(y)) for x, y in e["points_cm"])
        return PolygonShape(points)
    raise ValueError(f"exclusion {e.get('name')!r}: unknown kind {kind!r}")


def builtin_zones() -> dict[str, Zone]:
    """Every built-in zone at its newest version, in catalogue order."""
    return dict(_newest())


@cache
def _newest() -> dict[str, Zone]:
    return {zid: next(reversed(v.values())) for zid, v in _catalogue().items()}


def zone_versions(zone_id: str) -> dict[int, Zone]:
    """Every version of a built-in zone, oldest first (``{}`` for an unknown id)."""
    return dict(_catalogue().get(zone_id, {}))
