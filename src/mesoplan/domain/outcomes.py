"""Outcome measurements: kinds with unit and scale, validation, and the course review.

Each :class:`MeasurementKind` states its unit, its valid range, whether lower or higher
is better, and where the scale comes from (clinical-notes §8, §10). A measurement series
is one kind at one site (and, for the thigh, one height above the kneecap); the course
review compares each series' latest value with its baseline (the first) against the
protocol's expected outcomes. GAIS rates change itself (1 = very much improved ..
4 = no change .. 5 = worse), so its baseline is "no change".
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

from .errors import OutcomeError
from .protocol import Protocol

Better = Literal["lower", "higher"]


@dataclass(frozen=True)
class MeasurementKind:
    name: str
    unit: str
    description: str
    min: float | None = None
    max: float | None = None
    integer: bool = False
    better: Better | None = None
    relative: bool = False
    """The value rates change against the pre-treatment state (GAIS); no baseline taken."""
    neutral: float | None = None
    """For a relative scale: the value that means no change."""
    labels: Mapping[int, str] = field(default_factory=dict)
    requires: tuple[str, ...] = ()
    code: str | None = None
    source: str = ""

    @property
    def is_photo(self) -> bool:
        return self.name == "photo"

    def scale_text(self) -> str:
        if self.labels:
            return ", ".join(f"{k} = {v}" for k, v in self.labels.items())
        low = "" if self.min is None else f"{self.min:g}"
        high = "" if self.max is None else f"{self.max:g}"
        return f"{low}..{high} {self.unit}".strip()


_GAIS = {
    1: "very much improved",
    2: "much improved",
    3: "improved",
    4: "no change",
    5: "worse",
}
_NM = {
    0: "no dimpling, even when pinched",
    1: "dimpling only when pinched",
    2: "visible standing, not lying down",
    3: "visible standing and lying down",
}
_GLOGAU = {
    1: "I (no wrinkles)",
    2: "II (wrinkles in motion)",
    3: "III (wrinkles at rest)",
    4: "IV (only wrinkles)",
}

BODY_WEIGHT = "body_weight_kg"
"""The measurement kind a per-kg drug maximum reads."""

MEASUREMENT_KINDS: Mapping[str, MeasurementKind] = {
    k.name: k
    for k in (
        MeasurementKind(
            "thigh_circumference_cm",
            "cm",
            "thigh circumference by tape at a stated height above the top of the kneecap",
            min=20,
            max=120,
            better="lower",
            requires=("height_above_kneecap_cm",),
            code="SNOMED CT 413171006 (lower limb circumference); local code for the thigh",
            source="clinical-notes §8, §10",
        ),
        MeasurementKind(
            "waist_circumference_cm",
            "cm",
            "waist circumference at the umbilicus by tape",
            min=30,
            max=250,
            better="lower",
            code="LOINC 8280-0",
            source="clinical-notes §10",
        ),
        MeasurementKind(
            "cellulite_stage_nurnberger_muller",
            "stage",
            "Nürnberger–Müller cellulite stage",
            min=0,
            max=3,
            integer=True,
            better="lower",
            labels=_NM,
            source="Nürnberger and Müller 1978 (clinical-notes §8)",
        ),
        MeasurementKind(
            "hair_density_per_cm2",
            "hairs/cm²",
            "hair density by trichoscopy",
            min=0,
            max=1000,
            better="higher",
            source="clinical-notes §8",
        ),
        MeasurementKind(
            "gais",
            "score",
            "Global Aesthetic Improvement Scale, rated against the pre-treatment state",
            min=1,
            max=5,
            integer=True,
            better="lower",
            relative=True,
            neutral=4,
            labels=_GAIS,
            source="GAIS, 5-point scale (Narins et al. 2003)",
        ),
        MeasurementKind(
            "glogau",
            "type",
            "Glogau photoaging type (I..IV, stored as 1..4)",
            min=1,
            max=4,
            integer=True,
            better="lower",
            labels=_GLOGAU,
            source="Glogau 1996 (clinical-notes §8)",
        ),
        MeasurementKind(
            BODY_WEIGHT,
            "kg",
            "body weight: the drug maxima per kg of a session use the latest one taken "
            "on or before it",
            min=2,
            max=400,
            code="LOINC 29463-7",
            source="drug labels give maxima per kg of body weight (docs/protocols.md)",
        ),
        MeasurementKind(
            "photo",
            "file",
            "standardised photograph: file reference with camera, lighting and pose",
            source="clinical-notes §8",
        ),
    )
}
"""Every measurement kind, by name."""

_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}


def kind(name: str) -> MeasurementKind:
    try:
        return MEASUREMENT_KINDS[name]
    except KeyError:
        raise OutcomeError(
            f"unknown measurement kind {name!r}; valid: {', '.join(MEASUREMENT_KINDS)}"
        ) from None


def parse_value(kind_name: str, text: str) -> float:
    """A value as typed: a number, or a Glogau type in Roman numerals (``III``)."""
    k = kind(kind_name)
    t = text.strip()
    if k.name == "glogau" and t.upper() in _ROMAN:
        return float(_ROMAN[t.upper()])
    try:
        return float(t)
    except ValueError:
        raise OutcomeError(f"{k.name}: {text!r} is not a number; valid: {k.scale_text()}") from None


@dataclass(frozen=True)
class PhotoRef:
    """A photograph by file reference; only comparable with the same camera, lighting and pose."""

    file: str
    camera: str
    lighting: str
    pose: str

    def __post_init__(self) -> None:
        for name in ("file", "camera", "lighting", "pose"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise OutcomeError(f"photo {name}: a non-empty text is required")

    def comparable_with(self, other: PhotoRef) -> bool:
        return (self.camera, self.lighting, self.pose) == (other.camera, other.lighting, other.pose)


@dataclass(frozen=True)
class Measurement:
    """One measurement: a value on its kind's scale, or a photo for ``photo``."""

    kind: str
    taken_at: datetime
    value: float | None = None
    site: str | None = None
    height_above_kneecap_cm: float | None = None
    photo: PhotoRef | None = None
    note: str = ""

    def __post_init__(self) -> None:
        validate_measurement(self)
        if self.value is not None:
            object.__setattr__(self, "value", float(self.value))

    @property
    def series(self) -> tuple[str, str | None, float | None]:
        """What makes measurements comparable: kind, site, height above the kneecap."""
        return (self.kind, self.site, self.height_above_kneecap_cm)


