"""Shared pieces of the schemas."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


def example(**values: Any) -> ConfigDict:
    """A model config carrying one example (shown in the OpenAPI document)."""
    return ConfigDict(json_schema_extra={"examples": [values]}, from_attributes=True)


def strict_example(**values: Any) -> ConfigDict:
    """For request bodies: unknown fields are refused."""
    return ConfigDict(json_schema_extra={"examples": [values]}, extra="forbid")


class ProblemItem(BaseModel):
    model_config = example(detail="Input should be a valid date", pointer="#/birth_date")

    detail: str
    pointer: str | None = None
    query: str | None = None
    path: str | None = None
    header: str | None = None
    line: int | None = None
    field: str | None = None


class Problem(BaseModel):
    """RFC 9457 problem details (``application/problem+json``)."""

    model_config = example(
        type="about:blank",
        title="Not Found",
        status=404,
        detail="unknown patient 42; see `mesoplan patient list`",
    )

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[ProblemItem] | None = None


class FindingRead(BaseModel):
    model_config = example(
        rule_id="pregnancy",
        severity="stop",
        message="pregnant: mesotherapy is contraindicated",
        subject=None,
        override_reason=None,
    )

    rule_id: str
    severity: str
    message: str
    subject: str | None
    override_reason: str | None


class RecallRowRead(BaseModel):
    model_config = example(
        patient_id=7,
        patient="Rossi, Maria",
        birth_date="1985-04-02",
        phone=None,
        email=None,
        patient_deleted=False,
        course_id=3,
        session_id=12,
        session_number=2,
        performed_at="2025-03-10T09:30:00+00:00",
        signed=True,
        session_deleted=False,
        product="Aminophylline 24 mg/mL",
        lot_number="AMX-2291",
        expiry_date="2026-01-31",
        vial="AMX-2291-V1",
        volume_ml=2.0,
        ingredient="aminophylline",
        role="mix",
    )

    patient_id: int
    patient: str
    birth_date: str
    phone: str | None
    email: str | None
    patient_deleted: bool
    course_id: int
    session_id: int
    session_number: int
    performed_at: str
    signed: bool
    session_deleted: bool
    product: str
    lot_number: str
    expiry_date: str
    vial: str | None
    volume_ml: float
    ingredient: str | None
    role: str
