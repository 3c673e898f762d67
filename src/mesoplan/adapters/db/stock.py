"""Tables of products, lots, multi-dose vials and the products drawn into a session's mix.

Volumes of stock are whole microlitres (``*_ul`` integers) so that drawing down a vial is
exact arithmetic on both databases; services speak millilitres.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, created_at, name_column, pk, practitioner_fk
from .types import UTCDateTime


class ProductRow(Base):
    __tablename__ = "product"

    id: Mapped[int] = pk()
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), nullable=False)
    name: Mapped[str] = name_column()
    active_ingredient: Mapped[str | None] = mapped_column(String(200), nullable=True)
    agent_class: Mapped[str | None] = mapped_column(String(100), nullable=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    created_at: Mapped[datetime] = created_at()
    price_per_ml: Mapped[float | None] = mapped_column(Float, nullable=True)
    """What one mL costs the clinic (any currency, the clinic's own); for waste costs."""
    gtin: Mapped[str | None] = mapped_column(String(14), nullable=True)
    """The GS1 Global Trade Item Number of the pack (14 digits), for barcode intake."""
    __table_args__ = (
        UniqueConstraint("clinic_id", "name"),
        UniqueConstraint("clinic_id", "gtin"),
        CheckConstraint("price_per_ml >= 0", name="price_not_negative"),
    )


class LotRow(Base):
    __tablename__ = "lot"

    id: Mapped[int] = pk()
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), nullable=False)
    lot_number: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    expiry_date: Mapped[date] = mapped_column(Date, nullable=False)
    quantity_received: Mapped[int] = mapped_column(Integer, nullable=False)
    unit_volume_ul: Mapped[int] = mapped_column(Integer, nullable=False)
    mg_per_ml: Mapped[float | None] = mapped_column(Float, nullable=True)
    """mg of the active ingredient per mL of the product, as received (label strength)."""
    supplier: Mapped[str | None] = mapped_column(String(200), nullable=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    received_by_id: Mapped[int] = practitioner_fk()
    recalled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    recalled_by_id: Mapped[int | None] = practitioner_fk(nullable=True)
    recall_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    __table_args__ = (
        UniqueConstraint("product_id", "lot_number"),
        CheckConstraint("quantity_received > 0", name="quantity_positive"),
        CheckConstraint("unit_volume_ul > 0", name="unit_volume_positive"),
    )


class VialRow(Base):
    """A multi-dose vial (or an ampoule) opened from a lot; drawn down by each use."""

    __tablename__ = "vial"

    id: Mapped[int] = pk()
    code: Mapped[str] = mapped_column(String(64), nullable=False)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"), nullable=False, index=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    opened_by_id: Mapped[int] = practitioner_fk()
    beyond_use_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    volume_initial_ul: Mapped[int] = mapped_column(Integer, nullable=False)
    volume_remaining_ul: Mapped[int] = mapped_column(Integer, nullable=False)
    recalled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    recalled_by_id: Mapped[int | None] = practitioner_fk(nullable=True)
    recall_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    __table_args__ = (
        UniqueConstraint("code"),
        CheckConstraint("volume_remaining_ul >= 0", name="remaining_not_negative"),
        CheckConstraint("volume_remaining_ul <= volume_initial_ul", name="remaining_le_initial"),
    )


class ProductUseRow(Base):
    """One product drawn into a session's syringe (or the water/diluent used): lot, vial,
    volume, and the protocol ingredient it provides. Indexed for recall by lot and vial."""

    __tablename__ = "product_use"

    id: Mapped[int] = pk()
    session_id: Mapped[int] = mapped_column(
        ForeignKey("treatment_session.id"), nullable=False, index=True
    )
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"), nullable=False)
    vial_id: Mapped[int | None] = mapped_column(ForeignKey("vial.id"), nullable=True)
    volume_ul: Mapped[int] = mapped_column(Integer, nullable=False)
    ingredient: Mapped[str | None] = mapped_column(String(200), nullable=True)
    __table_args__ = (
        Index(None, "lot_id", "session_id"),
        Index(None, "vial_id", "session_id"),
        UniqueConstraint("session_id", "position"),
        CheckConstraint("volume_ul > 0", name="volume_positive"),
    )
