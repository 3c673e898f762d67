"""Tables of clinics, practitioners, patients, their safety history and measurements."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, SoftDeleted, created_at, name_column, pk, practitioner_fk
from .types import UTCDateTime


class ClinicRow(Base):
    __tablename__ = "clinic"

    id: Mapped[int] = pk()
    name: Mapped[str] = name_column()
    timezone: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = created_at()
    __table_args__ = (UniqueConstraint("name"),)


class PractitionerRow(Base):
    __tablename__ = "practitioner"

    id: Mapped[int] = pk()
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), nullable=False, index=True)
    handle: Mapped[str] = mapped_column(String(64), nullable=False)
    name: Mapped[str] = name_column()
    role: Mapped[str] = mapped_column(String(32), nullable=False)
    licence: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[datetime] = created_at()
    __table_args__ = (UniqueConstraint("handle"),)


class PatientRow(SoftDeleted, Base):
    __tablename__ = "patient"

    id: Mapped[int] = pk()
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), nullable=False, index=True)
    family_name: Mapped[str] = name_column()
    given_name: Mapped[str] = name_column()
    birth_date: Mapped[date] = mapped_column(Date, nullable=False)
    sex: Mapped[str] = mapped_column(String(16), nullable=False)
    phone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    email: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = created_at()
    created_by_id: Mapped[int] = practitioner_fk()
    __table_args__ = (Index(None, "family_name", "given_name"),)


class PatientIdentifierRow(Base):
    """External identifiers (a hospital number, a national id): ``system`` + ``value``."""

    __tablename__ = "patient_identifier"

    id: Mapped[int] = pk()
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), nullable=False, index=True)
    system: Mapped[str] = mapped_column(String(100), nullable=False)
    value: Mapped[str] = mapped_column(String(100), nullable=False)
    __table_args__ = (UniqueConstraint("system", "value"),)


class PatientHistoryRow(Base):
    """One version of the safety-relevant history; append-only, the latest one holds."""

    __tablename__ = "patient_history"

    id: Mapped[int] = pk()
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), nullable=False, index=True)
    recorded_at: Mapped[datetime] = created_at()
    recorded_by_id: Mapped[int] = practitioner_fk()
    pregnant: Mapped[bool] = mapped_column(Boolean, nullable=False)
    breastfeeding: Mapped[bool] = mapped_column(Boolean, nullable=False)
    anticoagulants: Mapped[bool] = mapped_column(Boolean, nullable=False)
    antiplatelets: Mapped[bool] = mapped_column(Boolean, nullable=False)
    bleeding_disorder: Mapped[bool] = mapped_column(Boolean, nullable=False)
    active_skin_infection: Mapped[bool] = mapped_column(Boolean, nullable=False)
    recent_myocardial_infarction: Mapped[bool] = mapped_column(Boolean, nullable=False)
    hypotension: Mapped[bool] = mapped_column(Boolean, nullable=False)
    allergies: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    medications: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    consent_given_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    notes: Mapped[str | None] = mapped_column(Text, nullable=True)


class MeasurementRow(SoftDeleted, Base):
    """An outcome measure: kind, value and unit, where (site, height above the kneecap)
    and when; a photo by file reference with camera, lighting and pose in ``meta``."""

    __tablename__ = "measurement"

    id: Mapped[int] = pk()
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), nullable=False)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("course.id"), nullable=True)
    kind: Mapped[str] = mapped_column(String(64), nullable=False)
    value: Mapped[float | None] = mapped_column(Float, nullable=True)
    unit: Mapped[str] = mapped_column(String(32), nullable=False)
    site: Mapped[str | None] = mapped_column(String(64), nullable=True)
    height_above_kneecap_cm: Mapped[float | None] = mapped_column(Float, nullable=True)
    photo_file: Mapped[str | None] = mapped_column(Text, nullable=True)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    recorded_by_id: Mapped[int] = practitioner_fk()
    created_at: Mapped[datetime] = created_at()
    __table_args__ = (Index(None, "patient_id", "kind", "taken_at"),)
