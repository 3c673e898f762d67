"""Outcome measurement kinds, their scales, and the course review against the protocol."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mesoplan import (
    MEASUREMENT_KINDS,
    Measurement,
    OutcomeError,
    PhotoRef,
    Protocol,
    builtin_protocols,
    course_review,
)
from mesoplan.domain.outcomes import parse_value

D0 = datetime(2024, 5, 6, 9)
D1 = datetime(2024, 6, 3, 9)
D2 = datetime(2024, 8, 26, 9)


@pytest.fixture(scope="module")
def protocols() -> dict[str, Protocol]:
    return builtin_protocols()


def thigh(value: float, at: datetime, site: str = "left", height: float = 18.0) -> Measurement:
    return Measurement(
        "thigh_circumference_cm", at, value, site=site, height_above_kneecap_cm=height
    )


def test_every_kind_the_builtin_protocols_expect_is_known(
    protocols: dict[str, Protocol],
) -> None:
    measures = {o.measure for p in protocols.values() for o in p.expected_outcomes}
    assert measures == {
        "cellulite_stage_nurnberger_muller",
        "thigh_circumference_cm",
        "gais",
        "hair_density_per_cm2",
    }
    assert measures <= set(MEASUREMENT_KINDS)


def test_kinds_state_units_scales_and_codes() -> None:
    k = MEASUREMENT_KINDS
    assert k["waist_circumference_cm"].code == "LOINC 8280-0"
    assert (
        k["cellulite_stage_nurnberger_muller"].min,
        k["cellulite_stage_nurnberger_muller"].max,
    ) == (0, 3)
    assert k["gais"].labels[1] == "very much improved" and k["gais"].labels[5] == "worse"
    assert k["gais"].neutral == 4
    assert k["glogau"].scale_text().startswith("1 = I (no wrinkles)")
    assert k["hair_density_per_cm2"].better == "higher"


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("cellulite_stage_nurnberger_muller", 4, "valid: a whole number 0 = no dimpling"),
        ("cellulite_stage_nurnberger_muller", 1.5, "whole number"),
        ("gais", 0, "valid: a whole number 1 = very much improved"),
        ("glogau", 5, "outside its scale"),
        ("waist_circumference_cm", -3, r"valid: 30..250 cm"),
        ("hair_density_per_cm2", float("nan"), "outside its scale"),
        ("waist_circumference_cm", None, "a value is required"),
        ("bmi", 22, "unknown measurement kind 'bmi'; valid: thigh_circumference_cm"),
    ],
)
def test_values_are_validated_against_their_scale(kind: str, value: float, message: str) -> None:
    with pytest.raises(OutcomeError, match=message):
        Measurement(kind, D0, value)


def test_thigh_circumference_needs_the_height_above_the_kneecap() -> None:
    with pytest.raises(OutcomeError, match="height_above_kneecap_cm is required"):
        Measurement("thigh_circumference_cm", D0, 55.0, site="left")
    with pytest.raises(OutcomeError, match="applies to the thigh only"):
        Measurement("waist_circumference_cm", D0, 80.0, height_above_kneecap_cm=18)
    assert thigh(55, D0).series == ("thigh_circumference_cm", "left", 18.0)


def test_photos_are_file_references_with_metadata() -> None:
    ref = PhotoRef("photos/p1/2024-05-06-front.jpg", "Canon R6 50 mm", "2 softboxes 45°", "front")
    m = Measurement("photo", D0, photo=ref)
    assert m.value is None
    assert ref.comparable_with(PhotoRef("other.jpg", "Canon R6 50 mm", "2 softboxes 45°", "front"))
    assert not ref.comparable_with(PhotoRef("x.jpg", "phone", "window", "front"))
    with pytest.raises(OutcomeError, match="give a photo"):
        Measurement("photo", D0, 1.0)
    with pytest.raises(OutcomeError, match="belongs to a 'photo'"):
        Measurement("gais", D0, 3, photo=ref)
    with pytest.raises(OutcomeError, match="camera: a non-empty text"):
        PhotoRef("a.jpg", "", "l", "p")


def test_parse_value_takes_roman_glogau_types() -> None:
    assert parse_value("glogau", "III") == 3.0
    assert parse_value("glogau", "2") == 2.0
    with pytest.raises(OutcomeError, match="'x' is not a number"):
        parse_value("gais", "x")


def test_cellulite_course_review(protocols: dict[str, Protocol]) -> None:
    measurements = [
        thigh(56.0, D0),
        thigh(55.2, D2),
        thigh(54.0, D1),
        thigh(58.0, D0, site="right"),
        thigh(58.5, D2, site="right"),
        Measurement("cellulite_stage_nurnberger_muller", D0, 2),
        Measurement("cellulite_stage_nurnberger_muller", D2, 1),
        Measurement("waist_circumference_cm", D0, 80.0),
    ]
    review = course_review(protocols["cellulite"], measurements)
    rows = [(o.measure, o.site, o.baseline, o.latest, o.change, o.status) for o in review.outcomes]
    assert rows == [
        ("cellulite_stage_nurnberger_muller", None, 2.0, 1.0, -1.0, "as_expected"),
        ("thigh_circumference_cm", "left", 56.0, 55.2, pytest.approx(-0.8), "as_expected"),
        ("thigh_circumference_cm", "right", 58.0, 58.5, 0.5, "not_as_expected"),
    ]
    left = review.outcomes[1]
    assert (left.baseline_at, left.latest_at, left.unit) == (D0, D2, "cm")
    assert left.height_above_kneecap_cm == 18.0
    assert left.as_expected is True
    assert not review.all_as_expected


def test_review_without_data_or_with_a_baseline_only(protocols: dict[str, Protocol]) -> None:
    review = course_review(protocols["hair"], [])
    (o,) = review.outcomes
    assert (o.measure, o.status, o.as_expected) == ("hair_density_per_cm2", "no_data", None)
    one = course_review(protocols["hair"], [Measurement("hair_density_per_cm2", D0, 140)])
    assert one.outcomes[0].status == "baseline_only"
    assert one.outcomes[0].baseline == 140.0
    assert one.outcomes[0].latest is None


def test_hair_density_should_increase(protocols: dict[str, Protocol]) -> None:
    review = course_review(
        protocols["hair"],
        [
            Measurement("hair_density_per_cm2", D0, 140),
            Measurement("hair_density_per_cm2", D2, 152),
        ],
    )
    o = review.outcomes[0]
    assert (o.change, o.status) == (12.0, "as_expected")
    assert review.all_as_expected


@pytest.mark.parametrize(
    ("latest", "status"),
    [(3, "as_expected"), (1, "as_expected"), (4, "not_as_expected"), (5, "not_as_expected")],
)
def test_gais_rates_change_against_no_change(
    protocols: dict[str, Protocol], latest: int, status: str
) -> None:
    review = course_review(protocols["face"], [Measurement("gais", D2, latest)])
    o = review.outcomes[0]
    assert (o.baseline, o.latest, o.change, o.status) == (4.0, float(latest), latest - 4.0, status)
    assert o.direction == "improve"


@given(
    values=st.lists(st.floats(min_value=20, max_value=120, allow_nan=False), min_size=2, max_size=8)
)
def test_property_change_is_latest_minus_baseline(values: list[float]) -> None:
    p = builtin_protocols()["cellulite"]
    ms = [thigh(v, datetime(2024, 1, 1 + i)) for i, v in enumerate(values)]
    o = next(o for o in course_review(p, reversed(ms)).outcomes if o.measure.startswith("thigh"))
    assert o.baseline == values[0] and o.latest == values[-1]
    assert o.change == pytest.approx(values[-1] - values[0])
    assert o.as_expected == (values[-1] < values[0])


def test_mixed_time_zones_are_refused_with_a_clear_message(
    protocols: dict[str, Protocol],
) -> None:
    from datetime import UTC

    ms = [thigh(56, D0), thigh(55, datetime(2024, 6, 3, tzinfo=UTC))]
    with pytest.raises(OutcomeError, match="with and without a time zone"):
        course_review(protocols["cellulite"], ms)


def test_taken_at_must_be_a_datetime() -> None:
    from datetime import date

    with pytest.raises(OutcomeError, match="taken_at must be a date and time"):
        Measurement("gais", date(2024, 5, 6), 3)  # type: ignore[arg-type]


def test_every_kind_and_reaction_kind_is_documented() -> None:
    from pathlib import Path

    from mesoplan.domain.reactions import REACTION_KINDS

    text = (Path(__file__).resolve().parents[2] / "docs" / "records.md").read_text("utf-8")
    for name in [*MEASUREMENT_KINDS, *REACTION_KINDS]:
        assert f"`{name}`" in text, name
