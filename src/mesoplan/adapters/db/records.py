"""Tables of courses, sessions (charted point by point), signatures, addenda, overrides
and reactions.

Charted points are stored compactly: a session keeps one status byte per planned point
(``point_status``, in the order of its planned map) and a ``session_point`` row only for
the exceptions: a point moved, delivered at another depth or volume, or added.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, SoftDeleted, created_at, pk, practitioner_fk
from .types import UTCDateTime


class ProtocolSnapshotRow(Base):
    """A protocol's content frozen when a course was started, named by its hash."""

    __tablename__ = "protocol_snapshot"

    id: Mapped[int] = pk()
    protocol_id: Mapped[str] = mapped_column(String(64), nullable=False)
    version: Mapped[str] = mapped_column(String(32), nullable=False)
    content_hash: Mapped[str] = mapped_column(String(80), nullable=False)
    canonical_json: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = created_at()
    __table_args__ = (UniqueConstraint("content_hash"),)


class PlannedMapRow(Base):
    """A planned injection map, columnar (zlib-compressed JSON arrays), shared by hash."""

    __tablename__ = "planned_map"

    id: Mapped[int] = pk()
    content_hash: Mapped[str] = mapped_column(String(80), nullable=False)
    point_count: Mapped[int] = mapped_column(Integer, nullable=False)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    __table_args__ = (UniqueConstraint("content_hash"),)


class CourseRow(SoftDeleted, Base):
    __tablename__ = "course"

    id: Mapped[int] = pk()
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), nullable=False, index=True)
    started_at: Mapped[datetime] = created_at()
    started_by_id: Mapped[int] = practitioner_fk()
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    zones: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    zone_versions: Mapped[dict[str, int]] = mapped_column(JSON, nullable=False)
    """The zone catalogue version each zone was planned on (its outline for ever)."""
    plan_json: Mapped[str] = mapped_column(Text, nullable=False)
    plan_hash: Mapped[str] = mapped_column(String(80), nullable=False)
    planned_map_id: Mapped[int] = mapped_column(ForeignKey("planned_map.id"), nullable=False)
    schedule_json: Mapped[str] = mapped_column(Text, nullable=False)
    screening: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)


class CourseProtocolRow(Base):
    __tablename__ = "course_protocol"

    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("protocol_snapshot.id"), nullable=False)


class SessionRow(SoftDeleted, Base):
    """One treatment session: what was planned, what was delivered, who signed it."""

    __tablename__ = "treatment_session"

    id: Mapped[int] = pk()
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), nullable=False, index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), nullable=False, index=True)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    performed_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    practitioner_id: Mapped[int] = practitioner_fk()
    planned_map_id: Mapped[int] = mapped_column(ForeignKey("planned_map.id"), nullable=False)
    point_status: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    needle_gauge: Mapped[int | None] = mapped_column(Integer, nullable=True)
    needle_length_mm: Mapped[float | None] = mapped_column(Float, nullable=True)
    needle_lot: Mapped[str | None] = mapped_column(String(64), nullable=True)
    anaesthetic: Mapped[str | None] = mapped_column(String(200), nullable=True)
    anaesthetic_amount_g: Mapped[float | None] = mapped_column(Float, nullable=True)
    anaesthetic_applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    notes: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = created_at()
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    signed_by_id: Mapped[int | None] = practitioner_fk(nullable=True)
    signature: Mapped[str | None] = mapped_column(String(80), nullable=True)
    content_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    __table_args__ = (Index(None, "performed_at"),)


class SessionPointRow(Base):
    """An exception to "done as planned": a planned point skipped, moved or changed, or an
    added point (``point_id`` of an added point is ``<zone>:+<n>``)."""

    __tablename__ = "session_point"

    id: Mapped[int] = pk()
    session_id: Mapped[int] = mapped_column(
        ForeignKey("treatment_session.id"), nullable=False, index=True
    )
    point_id: Mapped[str] = mapped_column(String(80), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    x_cm: Mapped[float | None] = mapped_column(Float, nullable=True)
    y_cm: Mapped[float | None] = mapped_column(Float, nullable=True)
    depth_mm: Mapped[float | None] = mapped_column(Float, nullable=True)
    volume_ml: Mapped[float | None] = mapped_column(Float, nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    __table_args__ = (UniqueConstraint("session_id", "point_id"),)


class CosignatureRow(Base):
    """A medical director's co-signature; a row of its own, so the signed session never
    changes."""

    __tablename__ = "cosignature"

    session_id: Mapped[int] = mapped_column(ForeignKey("treatment_session.id"), primary_key=True)
    practitioner_id: Mapped[int] = practitioner_fk()
    signed_at: Mapped[datetime] = created_at()
    signature: Mapped[str] = mapped_column(String(80), nullable=False)


class AddendumRow(Base):
    """A signed amendment that points to a signed session; never changes either."""

    __tablename__ = "addendum"

    id: Mapped[int] = pk()
    session_id: Mapped[int] = mapped_column(
        ForeignKey("treatment_session.id"), nullable=False, index=True
    )
    author_id: Mapped[int] = practitioner_fk()
    signed_at: Mapped[datetime] = created_at()
    text: Mapped[str] = mapped_column(Text, nullable=False)
    signature: Mapped[str] = mapped_column(String(80), nullable=False)


class OverrideRow(Base):
    """A rule knowingly overridden (a screening finding, an expired lot...) and why."""

    __tablename__ = "override_record"

    id: Mapped[int] = pk()
    course_id: Mapped[int | None] = mapped_column(ForeignKey("course.id"), nullable=True)
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("treatment_session.id"), nullable=True
    )
    code: Mapped[str] = mapped_column(String(64), nullable=False)
    subject: Mapped[str] = mapped_column(Text, nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    practitioner_id: Mapped[int] = practitioner_fk()
    created_at: Mapped[datetime] = created_at()
    __table_args__ = (
        CheckConstraint(
            "course_id IS NOT NULL OR session_id IS NOT NULL", name="course_or_session"
        ),
        Index(None, "course_id"),
        Index(None, "session_id"),
    )


class ReactionRow(SoftDeleted, Base):
    __tablename__ = "reaction"

    id: Mapped[int] = pk()
    session_id: Mapped[int] = mapped_column(
        ForeignKey("treatment_session.id"), nullable=False, index=True
    )
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    zone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    onset_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    duration_min: Mapped[float | None] = mapped_column(Float, nullable=True)
    severity: Mapped[str] = mapped_column(String(16), nullable=False)
    resolved: Mapped[bool] = mapped_column(Boolean, nullable=False)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    flags: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False)
    recorded_at: Mapped[datetime] = created_at()
    recorded_by_id: Mapped[int] = practitioner_fk()
