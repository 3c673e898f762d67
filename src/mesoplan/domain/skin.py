"""Which skin layer a depth lands in, per body site (clinical-notes §4).

Layer boundaries are kept as ranges, because ultrasound and histology disagree: a depth
between the shallow and the deep estimate of a boundary is reported as straddling it
("dermis or subcutaneous fat"). Depths are measured from the skin surface, in mm.
"""

from __future__ import annotations

from typing import NamedTuple


class Boundary(NamedTuple):
    """The depth of the bottom of a layer, as a range (mm from the surface)."""

    min_mm: float
    max_mm: float


class SkinSite(NamedTuple):
    name: str
    epidermis_bottom: Boundary
    dermis_bottom: Boundary
    source: str


# Epidermis: 0.17 to 0.22 mm on the face (high-frequency ultrasound, PMC9205051); the
# notes give no epidermis for the body, so the face range, widened down to 0.05 mm, is
# a default there.
_BODY_EPIDERMIS = Boundary(0.05, 0.22)
_FACE_EPIDERMIS = Boundary(0.17, 0.22)
# Face dermis 0.58 to 1.17 mm (ultrasound) and 0.76 to 1.97 mm (histology): the
# dermis ends 0.17 + 0.58 = 0.75 mm to 0.22 + 1.97 = 2.19 mm below the surface.
_FACE_DERMIS = Boundary(0.75, 2.19)

SKIN_SITES: dict[str, SkinSite] = {
    "thigh": SkinSite(
        "thigh", _BODY_EPIDERMIS, Boundary(1.9, 1.9), "Gibney 2010: thigh skin 1.9 mm"
    ),
    "abdomen": SkinSite(
        "abdomen", _BODY_EPIDERMIS, Boundary(2.2, 2.2), "Gibney 2010: abdomen skin 2.2 mm"
    ),
    "buttock": SkinSite(
        "buttock", _BODY_EPIDERMIS, Boundary(2.4, 2.4), "Gibney 2010: buttock skin 2.4 mm"
    ),
    "face": SkinSite(
        "face",
        _FACE_EPIDERMIS,
        _FACE_DERMIS,
        "PMC9205051 (ultrasound) and Chopra 2015 (histology)",
    ),
    "scalp": SkinSite(
        "scalp",
        _FACE_EPIDERMIS,
        _FACE_DERMIS,
        "default: the notes give no scalp skin thickness; face values used",
    ),
}

EPIDERMIS = "epidermis"
DERMIS = "dermis"
FAT = "subcutaneous fat"

ROUTE_LAYER = {"intradermal": DERMIS, "subcutaneous": FAT}
"""The layer each protocol route aims at."""


def layer_at(site: str, depth_mm: float) -> str:
    """The layer ``depth_mm`` lands in at ``site``; "A or B" when it straddles a boundary."""
    s = SKIN_SITES[site]
    for upper, lower, boundary in (
        (EPIDERMIS, DERMIS, s.epidermis_bottom),
        (DERMIS, FAT, s.dermis_bottom),
    ):
        if depth_mm < boundary.min_mm:
            return upper
        if depth_mm <= boundary.max_mm and boundary.min_mm < boundary.max_mm:
            return f"{upper} or {lower}"
    if depth_mm == s.dermis_bottom.max_mm:
        return f"{DERMIS} or {FAT}"
    return FAT


def fits_route(layer: str, route: str) -> bool:
    """True when the layer is the one the route aims at, for certain."""
    return ROUTE_LAYER.get(route) == layer
