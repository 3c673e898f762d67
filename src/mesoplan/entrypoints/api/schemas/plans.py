"""Schemas of protocols, zones, plan previews and courses."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from ....domain.bounds import FieldError, check_json_value
from ....domain.protocol import DOSE_FLOOR_ML, MAX_VOLUME_ML, DepthRange, SpacingRange
from ..bounds import ClinicalDate, Line, Text
from .base import FindingRead, example, strict_example

Measurement = Annotated[float, Field(gt=0, le=1000, allow_inf_nan=False)]
VolumeMl = Annotated[float, Field(gt=0, le=MAX_VOLUME_ML, allow_inf_nan=False)]
DoseMl = Annotated[float, Field(ge=DOSE_FLOOR_ML, le=MAX_VOLUME_ML, allow_inf_nan=False)]

_ZONES = ["thigh-left-lateral", "thigh-right-lateral"]
Zone = Annotated[Line, Field(min_length=1, max_length=64)]
Key = Annotated[Line, Field(min_length=1, max_length=64)]
Reason = Annotated[Text, Field(min_length=1, max_length=1000)]


def _plan_document(value: dict[str, Any]) -> dict[str, Any]:
    try:
        check_json_value(value)
    except FieldError as exc:
        raise ValueError(f"at {exc.field}: {exc.message}") from None
    return value


PlanDocument = Annotated[dict[str, Any], AfterValidator(_plan_document)]


class ProtocolRead(BaseModel):
    model_config = example(
        id="cellulite",
        version="1.0.0",
        key="cellulite@2.0.0",
        title="Cellulite (thighs, hips, stomach)",
        indication="cellulite",
        hash="sha256:4be1...",
        origin="builtin",
        uploaded_at=None,
    )

    id: str
    version: str
    key: str
    title: str
    indication: str
    hash: str
    origin: Literal["builtin", "clinic"]
    uploaded_at: datetime | None


class ProtocolDetailRead(ProtocolRead):
    """A protocol with its whole validated content."""

    model_config = example(
        id="cellulite",
        version="1.0.0",
        key="cellulite@2.0.0",
        title="Cellulite (thighs, hips, stomach)",
        indication="cellulite",
        hash="sha256:4be1...",
        origin="builtin",
        uploaded_at=None,
        content={"id": "cellulite", "version": "1.0.0", "phases": []},
    )

    content: dict[str, Any]


class ZoneRead(BaseModel):
    model_config = example(
        id="thigh-left-lateral",
        group="thighs",
        title="Left thigh, lateral",
        laterality="left",
        area_cm2=412.5,
        measurements=["thigh_circumference_cm", "thigh_length_cm"],
    )

    id: str
    group: str
    title: str
    laterality: str | None
    area_cm2: float
    measurements: list[str]


class OverrideCreate(BaseModel):
    model_config = strict_example(field="depth_mm", value=4.5, reason="thick fat layer")

    field: Line = Field(min_length=1, max_length=64)
    value: float = Field(allow_inf_nan=False)
    reason: Text = Field(min_length=1, max_length=1000)


class PlanCreate(BaseModel):
    """A built-in or clinic protocol by ``protocol`` (``id`` or ``id@version``), or a
    protocol's TOML text in ``protocol_toml``; zones and the patient's measurements."""

    model_config = strict_example(
        protocol="cellulite",
        zones=_ZONES,
        measurements={"thigh_circumference_cm": 58.0},
        pattern="hex",
        start_date="2025-03-10",
    )

    protocol: Line | None = Field(None, min_length=1, max_length=100)
    protocol_toml: Text | None = Field(None, min_length=1, max_length=200_000)
    zones: list[Zone] = Field(min_length=1, max_length=40)
    measurements: dict[Key, Measurement] = Field(default_factory=dict, max_length=40)
    spacing_cm: float | None = Field(
        None, ge=SpacingRange.lowest, le=SpacingRange.highest, allow_inf_nan=False
    )
    depth_mm: float | None = Field(
        None, ge=DepthRange.lowest, le=DepthRange.highest, allow_inf_nan=False
    )
    volume_ml: dict[Key, VolumeMl] = Field(
        default_factory=dict, max_length=20, description="format 1 protocols: by zone group"
    )
    budget_ml: dict[Key, VolumeMl] = Field(default_factory=dict, max_length=20)
    dose_per_point_ml: dict[Key, DoseMl] = Field(default_factory=dict, max_length=20)
    pattern: Literal["hex", "square"] = "hex"
    overrides: list[OverrideCreate] = Field(default_factory=list, max_length=10)
    start_date: ClinicalDate | None = None
    at: time = time(9, 0)
    timezone: Line | None = Field(None, max_length=64)


class PlanRead(BaseModel):
    """The plan JSON (docs/plan-json.md): protocol, zones with their points, totals."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "format_version": 2,
                    "protocol": {"id": "cellulite", "version": "2.0.0", "hash": "sha256:4be1..."},
                    "pattern": "hex",
                    "zones": [{"zone": "thigh-left-lateral", "point_count": 25, "points": []}],
                    "totals": {"point_count": 50, "volume_ml": 10.0},
                    "warnings": [],
                }
            ]
        },
    )

    format_version: int
    protocol: dict[str, Any]
    zones: list[dict[str, Any]]
    totals: dict[str, Any]
    warnings: list[dict[str, Any]]


class CourseCreate(BaseModel):
    """Start a course: planned now from ``protocol`` and ``zones`` (or from an approved
    ``plan`` document), screened, scheduled from ``start_date``."""

    model_config = strict_example(
        protocol="cellulite",
        zones=_ZONES,
        measurements={"thigh_circumference_cm": 58.0},
        start_date="2025-03-10",
        at="09:30:00",
        overrides={},
    )

    protocol: Line = Field(min_length=1, max_length=100)
    zones: list[Zone] = Field(default_factory=list, max_length=40)
    measurements: dict[Key, Measurement] = Field(default_factory=dict, max_length=40)
    plan: PlanDocument | None = None
    start_date: ClinicalDate
    at: time = time(9, 0)
    timezone: Line | None = Field(None, max_length=64)
    overrides: dict[Key, Reason] = Field(default_factory=dict, max_length=20)


class CourseUpdate(BaseModel):
    """Date the course again from a new start (same protocol, same plan)."""

    model_config = strict_example(start_date="2025-03-17", at="10:00:00")

    start_date: ClinicalDate
    at: time = time(9, 0)
    timezone: Line | None = Field(None, max_length=64)


class CourseRead(BaseModel):
    model_config = example(
        id=3,
        patient_id=7,
        protocol="cellulite@2.0.0",
        protocol_hash="sha256:4be1...",
        zones=_ZONES,
        start_date="2025-03-10",
        point_count=50,
        volume_ml=10.0,
        sessions=[{"number": 1, "phase": "attack", "date": "2025-03-10"}],
        follow_up=[{"date": "2025-06-10", "reason": "review"}],
        findings=[],
        plan_hash="sha256:77c0...",
    )

    id: int
    patient_id: int
    protocol: str
    protocol_hash: str
    zones: list[str]
    start_date: date
    point_count: int
    volume_ml: float
    sessions: list[dict[str, Any]]
    follow_up: list[dict[str, Any]]
    findings: list[FindingRead]
    plan_hash: str


class ReviewRead(BaseModel):
    model_config = example(protocol_key="cellulite@2.0.0", all_as_expected=True, outcomes=[])

    protocol_key: str
    all_as_expected: bool
    outcomes: list[dict[str, Any]]
