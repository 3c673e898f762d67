"""Tables of the API: user accounts, login tokens, API keys, clinic protocols, and the
per-clinic audit chain.

Tokens and keys are random secrets stored only as their SHA-256; passwords as argon2.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, created_at, name_column, pk
from .types import UTCDateTime

API_ROLES: tuple[str, ...] = ("admin", "medical_director", "practitioner", "assistant", "auditor")


class UserRow(Base):
    """A person who signs in; acts through the practitioner row of the same clinic."""

    __tablename__ = "user_account"

    id: Mapped[int] = pk()
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), nullable=False, index=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioner.id"), nullable=False)
    username: Mapped[str] = mapped_column(String(64), nullable=False)
    role: Mapped[str] = mapped_column(String(32), nullable=False)
    password_hash: Mapped[str] = mapped_column(String(200), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False)
    created_at: Mapped[datetime] = created_at()
    __table_args__ = (UniqueConstraint("username"), UniqueConstraint("practitioner_id"))


class AuthTokenRow(Base):
    """A login token: its SHA-256, owner and expiry (revoked tokens are kept, flagged)."""

    __tablename__ = "auth_token"

    id: Mapped[int] = pk()
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), nullable=False, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), nullable=False)
    token_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = created_at()
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    __table_args__ = (UniqueConstraint("token_sha256"),)


class ApiKeyRow(Base):
    """An integration's key: acts as its user; stored as SHA-256, shown once."""

    __tablename__ = "api_key"

    id: Mapped[int] = pk()
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), nullable=False, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), nullable=False)
    name: Mapped[str] = name_column(100)
    prefix: Mapped[str] = mapped_column(String(16), nullable=False)
    key_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = created_at()
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    __table_args__ = (UniqueConstraint("key_sha256"),)


class ClinicProtocolRow(Base):
    """A clinic's own protocol, as uploaded (TOML text), validated, by id and version."""

    __tablename__ = "clinic_protocol"

    id: Mapped[int] = pk()
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), nullable=False, index=True)
    protocol_id: Mapped[str] = mapped_column(String(64), nullable=False)
    version: Mapped[str] = mapped_column(String(32), nullable=False)
    content_hash: Mapped[str] = mapped_column(String(80), nullable=False)
    toml_text: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = created_at()
    created_by_id: Mapped[int] = mapped_column(ForeignKey("practitioner.id"), nullable=False)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    __table_args__ = (UniqueConstraint("clinic_id", "protocol_id", "version"),)


class AuditHeadRow(Base):
    """The end of a clinic's audit chain; locked by every write of the clinic, so the
    chain stays one line under concurrent writers."""

    __tablename__ = "audit_head"

    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    entry_hash: Mapped[str] = mapped_column(String(80), nullable=False)


class AuditEntryRow(Base):
    """One write: who, when, what, the hash of the change and of the previous entry.
    ``algorithm`` is ``sha256`` (unkeyed) or ``hmac-sha256`` keyed by the clinic's key
    ``key_id``. ``signed_session_id``: the session an entry signs (to find the content
    hash recorded at signing without reading the whole chain)."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = pk()
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), nullable=False)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    actor: Mapped[str] = mapped_column(String(100), nullable=False)
    action: Mapped[str] = mapped_column(String(200), nullable=False)
    change: Mapped[str] = mapped_column(Text, nullable=False)
    change_hash: Mapped[str] = mapped_column(String(80), nullable=False)
    prev_hash: Mapped[str] = mapped_column(String(80), nullable=False)
    entry_hash: Mapped[str] = mapped_column(String(80), nullable=False)
    algorithm: Mapped[str] = mapped_column(String(16), nullable=False, server_default="sha256")
    key_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    signed_session_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    __table_args__ = (UniqueConstraint("clinic_id", "seq"), Index(None, "clinic_id", "id"))


class AccessEntryRow(Base):
    """One read of a patient's record: who, when, what, through which entrypoint."""

    __tablename__ = "access_entry"

    id: Mapped[int] = pk()
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    who: Mapped[str] = mapped_column(String(100), nullable=False)
    entrypoint: Mapped[str] = mapped_column(String(16), nullable=False)
    action: Mapped[str] = mapped_column(String(200), nullable=False)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), nullable=False, index=True)
    subject: Mapped[str] = mapped_column(String(200), nullable=False)
    __table_args__ = (Index(None, "clinic_id", "id"),)