def validate_measurement(m: Measurement) -> None:
    """Raise :class:`OutcomeError` naming the kind and its valid scale."""
    k = kind(m.kind)
    if not isinstance(m.taken_at, datetime):
        raise OutcomeError(f"{k.name}: taken_at must be a date and time, got {m.taken_at!r}")
    if k.is_photo:
        if m.photo is None or m.value is not None:
            raise OutcomeError("photo: give a photo (file, camera, lighting, pose) and no value")
        return
    if m.photo is not None:
        raise OutcomeError(f"{k.name}: a photo belongs to a 'photo' measurement")
    _check_value(k, m.value)
    if "height_above_kneecap_cm" in k.requires:
        h = m.height_above_kneecap_cm
        if h is None or not math.isfinite(h) or not 0 < h <= 60:
            raise OutcomeError(
                f"{k.name}: height_above_kneecap_cm is required, 0 < height <= 60 "
                "(e.g. 18 or 26 cm above the top of the kneecap)"
            )
    elif m.height_above_kneecap_cm is not None:
        raise OutcomeError(f"{k.name}: height_above_kneecap_cm applies to the thigh only")


def _check_value(k: MeasurementKind, value: float | None) -> None:
    if value is None or isinstance(value, bool):
        raise OutcomeError(f"{k.name}: a value is required; valid: {k.scale_text()}")
    v = float(value)
    bad = not math.isfinite(v)
    bad = bad or (k.min is not None and v < k.min) or (k.max is not None and v > k.max)
    bad = bad or (k.integer and v != int(v))
    if bad:
        what = "a whole number " if k.integer else ""
        raise OutcomeError(
            f"{k.name}: {value!r} is outside its scale; valid: {what}{k.scale_text()}"
        )


