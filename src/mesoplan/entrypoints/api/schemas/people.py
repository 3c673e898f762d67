"""Schemas of patients, their safety history and measurements."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from ..bounds import BodyId, ClinicalDate, ClinicalDateTime, Line, Text
from .base import FindingRead, example, strict_example

Sex = Literal["female", "male", "other", "unknown"]
_HISTORY = {
    "pregnant": False,
    "breastfeeding": False,
    "anticoagulants": False,
    "antiplatelets": False,
    "bleeding_disorder": False,
    "active_skin_infection": False,
    "recent_myocardial_infarction": False,
    "hypotension": False,
    "allergies": ["sulfite"],
    "medications": ["levothyroxine"],
    "consent_given_at": "2025-03-01T09:00:00+00:00",
    "notes": "consent form v3 signed",
}


class HistoryCreate(BaseModel):
    model_config = strict_example(**_HISTORY)

    pregnant: bool = False
    breastfeeding: bool = False
    anticoagulants: bool = False
    antiplatelets: bool = False
    bleeding_disorder: bool = False
    active_skin_infection: bool = False
    recent_myocardial_infarction: bool = False
    hypotension: bool = False
    allergies: list[Annotated[Line, Field(min_length=1, max_length=200)]] = Field(
        default_factory=list, max_length=50
    )
    medications: list[Annotated[Line, Field(min_length=1, max_length=200)]] = Field(
        default_factory=list, max_length=50
    )
    consent_given_at: ClinicalDateTime | None = None
    notes: Text | None = Field(None, max_length=5000)


class HistoryRead(BaseModel):
    model_config = example(
        recorded_at="2025-03-03T09:00:00+00:00",
        recorded_by="dr-rossi",
        flags={k: v for k, v in _HISTORY.items() if isinstance(v, bool)},
        allergies=["sulfite"],
        medications=["levothyroxine"],
        consent_given_at="2025-03-01T09:00:00+00:00",
        notes="consent form v3 signed",
    )

    recorded_at: datetime
    recorded_by: str
    flags: dict[str, bool]
    allergies: list[str]
    medications: list[str]
    consent_given_at: datetime | None
    notes: str | None


class PatientCreate(BaseModel):
    model_config = strict_example(
        family_name="Rossi",
        given_name="Maria",
        birth_date="1985-04-02",
        sex="female",
        phone="+39 02 1234567",
        email="maria.rossi@example.org",
        identifiers={"urn:clinic:mrn": "A-00042"},
        history=_HISTORY,
    )

    family_name: Line = Field(min_length=1, max_length=200)
    given_name: Line = Field(min_length=1, max_length=200)
    birth_date: ClinicalDate
    sex: Sex
    phone: Line | None = Field(None, max_length=64)
    email: Line | None = Field(None, max_length=200)
    identifiers: dict[
        Annotated[Line, Field(min_length=1, max_length=200)],
        Annotated[Line, Field(min_length=1, max_length=200)],
    ] = Field(default_factory=dict, max_length=20)
    history: HistoryCreate | None = None


class PatientRead(BaseModel):
    model_config = example(
        id=7,
        family_name="Rossi",
        given_name="Maria",
        birth_date="1985-04-02",
        sex="female",
        phone="+39 02 1234567",
        email="maria.rossi@example.org",
        identifiers={"urn:clinic:mrn": "A-00042"},
        deleted=False,
    )

    id: int
    family_name: str
    given_name: str
    birth_date: date
    sex: str
    phone: str | None
    email: str | None
    identifiers: dict[str, str]
    deleted: bool


class PatientUpdate(BaseModel):
    model_config = strict_example(phone="+39 02 7654321")

    family_name: Line | None = Field(None, min_length=1, max_length=200)
    given_name: Line | None = Field(None, min_length=1, max_length=200)
    phone: Line | None = Field(None, max_length=64)
    email: Line | None = Field(None, max_length=200)


class PhotoCreate(BaseModel):
    model_config = strict_example(
        file="photos/7/2025-03-03-thigh.jpg", camera="EOS R6", lighting="ring", pose="standing"
    )

    file: Line = Field(min_length=1, max_length=500)
    camera: Line = Field(min_length=1, max_length=100)
    lighting: Line = Field(min_length=1, max_length=100)
    pose: Line = Field(min_length=1, max_length=100)


class MeasurementCreate(BaseModel):
    model_config = strict_example(
        kind="thigh_circumference_cm",
        taken_at="2025-03-03T09:00:00+00:00",
        value=58.5,
        site="thigh-left",
        height_above_kneecap_cm=15.0,
        note="before session 1",
    )

    kind: Line = Field(min_length=1, max_length=64)
    taken_at: ClinicalDateTime
    value: float | None = Field(None, allow_inf_nan=False)
    site: Line | None = Field(None, max_length=64)
    height_above_kneecap_cm: float | None = Field(None, allow_inf_nan=False)
    photo: PhotoCreate | None = None
    note: Text | None = Field(None, max_length=5000)
    course_id: BodyId | None = None


class MeasurementRead(BaseModel):
    model_config = example(
        id=3,
        patient_id=7,
        course_id=None,
        kind="thigh_circumference_cm",
        value=58.5,
        unit="cm",
        site="thigh-left",
        height_above_kneecap_cm=15.0,
        photo_file=None,
        meta={},
        note="before session 1",
        taken_at="2025-03-03T09:00:00+00:00",
    )

    id: int
    patient_id: int
    course_id: int | None
    kind: str
    value: float | None
    unit: str
    site: str | None
    height_above_kneecap_cm: float | None
    photo_file: str | None
    meta: dict[str, Any]
    note: str | None
    taken_at: datetime


class ScreeningRead(BaseModel):
    model_config = example(
        patient_id=7,
        protocol="cellulite@1.0",
        blocked=False,
        findings=[FindingRead.model_config["json_schema_extra"]["examples"][0]],  # type: ignore[index]
    )

    patient_id: int
    protocol: str
    blocked: bool
    findings: list[FindingRead]
