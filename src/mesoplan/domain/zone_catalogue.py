"""The built-in zones at the size of an average adult (see docs/zones.md).

Sizes are checked against clinical-notes §5: the four aspects of one thigh add up to
about 1,600 cm², the face and the scalp to about 500 cm² each, a buttock to about
2.5 % of 1.7 m². Curved surfaces are charted unrolled (flattened), so an outline's area
is the skin's area, not the area of a photograph. Body-site codes are SNOMED CT codes
from clinical-notes §10; where §10 has no code for a zone its body_site is None.
"""

from __future__ import annotations

from functools import cache

from .anatomy import BodySite, Exclusion, Frame, Zone
from .shapes import Ellipse, Point, ellipse_points, mirrored, superellipse_points

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

# Aspect heights (cm above the top of the kneecap): the lateral aspect reaches the
# greater trochanter, the medial one stops at the groin. Width: a quarter of the
# circumference, 38 cm at the knee and 53 cm (the reference) at the top.
THIGH_ASPECTS: dict[str, float] = {
    "anterior": 36.0,
    "lateral": 40.0,
    "posterior": 34.0,
    "medial": 30.0,
}
THIGH_KNEE_HALF_WIDTH = 38.0 / 8.0
THIGH_TOP_HALF_WIDTH = 53.0 / 8.0


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


def _thigh(side: str, aspect: str, height: float) -> Zone:
    zid = f"thigh-{side}-{aspect}"
    outline = (
        (-THIGH_KNEE_HALF_WIDTH, 0.0),
        (THIGH_KNEE_HALF_WIDTH, 0.0),
        (THIGH_TOP_HALF_WIDTH, height),
        (-THIGH_TOP_HALF_WIDTH, height),
    )
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
        outline_cm=outline,
        scale_x="thigh_circumference_cm",
        scale_y="thigh_length_cm",
        skin_site="thigh",
        body_site=SKIN_THIGH[aspect],
        laterality=side,
    )


def _side_zone(
    side: str, kind: str, outline: tuple[Point, ...], body_site: BodySite | None = None
) -> Zone:
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
        outline_cm=outline,
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
FACE_EXCLUSIONS: tuple[Exclusion, ...] = (
    Exclusion(Ellipse(-3.2, 0.0, 1.7, 0.9), name="right eye", builtin=True),
    Exclusion(Ellipse(3.2, 0.0, 1.7, 0.9), name="left eye", builtin=True),
    Exclusion(Ellipse(0.0, -4.6, 1.6, 0.6), name="nostrils", builtin=True),
    Exclusion(Ellipse(0.0, -7.3, 2.7, 1.1), name="lips", builtin=True),
)
FACE_OUTLINE = mirrored(
    [
        (0.0, 8.8), (4.0, 8.6), (7.4, 7.6), (10.1, 5.6), (12.2, 3.0), (13.3, 0.0),
        (13.3, -3.0), (12.3, -6.0), (9.9, -9.0), (6.8, -11.3), (3.3, -12.5), (0.0, -12.8),
    ]
)  # fmt: skip
FOREHEAD = mirrored([(0.0, 8.4), (3.0, 8.2), (6.2, 7.4), (7.6, 6.0), (7.2, 2.0), (0.0, 2.0)])
LEFT_CHEEK: tuple[Point, ...] = (
    (1.8, -2.2), (6.3, -2.0), (9.5, -1.2), (11.0, -3.5), (9.8, -6.8),
    (7.5, -9.0), (4.6, -9.3), (4.2, -6.8), (2.2, -4.4),
)  # fmt: skip


def _face_zone(zid: str, title: str, outline: tuple[Point, ...], side: str | None = None) -> Zone:
    return Zone(
        id=zid,
        group="face",
        title=title,
        frame=FACE_FRAME,
        outline_cm=outline,
        scale_x="face_width_cm",
        scale_y="face_height_cm",
        skin_site="face",
        body_site=SKIN_FACE,
        laterality=side,
        exclusions=FACE_EXCLUSIONS,
    )


def _flip(points: tuple[Point, ...]) -> tuple[Point, ...]:
    return tuple((-x, y) for x, y in reversed(points))


def _face_zones() -> list[Zone]:
    def ring(cx: float, cy: float, rx: float, ry: float) -> tuple[Point, ...]:
        return tuple(ellipse_points(cx, cy, rx, ry))

    return [
        _face_zone("face", "Whole face", FACE_OUTLINE),
        _face_zone("forehead", "Forehead", FOREHEAD),
        _face_zone("cheek-left", "Left cheek", LEFT_CHEEK, "left"),
        _face_zone("cheek-right", "Right cheek", _flip(LEFT_CHEEK), "right"),
        _face_zone("periorbital-left", "Around the left eye", ring(3.2, 0.1, 2.9, 1.8), "left"),
        _face_zone(
            "periorbital-right", "Around the right eye", ring(-3.2, 0.1, 2.9, 1.8), "right"
        ),
        _face_zone("perioral", "Around the mouth", ring(0.0, -7.3, 3.8, 2.4)),
    ]  # fmt: skip


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
        Zone("submental", "submental", "Under the chin", submental,
             mirrored([(0.0, 6.0), (5.5, 6.0), (3.5, 0.5), (0.0, 0.5)]),
             "face_width_cm", "face_height_cm", "face"),
        Zone("neck", "neck", "Front and sides of the neck", FRONT_FRAME,
             mirrored([(0.0, 9.0), (6.5, 9.0), (8.0, 0.5), (0.0, 0.5)]),
             "neck_circumference_cm", "neck_circumference_cm", "face"),
        Zone("decollete", "decollete", "Décolleté (upper chest)", FRONT_FRAME,
             mirrored([(0.0, -0.5), (11.0, -0.5), (7.5, -9.0), (0.0, -15.0)]),
             "chest_circumference_cm", "chest_circumference_cm", "face"),
    ]  # fmt: skip


