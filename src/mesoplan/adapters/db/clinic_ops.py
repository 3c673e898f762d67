"""Tables of running the clinic: the history of a course's schedule changes, stock
discarded (waste), calendar feeds, email reminders."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, pk, practitioner_fk
from .types import UTCDateTime


class ScheduleChangeRow(Base):
    """One change of a course's dated sessions (a session moved, missed, or the course
    dated again): who, when, why, and the schedule before and after it."""

    __tablename__ = "schedule_change"

    id: Mapped[int] = pk()
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), nullable=False)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), nullable=False, index=True)
    revision: Mapped[int] = mapped_column(Integer, nullable=False)
    action: Mapped[str] = mapped_column(String(16), nullable=False)
    session_number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    from_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    to_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    changed_by_id: Mapped[int] = practitioner_fk()
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    previous_schedule_json: Mapped[str] = mapped_column(Text, nullable=False)
    schedule_json: Mapped[str] = mapped_column(Text, nullable=False)
    __table_args__ = (UniqueConstraint("course_id", "revision"),)


class WasteRow(Base):
    """Stock discarded: an open vial (``vial_id``, the volume left in it) or a lot's
    unopened units (``units``), with the reason; who, when."""

    __tablename__ = "stock_waste"

    id: Mapped[int] = pk()
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), nullable=False, index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"), nullable=False, index=True)
    vial_id: Mapped[int | None] = mapped_column(ForeignKey("vial.id"), nullable=True)
    units: Mapped[int] = mapped_column(Integer, nullable=False)
    volume_ul: Mapped[int] = mapped_column(Integer, nullable=False)
    reason: Mapped[str] = mapped_column(String(16), nullable=False)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    discarded_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    discarded_by_id: Mapped[int] = practitioner_fk()
    __table_args__ = (
        UniqueConstraint("vial_id"),
        CheckConstraint("units >= 0", name="units_not_negative"),
        CheckConstraint("volume_ul >= 0", name="volume_not_negative"),
    )


class CalendarFeedRow(Base):
    """A read-only iCalendar feed of the clinic's sessions (or one practitioner's), named
    by a secret token kept only as its SHA-256; revocable."""

    __tablename__ = "calendar_feed"

    id: Mapped[int] = pk()
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), nullable=False, index=True)
    practitioner_id: Mapped[int | None] = practitioner_fk(nullable=True)
    detail: Mapped[str] = mapped_column(String(16), nullable=False)
    token_sha256: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    created_by_id: Mapped[int] = practitioner_fk()
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class ReminderOptInRow(Base):
    """A patient's consent to email reminders before their sessions (withdrawn: revoked)."""

    __tablename__ = "reminder_opt_in"

    id: Mapped[int] = pk()
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), nullable=False, index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), nullable=False, unique=True)
    opted_in_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    recorded_by_id: Mapped[int] = practitioner_fk()
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class ReminderSentRow(Base):
    """A reminder sent for one session of a course (never sent twice)."""

    __tablename__ = "reminder_sent"

    id: Mapped[int] = pk()
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), nullable=False, index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), nullable=False)
    session_number: Mapped[int] = mapped_column(Integer, nullable=False)
    session_start: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    __table_args__ = (UniqueConstraint("course_id", "session_number", "session_start"),)
