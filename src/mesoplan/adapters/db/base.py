"""The declarative base, naming convention and column mixins shared by every table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from .types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def pk() -> Mapped[int]:
    return mapped_column(Integer, primary_key=True, autoincrement=True)


def practitioner_fk(nullable: bool = False, index: bool = False) -> Mapped[int]:
    return mapped_column(ForeignKey("practitioner.id"), nullable=nullable, index=index)


def created_at() -> Mapped[datetime]:
    return mapped_column(UTCDateTime(), nullable=False)


class SoftDeleted:
    """Clinical data is never hard-deleted: who deleted it, when and why."""

    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    delete_reason: Mapped[str | None] = mapped_column(Text, nullable=True)

    @declared_attr
    def deleted_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("practitioner.id"), nullable=True)


def name_column(length: int = 200, nullable: bool = False) -> Mapped[str]:
    return mapped_column(String(length), nullable=nullable)