def _scalp_zone(zid: str, title: str, outline: tuple[Point, ...], side: str | None = None) -> Zone:
    return Zone(
        id=zid,
        group="scalp",
        title=title,
        frame=SCALP_FRAME,
        outline_cm=outline,
        scale_x="head_circumference_cm",
        scale_y="head_circumference_cm",
        skin_site="scalp",
        body_site=SKIN_SCALP,
        laterality=side,
    )


def _scalp_zones() -> list[Zone]:
    whole = tuple(ellipse_points(0.0, -2.0, 10.5, 16.0))
    frontal = (*(p for p in whole if p[1] >= 8.5), (-7.6, 8.5), (7.6, 8.5))
    temporal_left: tuple[Point, ...] = (
        (-7.0, -3.0), (-10.2, -3.0), (-10.0, 2.0), (-8.8, 6.0), (-7.8, 8.0), (-7.0, 8.0),
    )  # fmt: skip
    vertex = ((-6.5, -3.4), (6.5, -3.4), (6.5, 8.3), (-6.5, 8.3))
    return [
        _scalp_zone("scalp", "Whole scalp", whole),
        _scalp_zone("scalp-frontal", "Scalp, frontal (behind the hairline)", _sorted_ring(frontal)),
        _scalp_zone("scalp-vertex", "Scalp, vertex (top)", vertex),
        _scalp_zone("scalp-crown", "Scalp, crown", tuple(ellipse_points(0.0, -8.0, 6.5, 4.5))),
        _scalp_zone("scalp-temporal-left", "Scalp, left temple", temporal_left, "left"),
        _scalp_zone("scalp-temporal-right", "Scalp, right temple", _flip(temporal_left), "right"),
    ]


def _sorted_ring(points: tuple[Point, ...]) -> tuple[Point, ...]:
    """Order the vertices of a convex outline round its centre."""
    import math

    cx = sum(p[0] for p in points) / len(points)
    cy = sum(p[1] for p in points) / len(points)
    return tuple(sorted(points, key=lambda p: math.atan2(p[1] - cy, p[0] - cx)))


def _trunk_and_limb_zones() -> list[Zone]:
    zones: list[Zone] = []
    for side in ("left", "right"):
        zones += [_thigh(side, aspect, h) for aspect, h in THIGH_ASPECTS.items()]
    for side in ("left", "right"):
        zones.append(
            _side_zone(
                side, "hip", tuple(superellipse_points(0.0, 6.0, 8.0, 7.0, 3.0)), body_site=HIP
            )
        )
    for side in ("left", "right"):
        zones.append(_side_zone(side, "flank", tuple(superellipse_points(0.0, 6.0, 6.5, 6.0, 3.0))))
    for side in ("left", "right"):
        buttock = tuple(superellipse_points(0.0, 11.5, 10.5, 11.5, 2.6))
        zones.append(_side_zone(side, "buttock", buttock, body_site=SKIN_BUTTOCK))
    abdomen_frame = Frame(
        "abdomen",
        origin="the umbilicus",
        x_axis="centimetres towards the patient's left (a viewer's right)",
        y_axis="centimetres up",
        sides=("ribs", "patient's left", "pubis", "patient's right"),
    )
    zones.append(
        Zone("abdomen", "stomach", "Abdomen", abdomen_frame,
             mirrored([(0.0, 11.0), (12.5, 11.0), (14.0, 4.0), (14.0, -4.0), (12.0, -8.5),
                       (6.5, -10.5), (0.0, -10.5)]),
             "waist_circumference_cm", "waist_circumference_cm", "abdomen", SKIN_ABDOMEN,
             exclusions=(Exclusion(Ellipse.circle(0.0, 0.0, 1.0), "umbilicus", builtin=True),))
    )  # fmt: skip
    arm = mirrored([(0.0, 26.0), (6.0, 26.0), (4.5, 2.0), (0.0, 2.0)])
    zones += [_side_zone(side, "arm", arm) for side in ("left", "right")]
    return zones


@cache
def _catalogue() -> tuple[Zone, ...]:
    return (
        *_trunk_and_limb_zones(),
        *_face_zones(),
        *_neck_chest_zones(),
        *_scalp_zones(),
    )


def builtin_zones() -> dict[str, Zone]:
    return {z.id: z for z in _catalogue()}
