"""The zone catalogue: sizes against clinical-notes §5, groups, codes, frames, scaling."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st
from shapely import Polygon

from mesoplan import ZONE_GROUPS, PlanningError
from mesoplan.domain.anatomy import (
    ZONE_MEASUREMENTS,
    check_measurements,
    get_zone,
    zone_catalogue,
)
from mesoplan.domain.geojson import patches_from_geojson, zone_from_geojson
from mesoplan.domain.skin import fits_route, layer_at

ZONES = zone_catalogue()
ASPECTS = ("anterior", "lateral", "posterior", "medial")
REQUIRED = [
    *(f"thigh-{s}-{a}" for s in ("left", "right") for a in ASPECTS),
    "hip-left", "hip-right", "buttock-left", "buttock-right", "abdomen", "flank-left",
    "flank-right", "arm-left-posterior", "arm-right-posterior", "face", "forehead",
    "cheek-left", "cheek-right", "periorbital-left", "periorbital-right", "perioral",
    "submental", "neck", "decollete", "scalp", "scalp-frontal", "scalp-vertex", "scalp-crown",
    "scalp-temporal-left", "scalp-temporal-right",
]  # fmt: skip


def expected_group(zone_id: str) -> str:
    prefixes = {
        "thigh-": "thighs", "hip-": "hips", "flank-": "hips", "abdomen": "stomach",
        "buttock-": "buttocks", "arm-": "arms", "scalp": "scalp", "submental": "submental",
        "neck": "neck", "decollete": "decollete",
    }  # fmt: skip
    for prefix, group in prefixes.items():
        if zone_id.startswith(prefix):
            return group
    return "face"


def test_every_required_zone_is_in_the_catalogue_with_its_group() -> None:
    assert set(REQUIRED) <= set(ZONES)
    for zid, zone in ZONES.items():
        assert zone.group == expected_group(zid), zid
        assert zone.group in ZONE_GROUPS


def test_outlines_are_valid_polygons_and_measurements_known() -> None:
    for zone in ZONES.values():
        assert Polygon(zone.outline_cm).is_valid, zone.id
        assert zone.area_cm2 > 10
        assert set(zone.measurements) <= set(ZONE_MEASUREMENTS)
        assert zone.frame.origin and zone.frame.x_axis and zone.frame.y_axis


@pytest.mark.parametrize("side", ["left", "right"])
def test_four_aspects_of_one_thigh_add_up_to_about_1600_cm2(side: str) -> None:
    total = sum(
        ZONES[f"thigh-{side}-{a}"].area_cm2 for a in ("anterior", "lateral", "posterior", "medial")
    )
    assert 1440 <= total <= 1760  # clinical-notes §5: about 1,600 cm² (within 10 %)


@pytest.mark.parametrize(
    ("zone", "expected"), [("face", 500), ("scalp", 500), ("buttock-left", 425)]
)
def test_face_scalp_and_buttock_are_plausible(zone: str, expected: float) -> None:
    assert 0.8 * expected <= ZONES[zone].area_cm2 <= 1.2 * expected


def test_snomed_codes_come_from_the_clinical_notes() -> None:
    codes = {z: ZONES[z].body_site.code for z in ZONES if ZONES[z].body_site is not None}  # type: ignore[union-attr]
    assert codes["thigh-left-anterior"] == "61248009"
    assert codes["thigh-right-posterior"] == "4578000"
    assert codes["thigh-left-medial"] == "73958006"
    assert codes["thigh-left-lateral"] == "68367000"
    assert codes["hip-left"] == "29836001"
    assert codes["buttock-right"] == "22180002"
    assert codes["abdomen"] == "75093004"
    assert codes["face"] == codes["forehead"] == "73897004"
    assert codes["scalp"] == codes["scalp-crown"] == "43067004"
    assert "neck" not in codes  # no code in §10


EYES = {"right eye", "left eye"}


@pytest.mark.parametrize(
    ("version", "names"), [(1, {*EYES, "lips", "nostrils"}), (2, {*EYES, "lips", "nose"})]
)
def test_face_has_builtin_exclusions_for_eyes_nose_and_lips(version: int, names: set[str]) -> None:
    face = get_zone("face", version)
    assert {e.name for e in face.exclusions} == names
    outline = Polygon(face.outline_cm)
    for e in face.exclusions:
        assert e.builtin and outline.contains(e.shape.geometry())


@pytest.mark.parametrize("whole", ["face", "scalp"])
def test_sub_zones_lie_inside_the_whole_zone_and_do_not_overlap(whole: str) -> None:
    subs = [z for z in ZONES.values() if z.frame.id == ZONES[whole].frame.id and z.id != whole]
    assert len(subs) >= 5
    big = Polygon(ZONES[whole].outline_cm)
    for z in subs:
        assert big.buffer(1e-6).contains(Polygon(z.outline_cm)), z.id
    for a, b in itertools.combinations(subs, 2):
        assert Polygon(a.outline_cm).intersection(Polygon(b.outline_cm)).area < 1e-6


def test_scaling_stretches_about_the_origin() -> None:
    ref = get_zone("thigh-left-lateral")
    big = ref.scaled_to({"thigh_circumference_cm": 63.6, "thigh_length_cm": 36})
    assert big.scale == pytest.approx((1.2, 1.0))
    assert big.area_cm2 == pytest.approx(ref.area_cm2 * 1.2)
    for (x, y), (bx, by) in zip(ref.outline_cm, big.outline_cm, strict=True):
        assert (bx, by) == pytest.approx((x * 1.2, y))  # the origin stays put
    old = get_zone("thigh-left-lateral@1").scaled_to({"thigh_circumference_cm": 63.6})
    assert old.outline_cm[0] == pytest.approx((-38 / 8 * 1.2, 0.0))
    eye = get_zone("periorbital-left").scaled_to({"face_width_cm": 15.4})
    pupil = next(m for m in eye.landmarks if m.name == "left pupil")
    assert (pupil.x_cm, pupil.y_cm) == pytest.approx((3.2 * 1.1, 0.0))


@given(
    zone=st.sampled_from(sorted(ZONES)),
    name=st.sampled_from(sorted(ZONE_MEASUREMENTS)),
    a=st.floats(0, 1),
    b=st.floats(0, 1),
)
def test_property_scaling_a_measurement_up_never_shrinks_the_area(
    zone: str, name: str, a: float, b: float
) -> None:
    kind = ZONE_MEASUREMENTS[name]
    lo, hi = sorted((a, b))
    small = kind.min_cm + lo * (kind.max_cm - kind.min_cm)
    large = kind.min_cm + hi * (kind.max_cm - kind.min_cm)
    z = ZONES[zone]
    assert z.scaled_to({name: large}).area_cm2 >= z.scaled_to({name: small}).area_cm2 - 1e-9


def test_bad_measurements_and_zones_name_what_is_valid() -> None:
    with pytest.raises(PlanningError, match="valid measurements: thigh_circumference_cm"):
        check_measurements({"thigh_girth": 50})
    with pytest.raises(PlanningError, match="outside 30 to 110 cm"):
        check_measurements({"thigh_circumference_cm": 5})
    with pytest.raises(PlanningError, match="valid zones: thigh-left-anterior, "):
        get_zone("thigh-left")


def test_layers_from_the_skin_table() -> None:
    assert layer_at("thigh", 1.5) == "dermis"
    assert layer_at("thigh", 1.9) == "dermis or subcutaneous fat"
    assert layer_at("thigh", 2.0) == "subcutaneous fat"
    assert layer_at("face", 0.4) == "dermis"
    assert layer_at("face", 0.2) == "epidermis or dermis"
    assert layer_at("face", 1.0) == "dermis or subcutaneous fat"
    assert layer_at("scalp", 0.55) == "dermis"
    assert fits_route("dermis", "intradermal")
    assert not fits_route("dermis or subcutaneous fat", "intradermal")


SQUARE = {"type": "Polygon", "coordinates": [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]]}
BOWTIE = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}


def test_custom_zone_from_geojson() -> None:
    hole = [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]]
    data = {
        "type": "Feature",
        "properties": {"zone": "scar-left", "group": "thighs", "title": "Left thigh scar"},
        "geometry": {"type": "Polygon", "coordinates": [*SQUARE["coordinates"], hole]},
    }
    zone = zone_from_geojson(data, "scar.geojson")
    assert (zone.id, zone.group, zone.skin_site, zone.custom) == (
        "scar-left",
        "thighs",
        "thigh",
        True,
    )
    assert zone.area_cm2 == pytest.approx(100)
    assert [e.name for e in zone.exclusions] == ["hole 1"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"type": "Feature", "properties": {"zone": "x"}, "geometry": SQUARE}, "valid: thighs"),
        ({"type": "Feature", "properties": {"group": "face"}, "geometry": SQUARE}, "zone must"),
        ({"type": "Point", "coordinates": [0, 0]}, "valid: Feature, FeatureCollection, Polygon"),
        (
            {"type": "Feature", "properties": {"zone": "x", "group": "face"}, "geometry": BOWTIE},
            "crosses itself",
        ),
    ],
)  # fmt: skip
def test_bad_custom_zones_say_what_is_wrong(data: object, message: str) -> None:
    with pytest.raises(PlanningError, match=message):
        zone_from_geojson(data, "z.geojson")


def test_patches_from_geojson_keep_their_zone() -> None:
    coll = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"zone": "thigh-left-lateral"}, "geometry": SQUARE},
            {"type": "Feature", "properties": {}, "geometry": SQUARE},
        ],
    }
    patches = patches_from_geojson(coll, "p.geojson")
    assert [p.zone for p in patches] == ["thigh-left-lateral", None]


def test_every_zone_and_measurement_is_documented() -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "zones.md").read_text("utf-8")
    missing = [name for name in [*ZONES, *ZONE_MEASUREMENTS] if f"`{name}`" not in text]
    assert not missing, f"missing from docs/zones.md: {missing}"
