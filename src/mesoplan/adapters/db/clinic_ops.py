"""Tables of running the clinic: the history of a course's schedule changes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
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