# -- the course review --------------------------------------------------------------

Status = Literal["as_expected", "not_as_expected", "baseline_only", "no_data"]


@dataclass(frozen=True)
class OutcomeReview:
    measure: str
    direction: str
    description: str
    unit: str
    site: str | None = None
    height_above_kneecap_cm: float | None = None
    baseline: float | None = None
    baseline_at: datetime | None = None
    latest: float | None = None
    latest_at: datetime | None = None
    change: float | None = None
    status: Status = "no_data"

    @property
    def as_expected(self) -> bool | None:
        """True or False once there is something to compare; None before."""
        if self.status in ("no_data", "baseline_only"):
            return None
        return self.status == "as_expected"


@dataclass(frozen=True)
class CourseReview:
    protocol_key: str
    outcomes: tuple[OutcomeReview, ...]

    @property
    def all_as_expected(self) -> bool:
        return bool(self.outcomes) and all(o.as_expected for o in self.outcomes)


def sort_by_time(measurements: Iterable[Measurement]) -> list[Measurement]:
    """Measurements in time order (ties by kind, site and height, so the order is stable)."""
    try:
        return sorted(
            measurements,
            key=lambda m: (m.taken_at, m.kind, m.site or "", m.height_above_kneecap_cm or 0.0),
        )
    except TypeError:
        raise OutcomeError(
            "measurement times mix times with and without a time zone; give all one way"
        ) from None


def course_review(protocol: Protocol, measurements: Iterable[Measurement]) -> CourseReview:
    """Per expected outcome of the protocol and per measurement series: baseline (the
    first value), latest, change and whether it moved as the protocol expects."""
    by_series: dict[tuple[str, str | None, float | None], list[Measurement]] = {}
    for m in sort_by_time(measurements):
        by_series.setdefault(m.series, []).append(m)
    out: list[OutcomeReview] = []
    for expected in protocol.expected_outcomes:
        k = kind(expected.measure)
        series = [s for key, s in by_series.items() if key[0] == k.name]
        base = OutcomeReview(expected.measure, expected.direction, expected.description, k.unit)
        if not series:
            out.append(base)
        for values in series:
            out.append(_review_series(base, k, values))
    return CourseReview(protocol.key, tuple(out))


def _review_series(
    base: OutcomeReview, k: MeasurementKind, values: list[Measurement]
) -> OutcomeReview:
    first, last = values[0], values[-1]
    assert first.value is not None and last.value is not None
    if k.relative:
        baseline, baseline_at = k.neutral, None
    elif len(values) < 2:
        return _replace(
            base, first, baseline=first.value, baseline_at=first.taken_at, status="baseline_only"
        )
    else:
        baseline, baseline_at = first.value, first.taken_at
    assert baseline is not None
    change = last.value - baseline
    ok = _moved_as_expected(base.direction, k, change)
    return _replace(
        base,
        first,
        baseline=baseline,
        baseline_at=baseline_at,
        latest=last.value,
        latest_at=last.taken_at,
        change=change,
        status="as_expected" if ok else "not_as_expected",
    )


def _replace(base: OutcomeReview, m: Measurement, **values: Any) -> OutcomeReview:
    return replace(base, site=m.site, height_above_kneecap_cm=m.height_above_kneecap_cm, **values)


def _moved_as_expected(direction: str, k: MeasurementKind, change: float) -> bool:
    if direction == "decrease":
        return change < 0
    if direction == "increase":
        return change > 0
    if k.better is None:
        raise OutcomeError(f"{k.name}: 'improve' needs a kind where lower or higher is better")
    return change < 0 if k.better == "lower" else change > 0
