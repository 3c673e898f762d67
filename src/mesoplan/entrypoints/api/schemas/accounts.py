"""Schemas of clinics, users, login and API keys."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from ....services.accounts import USERNAME_RULE
from ..bounds import Line, LoginName, Username
from .base import example, strict_example

Role = Literal["admin", "medical_director", "practitioner", "assistant", "auditor"]


class ClinicRead(BaseModel):
    model_config = example(id=1, name="Clinica Aurora", timezone="Europe/Rome")

    id: int
    name: str
    timezone: str


class ClinicUpdate(BaseModel):
    model_config = strict_example(timezone="Europe/Zurich")

    name: Line | None = Field(None, min_length=1, max_length=200)
    timezone: Line | None = Field(None, min_length=1, max_length=64)


class LoginCreate(BaseModel):
    model_config = strict_example(username="dr-rossi", password="correct horse battery")

    username: LoginName = Field(min_length=1, max_length=64)
    password: Line = Field(min_length=1, max_length=1000)


class UserRead(BaseModel):
    model_config = example(
        id=2,
        username="dr-rossi",
        name="Dr Anna Rossi",
        role="practitioner",
        active=True,
        handle="dr-rossi",
        licence="OMCeO-MI 12345",
        created_at="2025-03-03T09:00:00+00:00",
    )

    id: int
    username: str
    name: str
    role: str
    active: bool
    handle: str
    licence: str | None
    created_at: datetime


class TokenRead(BaseModel):
    model_config = example(
        access_token="mpt_9x3...",
        token_type="bearer",
        expires_at="2025-03-03T21:00:00+00:00",
        user=UserRead.model_config["json_schema_extra"]["examples"][0],  # type: ignore[index]
    )

    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime
    user: UserRead


class UserCreate(BaseModel):
    model_config = strict_example(
        username="dr-rossi",
        name="Dr Anna Rossi",
        role="practitioner",
        password="correct horse battery",
        licence="OMCeO-MI 12345",
    )

    username: Username = Field(min_length=1, max_length=64, description=USERNAME_RULE)
    name: Line = Field(min_length=1, max_length=200)
    role: Role
    password: Line = Field(min_length=8, max_length=1000)
    licence: Line | None = Field(None, max_length=100)


class UserUpdate(BaseModel):
    model_config = strict_example(role="medical_director", active=True)

    name: Line | None = Field(None, min_length=1, max_length=200)
    role: Role | None = None
    active: bool | None = None
    password: Line | None = Field(None, min_length=8, max_length=1000)
    licence: Line | None = Field(None, max_length=100)


class ApiKeyCreate(BaseModel):
    model_config = strict_example(name="booking system")

    name: Line = Field(min_length=1, max_length=100)


class ApiKeyRead(BaseModel):
    model_config = example(
        id=4,
        user_id=2,
        name="booking system",
        prefix="mpk_Xa81bQ",
        created_at="2025-03-03T09:00:00+00:00",
        revoked=False,
    )

    id: int
    user_id: int
    name: str
    prefix: str
    created_at: datetime
    revoked: bool


class ApiKeySecretRead(ApiKeyRead):
    """The key itself is shown only in this response."""

    model_config = example(
        id=4,
        user_id=2,
        name="booking system",
        prefix="mpk_Xa81bQ",
        created_at="2025-03-03T09:00:00+00:00",
        revoked=False,
        key="mpk_Xa81bQ...",
    )

    key: str


class AuditEntryRead(BaseModel):
    model_config = example(
        seq=12,
        at="2025-03-03T09:00:00+00:00",
        actor="dr-rossi (practitioner)",
        action="POST /patients",
        change_hash="sha256:5f...",
        prev_hash="sha256:a1...",
        entry_hash="sha256:c9...",
    )

    seq: int
    at: datetime
    actor: str
    action: str
    change_hash: str
    prev_hash: str
    entry_hash: str
    algorithm: str
    key_id: str | None


class MismatchRead(BaseModel):
    """A signed session whose content no longer verifies (``field`` where it can tell)."""

    model_config = example(
        session_id=4, field="uses", reason="differs from what the audit chain recorded"
    )

    session_id: int
    field: str | None
    reason: str


class AuditVerifyRead(BaseModel):
    """The chain walked and every signed session re-verified; ``intact`` only when both
    hold. ``missing_key``: the chain names a key the server's key file does not hold."""

    model_config = example(
        clinic_id=1,
        entries=120,
        intact=True,
        broken_at=None,
        reason=None,
        sessions=14,
        mismatches=[],
        missing_key=None,
    )

    clinic_id: int
    entries: int
    intact: bool
    broken_at: int | None
    reason: str | None
    sessions: int
    mismatches: list[MismatchRead]
    missing_key: str | None


class AccessEntryRead(BaseModel):
    """One read of a patient's record."""

    model_config = example(
        id=31,
        at="2025-03-03T09:00:00+00:00",
        who="dr-rossi (practitioner)",
        entrypoint="api",
        action="read patient",
        patient_id=3,
        subject="patient 3",
    )

    id: int
    at: datetime
    who: str
    entrypoint: str
    action: str
    patient_id: int
    subject: str
