"""Schemas of charted sessions, signatures, addenda and reactions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from ..bounds import ClinicalDateTime, Line, Text
from .base import FindingRead, RecallRowRead, example, strict_example


class UseCreate(BaseModel):
    model_config = strict_example(
        product="Aminophylline 24 mg/mL", lot_number="AMX-2291", volume_ml=2.0, vial="AMX-2291-V1"
    )

    product: Line = Field(min_length=1, max_length=200)
    lot_number: Line = Field(min_length=1, max_length=64)
    volume_ml: float = Field(gt=0, le=1000, allow_inf_nan=False)
    vial: Line | None = Field(None, min_length=1, max_length=64)
    provides: Line | None = Field(None, min_length=1, max_length=200)


class PointChangeCreate(BaseModel):
    model_config = strict_example(point_id="thigh-left-lateral:3", status="skipped")

    point_id: Line = Field(min_length=1, max_length=80)
    status: Literal["done", "skipped", "moved", "added"]
    x_cm: float | None = Field(None, allow_inf_nan=False)
    y_cm: float | None = Field(None, allow_inf_nan=False)
    depth_mm: float | None = Field(None, allow_inf_nan=False)
    volume_ml: float | None = Field(None, allow_inf_nan=False)


class SessionCreate(BaseModel):
    """Chart a session: every planned point done unless ``changes`` say otherwise."""

    model_config = strict_example(
        uses=[UseCreate.model_config["json_schema_extra"]["examples"][0]],  # type: ignore[index]
        changes=[{"point_id": "thigh-left-lateral:3", "status": "skipped"}],
        needle_gauge=30,
        needle_length_mm=4.0,
        notes="well tolerated",
    )

    uses: list[UseCreate] = Field(min_length=1, max_length=20)
    changes: list[PointChangeCreate] = Field(default_factory=list, max_length=5000)
    needle_gauge: int | None = Field(None, ge=18, le=34)
    needle_length_mm: float | None = Field(None, gt=0, le=50, allow_inf_nan=False)
    needle_lot: Line | None = Field(None, max_length=64)
    anaesthetic: Line | None = Field(None, max_length=200)
    anaesthetic_amount_g: float | None = Field(None, ge=0, le=100, allow_inf_nan=False)
    anaesthetic_applied_at: ClinicalDateTime | None = None
    diluent: UseCreate | None = None
    notes: Text | None = Field(None, max_length=5000)
    number: int | None = Field(None, ge=1, le=1000)
    performed_at: ClinicalDateTime | None = None
    overrides: dict[
        Annotated[Line, Field(min_length=1, max_length=64)],
        Annotated[Text, Field(min_length=1, max_length=1000)],
    ] = Field(default_factory=dict, max_length=20)


class SessionUpdate(BaseModel):
    """Re-chart the points or the notes of an unsigned session."""

    model_config = strict_example(
        changes=[{"point_id": "thigh-left-lateral:3", "status": "done"}], notes="re-charted"
    )

    changes: list[PointChangeCreate] | None = Field(None, max_length=5000)
    notes: Text | None = Field(None, max_length=5000)


class SessionRead(BaseModel):
    model_config = example(
        id=12,
        course_id=3,
        patient_id=7,
        number=1,
        performed_at="2025-03-10T09:30:00+00:00",
        practitioner="dr-rossi",
        points={"planned": 50, "done": 49, "skipped": 1, "moved": 0, "added": 0},
        uses=[{"product": "Aminophylline 24 mg/mL", "lot_number": "AMX-2291", "volume_ml": 2.0}],
        needle={"gauge": 30, "length_mm": 4.0, "lot": None},
        anaesthetic=None,
        notes="well tolerated",
        signed_by="dr-rossi",
        signed_at="2025-03-10T10:00:00+00:00",
        signature="sha256:1d2c...",
        cosigned_by=None,
        cosigned_at=None,
        addenda=[],
        findings=[],
        warnings=[],
        verified=True,
        verification=[],
    )

    id: int
    course_id: int
    patient_id: int
    number: int
    performed_at: datetime
    practitioner: str
    points: dict[str, Any]
    uses: list[dict[str, Any]]
    needle: dict[str, Any] | None
    anaesthetic: dict[str, Any] | None
    notes: str | None
    signed_by: str | None
    signed_at: datetime | None
    signature: str | None
    cosigned_by: str | None
    cosigned_at: datetime | None
    addenda: list[dict[str, Any]]
    findings: list[FindingRead]
    warnings: list[str]
    verified: bool | None = Field(
        description="signed: whether its content still verifies (null: not signed)"
    )
    verification: list[str] = Field(description="how a signed session no longer verifies")


class PointRead(BaseModel):
    model_config = example(
        id="thigh-left-lateral:3", status="done", x_cm=2.0, y_cm=4.0, depth_mm=1.5, volume_ml=0.2
    )

    id: str
    status: str
    x_cm: float | None
    y_cm: float | None
    depth_mm: float | None
    volume_ml: float | None


class AddendumCreate(BaseModel):
    model_config = strict_example(text="Patient called: mild bruising on day 2, resolved.")

    text: Text = Field(min_length=1, max_length=10_000)


class VerificationRead(BaseModel):
    model_config = example(session_id=12, signed=True, intact=True, problems=[])

    session_id: int
    signed: bool
    intact: bool
    problems: list[str] = Field(description="how the content no longer verifies")


class ReactionCreate(BaseModel):
    model_config = strict_example(
        kind="redness",
        zone="thigh-left-lateral",
        onset_at="2025-03-10T09:45:00+00:00",
        severity="mild",
        duration_min=45,
        resolved=True,
        note="",
    )

    kind: Line = Field(min_length=1, max_length=32)
    zone: Line = Field(min_length=1, max_length=64)
    onset_at: ClinicalDateTime
    severity: Literal["mild", "moderate", "severe"] = "mild"
    duration_min: float | None = Field(None, ge=0, le=1_000_000, allow_inf_nan=False)
    resolved: bool = False
    note: Text = Field("", max_length=5000)


class ReactionRead(BaseModel):
    model_config = example(
        id=5,
        session_id=12,
        kind="redness",
        zone="thigh-left-lateral",
        onset_at="2025-03-10T09:45:00+00:00",
        duration_min=45,
        severity="mild",
        resolved=True,
        flags=[],
        note=None,
    )

    id: int
    session_id: int
    kind: str
    zone: str | None
    onset_at: datetime
    duration_min: float | None
    severity: str
    resolved: bool
    flags: list[dict[str, str]]
    note: str | None


class ReactionRecordedRead(ReactionRead):
    """A reaction as recorded, with what the protocol expects and, for a possible
    infection, every other patient who received a lot of that session's mix."""

    model_config = example(
        id=5,
        session_id=12,
        kind="redness",
        zone="thigh-left-lateral",
        onset_at="2025-03-10T09:45:00+00:00",
        duration_min=45,
        severity="mild",
        resolved=True,
        flags=[],
        note=None,
        patient_id=7,
        expected_max_min=60.0,
        exposed=[],
    )

    patient_id: int
    expected_max_min: float | None
    exposed: list[RecallRowRead]
