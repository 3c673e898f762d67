"""Write version 2 of the zone catalogue (src/mesoplan/anatomy/zones-v2.json).

Version 1 (zones-v1.json) is the catalogue of simple shapes the first releases shipped
(trapezoids, ellipses, rounded rectangles), written out once and frozen, so that maps
planned on it draw on it for ever; this script never rewrites it. Version 2 is drawn
from anatomical proportions: each outline is a closed centripetal Catmull-Rom curve
through named control points (the landmarks on the outline), at the reference
measurements, in the zone's frame. Every proportion used
here is listed with its source in docs/zones.md; no image was traced.

Run: ``python scripts/zone_outlines.py`` (``--check`` compares with the files instead).
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

from shapely import Polygon

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "mesoplan" / "anatomy"
Pt = tuple[float, float]
SEGMENT_STEPS = 6
"""Vertices per span between two control points of a curve."""


# --- curves -----------------------------------------------------------------------------


def curve(controls: list[Pt], steps: int = SEGMENT_STEPS) -> list[Pt]:
    """A closed centripetal Catmull-Rom curve through ``controls`` (it passes through each
    control point, which stays a vertex, and never loops or cusps between them)."""
    n = len(controls)
    out: list[Pt] = []
    for i in range(n):
        p0, p1, p2, p3 = (controls[(i + k) % n] for k in (-1, 0, 1, 2))
        out.append(p1)
        for s in range(1, steps):
            out.append(_catmull(p0, p1, p2, p3, s / steps))
    return [(round(x, 3), round(y, 3)) for x, y in out]


def _catmull(p0: Pt, p1: Pt, p2: Pt, p3: Pt, u: float) -> Pt:
    def knot(t: float, a: Pt, b: Pt) -> float:
        return t + max(math.dist(a, b), 1e-9) ** 0.5

    t0 = 0.0
    t1 = knot(t0, p0, p1)
    t2 = knot(t1, p1, p2)
    t3 = knot(t2, p2, p3)
    t = t1 + u * (t2 - t1)

    def lerp(a: Pt, b: Pt, ta: float, tb: float) -> Pt:
        w = (t - ta) / (tb - ta)
        return (a[0] + (b[0] - a[0]) * w, a[1] + (b[1] - a[1]) * w)

    a1, a2, a3 = lerp(p0, p1, t0, t1), lerp(p1, p2, t1, t2), lerp(p2, p3, t2, t3)
    b1, b2 = lerp(a1, a2, t0, t2), lerp(a2, a3, t1, t3)
    return lerp(b1, b2, t1, t2)


def mirror_half(half: list[Pt]) -> list[Pt]:
    """A left-right symmetric ring from its right half (x >= 0), top of the axis first,
    clockwise down to the bottom of the axis."""
    return half + [(-x, y) for x, y in reversed(half) if x != 0]


def flip(ring: list[Pt]) -> list[Pt]:
    return [(-x, y) for x, y in reversed(ring)]


# --- zone records -----------------------------------------------------------------------


def feature(
    zone: str,
    version: int,
    outline: list[Pt],
    landmarks: dict[str, Pt],
    exclusions: list[dict[str, Any]] | None = None,
    lines: dict[str, list[Pt]] | None = None,
    centre: Pt | None = None,
) -> dict[str, Any]:
    ring = [list(p) for p in outline]
    props: dict[str, Any] = {"zone": zone, "version": version}
    props["landmarks"] = [{"name": k, "x_cm": v[0], "y_cm": v[1]} for k, v in landmarks.items()]
    props["exclusions"] = exclusions or []
    props["lines"] = [
        {"name": k, "points_cm": [list(p) for p in v]} for k, v in (lines or {}).items()
    ]
    props["centre_cm"] = None if centre is None else list(centre)
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
    }


def polygon_exclusion(name: str, ring: list[Pt]) -> dict[str, Any]:
    return {"name": name, "kind": "polygon", "points_cm": [list(p) for p in ring]}


def ellipse_exclusion(name: str, cx: float, cy: float, rx: float, ry: float) -> dict[str, Any]:
    return {"name": name, "kind": "ellipse", "cx_cm": cx, "cy_cm": cy, "rx_cm": rx, "ry_cm": ry}


def sided(
    base: str, left: list[Pt], marks: dict[str, Pt], version: int = 2, **kw: Any
) -> list[dict[str, Any]]:
    """The left zone as given and the right one mirrored (x -> -x)."""
    right_marks = {k: (-x, y) for k, (x, y) in marks.items()}
    right_kw = dict(kw)
    if "lines" in kw:
        right_kw["lines"] = {k: [(-x, y) for x, y in v] for k, v in kw["lines"].items()}
    if "exclusions" in kw:
        right_kw["exclusions"] = [_flip_exclusion(e) for e in kw["exclusions"]]
    return [
        feature(base.format(side="left"), version, left, marks, **kw),
        feature(base.format(side="right"), version, flip(left), right_marks, **right_kw),
    ]


def _flip_exclusion(e: dict[str, Any]) -> dict[str, Any]:
    out = dict(e)
    out["name"] = e["name"].replace("left", "right")
    if e["kind"] == "polygon":
        out["points_cm"] = [[-x, y] for x, y in reversed(e["points_cm"])]
    else:
        out["cx_cm"] = -e["cx_cm"]
    return out


# --- version 2: thighs ------------------------------------------------------------------
# Left thigh; x is the viewer's right as the zone's chart shows it (see zone_catalogue).
# Widths: a quarter of the circumference, 38 cm above the knee and 53 cm at the top.
KNEE_HALF = 38.0 / 8.0
TOP_HALF = 53.0 / 8.0


def thigh_anterior() -> tuple[list[Pt], dict[str, Pt]]:
    # +x: outer side. The inguinal fold runs from the anterior superior iliac spine (high,
    # lateral) down to the pubic tubercle (low, medial).
    marks = {
        "top of the kneecap": (0.0, 0.0),
        "inguinal fold, outer end": (TOP_HALF, 38.5),
        "inguinal fold, inner end": (-TOP_HALF + 0.4, 32.0),
        "vastus medialis bulge": (-KNEE_HALF - 0.7, 7.0),
        "vastus lateralis, mid-thigh": (6.3, 18.0),
    }
    controls = [
        marks["top of the kneecap"], (2.6, 0.5), (KNEE_HALF, 1.6),
        (5.4, 8.0), marks["vastus lateralis, mid-thigh"], (6.6, 28.0),
        marks["inguinal fold, outer end"], (3.0, 36.9), (0.0, 35.2), (-3.5, 33.4),
        marks["inguinal fold, inner end"], (-6.1, 22.0), (-5.9, 14.0),
        marks["vastus medialis bulge"], (-KNEE_HALF, 1.6), (-2.6, 0.5),
    ]  # fmt: skip
    return curve(controls), marks


def thigh_lateral() -> tuple[list[Pt], dict[str, Pt]]:
    # +x: back. The zone reaches over the greater trochanter to the iliac crest's foot.
    marks = {
        "lateral femoral condyle": (0.0, 0.6),
        "greater trochanter": (0.0, 38.0),
        "iliotibial band, mid-thigh": (0.0, 20.0),
        "back edge at the hip": (TOP_HALF - 0.2, 37.5),
        "front edge at the hip": (-TOP_HALF + 0.2, 37.0),
    }
    controls = [
        marks["lateral femoral condyle"], (2.8, 0.9), (KNEE_HALF, 1.8), (5.6, 12.0),
        (6.4, 26.0), marks["back edge at the hip"], (3.5, 40.6), (0.0, 41.2),
        (-3.5, 40.5), marks["front edge at the hip"], (-6.8, 26.0), (-5.7, 12.0),
        (-KNEE_HALF, 1.8), (-2.8, 0.9),
    ]  # fmt: skip
    return curve(controls), marks


def thigh_posterior() -> tuple[list[Pt], dict[str, Pt]]:
    # Viewed from behind; +x: inner side. The gluteal fold sits higher at its outer end.
    marks = {
        "popliteal crease, middle": (0.0, 0.2),
        "gluteal fold, inner end": (TOP_HALF - 0.4, 32.2),
        "gluteal fold, outer end": (-TOP_HALF + 0.2, 35.0),
        "gluteal fold, middle": (0.0, 33.0),
        "hamstrings, mid-thigh": (0.0, 17.0),
    }
    controls = [
        marks["popliteal crease, middle"], (2.6, 0.6), (KNEE_HALF, 1.4), (5.7, 12.0),
        (6.5, 24.0), marks["gluteal fold, inner end"], (3.2, 32.9),
        marks["gluteal fold, middle"], (-3.3, 33.9), marks["gluteal fold, outer end"],
        (-6.5, 24.0), (-5.7, 12.0), (-KNEE_HALF, 1.4), (-2.6, 0.6),
    ]  # fmt: skip
    return curve(controls), marks


def thigh_medial() -> tuple[list[Pt], dict[str, Pt]]:
    # +x: front. The zone stops at the groin: the adductors' origin on the pubis.
    marks = {
        "adductor tubercle": (0.0, 1.2),
        "groin crease, front end": (TOP_HALF - 0.5, 31.0),
        "groin crease, back end": (-TOP_HALF + 0.5, 28.2),
        "adductor longus origin": (0.5, 30.0),
        "sartorius, mid-thigh": (3.0, 15.0),
    }
    controls = [
        marks["adductor tubercle"], (2.7, 1.4), (KNEE_HALF, 2.2), (5.6, 12.0),
        (6.2, 22.0), marks["groin crease, front end"], (3.0, 30.6),
        marks["adductor longus origin"], (-2.5, 29.4), marks["groin crease, back end"],
        (-6.3, 20.0), (-5.5, 10.0), (-KNEE_HALF, 2.2), (-2.7, 1.4),
    ]  # fmt: skip
    return curve(controls), marks


# --- version 2: hips, flanks, buttocks, arms, abdomen -----------------------------------


def hip() -> tuple[list[Pt], dict[str, Pt]]:
    # Left hip, side view; +x: back. From the iliac crest down over the trochanter to the
    # outer thigh below it (the "saddlebag").
    marks = {
        "greater trochanter": (0.0, 0.0),
        "iliac crest, highest point": (1.0, 13.0),
        "anterior superior iliac spine": (-7.0, 10.5),
        "saddlebag, lowest point": (0.0, -2.6),
        "gluteal hollow": (6.5, 4.0),
    }
    controls = [
        marks["iliac crest, highest point"], (5.5, 11.8), (8.0, 8.0), marks["gluteal hollow"],
        (6.0, -0.5), (3.5, -2.2), marks["saddlebag, lowest point"], (-3.8, -2.0),
        (-6.5, 0.5), (-7.8, 5.0), marks["anterior superior iliac spine"], (-4.0, 12.5),
    ]  # fmt: skip
    return curve(controls), marks


def flank() -> tuple[list[Pt], dict[str, Pt]]:
    # Left flank, side view; +x: back. Between the lowest ribs and the iliac crest.
    marks = {
        "top of the iliac crest": (0.0, 0.0),
        "lowest rib, mid-axillary line": (0.0, 11.5),
        "iliac crest, front": (-6.5, -1.2),
        "iliac crest, back": (6.5, -0.8),
    }
    controls = [
        marks["lowest rib, mid-axillary line"], (4.0, 11.2), (6.8, 9.5), (7.0, 4.5),
        marks["iliac crest, back"], (3.5, 0.0), marks["top of the iliac crest"], (-3.5, -0.2),
        marks["iliac crest, front"], (-7.0, 4.5), (-6.6, 9.8), (-3.8, 11.4),
    ]  # fmt: skip
    return curve(controls), marks


def buttock() -> tuple[list[Pt], dict[str, Pt]]:
    # Left buttock from behind; +x: inner side (the intergluteal cleft).
    marks = {
        "middle of the gluteal fold": (0.0, 0.0),
        "gluteal fold, inner end": (7.2, 1.6),
        "posterior superior iliac spine (dimple)": (6.8, 20.5),
        "outer edge, level of the trochanter": (-10.6, 9.0),
        "iliac crest, top": (-3.0, 23.5),
    }
    controls = [
        marks["middle of the gluteal fold"], (3.8, 0.4), marks["gluteal fold, inner end"],
        (8.2, 7.0), (8.4, 14.5), marks["posterior superior iliac spine (dimple)"],
        (3.0, 23.2), marks["iliac crest, top"], (-8.0, 20.5), (-10.4, 15.0),
        marks["outer edge, level of the trochanter"], (-8.8, 3.4), (-4.5, 0.9),
    ]  # fmt: skip
    return curve(controls), marks


def arm() -> tuple[list[Pt], dict[str, Pt]]:
    # Back of the left upper arm; +x: inner side (the armpit).
    marks = {
        "above the olecranon": (0.0, 2.0),
        "triceps, mid-belly": (0.0, 15.0),
        "posterior axillary fold": (5.4, 24.5),
        "deltoid insertion": (-5.8, 26.0),
    }
    controls = [
        marks["above the olecranon"], (3.0, 2.6), (4.6, 4.0), (5.7, 10.0), (6.2, 17.0),
        marks["posterior axillary fold"], (2.5, 26.3), (-1.5, 27.0), marks["deltoid insertion"],
        (-6.3, 18.0), (-5.6, 9.0), (-4.6, 4.0), (-3.0, 2.6),
    ]  # fmt: skip
    return curve(controls), marks


def abdomen() -> dict[str, Any]:
    marks = {
        "umbilicus": (0.0, 0.0),
        "xiphoid process": (0.0, 12.0),
        "left costal margin, mid-clavicular line": (9.0, 8.4),
        "right costal margin, mid-clavicular line": (-9.0, 8.4),
        "left anterior superior iliac spine": (12.6, -6.6),
        "right anterior superior iliac spine": (-12.6, -6.6),
        "above the pubic symphysis": (0.0, -11.0),
    }
    half = [
        marks["xiphoid process"], (4.5, 10.4), marks["left costal margin, mid-clavicular line"],
        (12.6, 6.2), (14.2, 2.5), (14.3, -2.5), marks["left anterior superior iliac spine"],
        (8.5, -9.4), (4.0, -10.7), marks["above the pubic symphysis"],
    ]  # fmt: skip
    costal = [(0.0, 12.0), (4.5, 10.4), (9.0, 8.4), (12.6, 6.2)]
    crest = [(14.3, -2.5), (12.6, -6.6), (8.5, -9.4)]
    return feature(
        "abdomen",
        2,
        curve(mirror_half(half)),
        marks,
        exclusions=[
            {"name": "umbilicus", "kind": "circle", "cx_cm": 0.0, "cy_cm": 0.0, "r_cm": 1.0}
        ],
        lines={
            "left costal margin": costal,
            "right costal margin": [(-x, y) for x, y in costal],
            "left iliac crest and inguinal ligament": crest,
            "right iliac crest and inguinal ligament": [(-x, y) for x, y in crest],
            "linea alba": [(0.0, 12.0), (0.0, -11.0)],
        },
    )


# --- version 2: face, neck and chest ----------------------------------------------------
# Origin: the midpoint between the pupils; x: the patient's left; unrolled along the skin.


def almond(cx: float, cy: float, inner: float, outer: float, up: float, down: float) -> list[Pt]:
    """An eye-shaped ring from the inner corner (x = cx - inner) to the outer (cx + outer)."""
    controls = [
        (cx - inner, cy), (cx - inner * 0.45, cy + up * 0.85), (cx + outer * 0.2, cy + up),
        (cx + outer * 0.8, cy + up * 0.55), (cx + outer, cy + 0.1),
        (cx + outer * 0.6, cy - down * 0.8), (cx, cy - down), (cx - inner * 0.6, cy - down * 0.7),
    ]  # fmt: skip
    return curve(controls, 4)


LEFT_EYE = almond(3.2, 0.0, 1.75, 1.75, 0.95, 0.95)
NOSE = curve(
    mirror_half([(0.0, 0.4), (0.75, 0.2), (0.95, -2.4), (1.85, -4.2), (1.2, -5.0), (0.0, -5.1)]), 4
)
LIPS = curve(
    mirror_half([(0.0, -6.05), (0.9, -6.0), (2.3, -6.6), (2.8, -7.25), (2.0, -8.1), (0.0, -8.55)]),
    4,
)


def face_exclusions() -> list[dict[str, Any]]:
    return [
        polygon_exclusion("right eye", flip(LEFT_EYE)),
        polygon_exclusion("left eye", LEFT_EYE),
        polygon_exclusion("nose", NOSE),
        polygon_exclusion("lips", LIPS),
    ]


def face_zones() -> list[dict[str, Any]]:
    face_marks = {
        "trichion (hairline, midline)": (0.0, 8.8),
        "left frontotemporal hairline": (6.2, 7.5),
        "left tragus": (12.9, -1.0),
        "left gonion (angle of the jaw)": (11.2, -8.4),
        "menton (bottom of the chin)": (0.0, -12.8),
        "right tragus": (-12.9, -1.0),
        "nasion": (0.0, 0.9),
        "subnasale": (0.0, -5.2),
    }
    face_half = [
        face_marks["trichion (hairline, midline)"], (3.3, 8.6),
        face_marks["left frontotemporal hairline"], (8.8, 6.0), (10.9, 3.6), (12.3, 1.4),
        face_marks["left tragus"], (12.6, -4.6), face_marks["left gonion (angle of the jaw)"],
        (8.8, -10.6), (5.2, -12.0), (2.4, -12.6), face_marks["menton (bottom of the chin)"],
    ]  # fmt: skip
    face = feature(
        "face",
        2,
        curve(mirror_half(face_half)),
        face_marks,
        exclusions=face_exclusions(),
        lines={"midline": [(0.0, 8.8), (0.0, -12.8)]},
    )
    fore_marks = {
        "trichion (hairline, midline)": (0.0, 8.4),
        "glabella": (0.0, 2.2),
        "left brow peak": (4.0, 2.7),
        "right brow peak": (-4.0, 2.7),
        "left temporal crest": (6.7, 5.0),
    }
    fore_half = [
        fore_marks["trichion (hairline, midline)"], (3.3, 8.2), (5.7, 7.1),
        fore_marks["left temporal crest"], (6.5, 2.6), fore_marks["left brow peak"], (1.6, 2.3),
        fore_marks["glabella"],
    ]  # fmt: skip
    forehead = feature("forehead", 2, curve(mirror_half(fore_half)), fore_marks)
    cheek_marks = {
        "zygomatic prominence (cheekbone)": (7.6, -1.6),
        "nasolabial fold, top": (2.4, -3.0),
        "beside the mouth corner": (4.2, -7.2),
        "preauricular point": (10.8, -3.0),
        "jawline, mid-body of the mandible": (7.4, -9.4),
    }
    cheek = [
        (3.4, -2.3), (5.8, -2.0), cheek_marks["zygomatic prominence (cheekbone)"],
        (9.6, -1.4), cheek_marks["preauricular point"], (10.5, -6.0), (9.2, -8.4),
        cheek_marks["jawline, mid-body of the mandible"], (5.2, -9.4),
        cheek_marks["beside the mouth corner"], (3.8, -5.6), (2.6, -4.4),
        cheek_marks["nasolabial fold, top"],
    ]  # fmt: skip
    orbit_marks = {
        "left pupil": (3.2, 0.0),
        "left medial canthus": (1.45, 0.0),
        "left lateral canthus": (4.95, 0.1),
        "under the left brow": (3.6, 1.75),
        "left infraorbital rim": (3.2, -1.85),
    }
    orbit = [
        (1.15, 0.3), (2.2, 1.6), orbit_marks["under the left brow"], (5.3, 1.5), (6.3, 0.3),
        (5.8, -1.2), orbit_marks["left infraorbital rim"], (1.9, -1.6), (1.15, -0.8),
    ]  # fmt: skip
    oral_marks = {
        "stomion (between the lips)": (0.0, -7.25),
        "below the subnasale": (0.0, -5.6),
        "labiomental fold": (0.0, -9.7),
        "left oral commissure": (2.8, -7.25),
        "right oral commissure": (-2.8, -7.25),
    }
    oral_half = [
        oral_marks["below the subnasale"], (1.6, -5.65), (3.3, -6.2), (3.9, -7.4),
        (3.3, -8.9), (1.8, -9.6), oral_marks["labiomental fold"],
    ]  # fmt: skip
    return [
        face,
        forehead,
        *sided("cheek-{side}", curve(cheek), cheek_marks),
        *sided(
            "periorbital-{side}",
            curve(orbit),
            {**orbit_marks, "left pupil": (3.2, 0.0)},
            exclusions=[polygon_exclusion("left eye", LEFT_EYE)],
        ),
        feature(
            "perioral",
            2,
            curve(mirror_half(oral_half)),
            oral_marks,
            exclusions=[polygon_exclusion("lips", LIPS)],
        ),
    ]


def neck_chest_zones() -> list[dict[str, Any]]:
    sub_marks = {
        "behind the chin point": (0.0, 0.6),
        "hyoid (cervicomental angle)": (0.0, 6.2),
        "left mandibular border": (4.6, 2.5),
        "right mandibular border": (-4.6, 2.5),
    }
    sub_half = [
        sub_marks["hyoid (cervicomental angle)"], (3.2, 6.0), (5.4, 5.4),
        sub_marks["left mandibular border"], (2.4, 1.0), sub_marks["behind the chin point"],
    ]  # fmt: skip
    neck_marks = {
        "above the suprasternal notch": (0.0, 0.6),
        "laryngeal prominence": (0.0, 6.0),
        "left sternocleidomastoid, upper end": (6.4, 8.2),
        "right sternocleidomastoid, upper end": (-6.4, 8.2),
        "left clavicle, inner third": (5.0, 1.0),
    }
    neck_half = [
        (0.0, 9.2), (3.6, 9.0), neck_marks["left sternocleidomastoid, upper end"], (7.6, 4.5),
        (7.9, 1.4), neck_marks["left clavicle, inner third"], (2.2, 0.6),
        neck_marks["above the suprasternal notch"],
    ]  # fmt: skip
    chest_marks = {
        "below the suprasternal notch": (0.0, -0.6),
        "sternal angle": (0.0, -5.0),
        "left mid-clavicular point": (8.5, -1.2),
        "right mid-clavicular point": (-8.5, -1.2),
        "lower end of the V": (0.0, -15.0),
    }
    chest_half = [
        chest_marks["below the suprasternal notch"], (4.0, -0.8),
        chest_marks["left mid-clavicular point"], (11.2, -1.6), (10.2, -5.5), (6.6, -9.8),
        (3.0, -13.0), chest_marks["lower end of the V"],
    ]  # fmt: skip
    return [
        feature("submental", 2, curve(mirror_half(sub_half)), sub_marks),
        feature("neck", 2, curve(mirror_half(neck_half)), neck_marks),
        feature("decollete", 2, curve(mirror_half(chest_half)), chest_marks),
    ]


# --- version 2: scalp -------------------------------------------------------------------
# Seen from above, face to the top; origin the vertex; x: towards the patient's right ear.


def scalp_zones() -> list[dict[str, Any]]:
    marks = {
        "vertex": (0.0, 0.0),
        "frontal hairline, midline": (0.0, 13.6),
        "crown (whorl)": (0.0, -6.5),
        "nape hairline, midline": (0.0, -18.2),
        "right ear (top of the helix)": (9.6, -2.6),
        "left ear (top of the helix)": (-9.6, -2.6),
        "right temporal recession": (5.2, 11.6),
    }
    half = [
        marks["frontal hairline, midline"], (2.8, 13.3), marks["right temporal recession"],
        (7.6, 11.4), (9.6, 8.6), (10.6, 4.8), (10.8, 1.0), (10.4, -0.4),
        marks["right ear (top of the helix)"], (10.2, -4.9), (10.8, -6.6), (10.6, -10.5),
        (8.8, -14.4), (5.8, -17.0), (2.8, -18.0), marks["nape hairline, midline"],
    ]  # fmt: skip
    whole = feature(
        "scalp",
        2,
        curve(mirror_half(half)),
        marks,
        lines={
            "midline": [(0.0, 13.6), (0.0, -18.2)],
            "ear to ear over the vertex": [(-9.6, -2.6), (9.6, -2.6)],
        },
    )
    front_marks = {
        "frontal hairline, midline": (0.0, 13.2),
        "behind the hairline, midline": (0.0, 8.6),
        "right temporal recession": (5.1, 11.2),
        "left temporal recession": (-5.1, 11.2),
    }
    front_half = [
        front_marks["frontal hairline, midline"], (2.8, 12.9),
        front_marks["right temporal recession"], (7.0, 11.0), (7.6, 8.7), (3.8, 8.6),
        front_marks["behind the hairline, midline"],
    ]  # fmt: skip
    vertex_marks = {
        "vertex": (0.0, 0.0),
        "front of the vertex, midline": (0.0, 8.2),
        "back of the vertex, midline": (0.0, -3.3),
        "right parietal point": (6.4, 2.0),
    }
    vertex_half = [
        vertex_marks["front of the vertex, midline"], (4.5, 8.2), (6.5, 7.0),
        vertex_marks["right parietal point"], (6.3, -2.5), (3.8, -3.3),
        vertex_marks["back of the vertex, midline"],
    ]  # fmt: skip
    crown_marks = {
        "crown (whorl)": (0.0, -6.5),
        "top of the crown, midline": (0.0, -3.6),
        "bottom of the crown, midline": (0.0, -12.4),
        "right edge of the crown": (6.4, -7.5),
    }
    crown_half = [
        crown_marks["top of the crown, midline"], (3.9, -3.7),
        crown_marks["right edge of the crown"], (5.4, -10.6), (2.8, -12.1),
        crown_marks["bottom of the crown, midline"],
    ]  # fmt: skip
    temple_marks = {
        "above the left ear": (-9.3, 0.2),
        "left temporal recession, behind it": (-7.4, 8.4),
        "left temporal line": (-7.2, 3.0),
        "left temple, front": (-9.6, 6.4),
    }
    temple = [
        temple_marks["above the left ear"], (-7.3, -0.6), temple_marks["left temporal line"],
        temple_marks["left temporal recession, behind it"], (-8.6, 8.3),
        temple_marks["left temple, front"], (-10.2, 3.6),
    ]  # fmt: skip
    zones = [
        whole,
        feature("scalp-frontal", 2, curve(mirror_half(front_half)), front_marks),
        feature("scalp-vertex", 2, curve(mirror_half(vertex_half)), vertex_marks),
        feature("scalp-crown", 2, curve(mirror_half(crown_half)), crown_marks),
        *sided("scalp-temporal-{side}", curve(temple), temple_marks),
    ]
    return [narrowed(z, SCALP_WIDTH) for z in zones]


SCALP_WIDTH = 0.9
"""The scalp's outlines above are drawn 10 % wide of a 56 cm head's ear-to-ear arc over
the hair-bearing skin; they are narrowed to it here (docs/zones.md)."""


def narrowed(f: dict[str, Any], k: float) -> dict[str, Any]:
    props = f["properties"]
    ring = [(round(x * k, 3), y) for x, y in f["geometry"]["coordinates"][0][:-1]]
    marks = {m["name"]: (round(m["x_cm"] * k, 3), m["y_cm"]) for m in props["landmarks"]}
    lines = {
        ln["name"]: [(round(x * k, 3), y) for x, y in ln["points_cm"]] for ln in props["lines"]
    }
    return feature(props["zone"], props["version"], ring, marks, props["exclusions"], lines)


def version_2() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for aspect, make in (
        ("anterior", thigh_anterior), ("lateral", thigh_lateral),
        ("posterior", thigh_posterior), ("medial", thigh_medial),
    ):  # fmt: skip
        ring, marks = make()
        out += sided(f"thigh-{{side}}-{aspect}", ring, marks)
    for base, make in (
        ("hip-{side}", hip), ("flank-{side}", flank), ("buttock-{side}", buttock),
        ("arm-{side}-posterior", arm),
    ):  # fmt: skip
        ring, marks = make()
        out += sided(base, ring, marks)
    out.append(abdomen())
    return out + face_zones() + neck_chest_zones() + scalp_zones()


# --- overview charts --------------------------------------------------------------------
# Each zone's outline is placed on a chart by an origin (where its frame's origin lands,
# chart cm) and a scale per axis (aspects seen edge-on are narrowed; the submental zone,
# seen from below, is turned down under the chin). Every frame's x already points to
# the right of a viewer facing that skin, so no placement mirrors. The body charts are
# of a 170 cm adult in the anatomical position, the viewer facing the patient (front) or
# behind them (back).


def body_silhouette() -> list[Pt]:
    half = [
        (0.0, 170.0), (6.5, 167.0), (8.0, 159.0), (6.6, 149.0), (5.8, 144.0), (10.0, 141.0),
        (18.0, 138.5), (21.5, 133.0), (23.5, 120.0), (24.5, 106.0), (26.5, 84.0), (26.0, 72.0),
        (23.0, 71.0), (22.0, 84.0), (20.2, 106.0), (18.8, 118.0), (16.6, 126.0), (15.6, 110.0),
        (19.5, 94.0), (22.0, 80.0), (19.0, 55.0), (17.5, 47.0), (16.5, 28.0), (14.0, 6.0),
        (16.0, 0.0), (7.5, 0.0), (7.0, 6.0), (5.6, 28.0), (4.6, 47.0), (3.8, 62.0),
        (2.6, 78.0), (0.0, 82.0),
    ]  # fmt: skip
    return curve(mirror_half(half), 4)


def head_from_above() -> list[Pt]:
    """The head seen from above, nose to the top, for the scalp chart (its frame's cm)."""
    half = [(0.0, 16.8), (4.5, 15.6), (8.9, 11.0), (10.8, 3.0), (12.2, -2.6),
            (10.6, -11.0), (7.0, -17.0), (0.0, -19.6)]  # fmt: skip
    return curve(mirror_half(half), 4)


SHORT = {
    "anterior": "front", "lateral": "outer", "medial": "inner", "posterior": "back",
    "abdomen": "Abdomen", "neck": "Neck", "decollete": "Décolleté", "face": "Face",
    "submental": "Under the chin", "forehead": "Forehead", "perioral": "Mouth",
    "scalp": "Scalp", "scalp-frontal": "Frontal", "scalp-vertex": "Vertex",
    "scalp-crown": "Crown",
}  # fmt: skip


def short_label(zone: str) -> str:
    """The label drawn on a chart (the full title is the tap target's name)."""
    if zone in SHORT:
        return SHORT[zone]
    parts = zone.split("-")
    side = next((p for p in parts if p in ("left", "right")), "")
    mark = {"left": "L", "right": "R"}[side]
    if parts[0] == "thigh":
        return f"{mark} {SHORT[parts[2]]}"
    kind = {"periorbital": "eye", "temporal": "temple", "arm": "arm"}.get(
        parts[1] if parts[0] == "scalp" else parts[0], parts[0]
    )
    return f"{mark} {kind}"


def overview() -> dict[str, Any]:
    def at(zone: str, x: float, y: float, kx: float = 1.0, ky: float = 1.0) -> dict[str, Any]:
        return {"zone": zone, "label": short_label(zone), "origin_cm": [x, y], "scale": [kx, ky]}

    edge = 0.3  # an aspect seen edge-on

    def pair(base: str, x: float, y: float, kx: float = 1.0, ky: float = 1.0, left: int = 1):
        """A zone of each side; ``left``: +1 when the patient's left is on the right."""
        return [
            at(base.format(side=s), k * left * x, y, kx, ky)
            for s, k in (("left", 1), ("right", -1))
        ]

    front = [
        at("face", 0.0, 160.5, 0.5, 0.5),
        at("neck", 0.0, 139.6, 0.6, 0.45),
        at("decollete", 0.0, 139.0, 0.85, 0.85),
        at("abdomen", 0.0, 103.0, 0.8, 0.95),
        *pair("flank-{side}", 15.2, 104.0, 0.3, 0.9),
        *pair("hip-{side}", 19.4, 88.5, 0.28, 0.75),
        *pair("thigh-{side}-anterior", 11.2, 47.5),
        *pair("thigh-{side}-lateral", 20.5, 47.5, edge, 0.9),
        *pair("thigh-{side}-medial", 2.6, 47.5, edge, 0.95),
    ]
    back = [
        *pair("arm-{side}-posterior", 22.0, 104.0, 0.55, 1.0, left=-1),
        *pair("flank-{side}", 15.2, 104.0, 0.3, 0.9, left=-1),
        *pair("buttock-{side}", 9.2, 83.0, 0.85, 0.85, left=-1),
        *pair("thigh-{side}-posterior", 11.2, 47.5, left=-1),
    ]
    face_ids = ("face", "forehead", "cheek-left", "cheek-right", "periorbital-left",
                "periorbital-right", "perioral")  # fmt: skip
    face = [at(z, 0.0, 0.0) for z in face_ids] + [at("submental", 0.0, -13.4, 1.0, -1.0)]
    scalp_ids = ("scalp", "scalp-frontal", "scalp-vertex", "scalp-crown", "scalp-temporal-left",
                 "scalp-temporal-right")  # fmt: skip
    scalp = [at(z, 0.0, 0.0) for z in scalp_ids]
    sil = [list(p) for p in body_silhouette()]
    return {
        "charts": [
            {
                "id": "body-front",
                "title": "Body, front",
                "sides": ["head", "patient's left", "feet", "patient's right"],
                "silhouette": sil,
                "zones": front,
            },
            {
                "id": "body-back",
                "title": "Body, back",
                "sides": ["head", "patient's right", "feet", "patient's left"],
                "silhouette": sil,
                "zones": back,
            },
            {
                "id": "face",
                "title": "Face",
                "sides": ["hairline", "patient's left", "chin and under it", "patient's right"],
                "silhouette": None,
                "zones": face,
            },
            {
                "id": "scalp",
                "title": "Scalp from above",
                "sides": ["forehead", "right ear", "nape", "left ear"],
                "silhouette": [list(p) for p in head_from_above()],
                "zones": scalp,
            },
        ]
    }


def collection(version: int, features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "version": version, "features": features}


def check(features: list[dict[str, Any]]) -> None:
    for f in features:
        ring = f["geometry"]["coordinates"][0]
        poly = Polygon(ring)
        zone = f["properties"]["zone"]
        if not poly.is_valid:
            raise SystemExit(f"{zone}: outline not valid")
        print(f"{zone:24} v{f['properties']['version']} {poly.area:8.1f} cm²", file=sys.stderr)


def main() -> None:
    features = version_2()
    check(features)
    text = json.dumps(collection(2, features), indent=1) + "\n"
    path = OUT / "zones-v2.json"
    if "--check" in sys.argv:
        if path.read_text("utf-8") != text:
            raise SystemExit(f"{path} is out of date: run python scripts/zone_outlines.py")
    else:
        path.write_text(text, "utf-8")
    text = json.dumps(overview(), indent=1) + "\n"
    path = OUT / "overview.json"
    if "--check" in sys.argv:
        if path.read_text("utf-8") != text:
            raise SystemExit(f"{path} is out of date: run python scripts/zone_outlines.py")
    else:
        path.write_text(text, "utf-8")


if __name__ == "__main__":
    main()
