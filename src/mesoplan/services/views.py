"""Read views that the use cases return: plain frozen dataclasses, JSON-ready through
:func:`to_jsonable`."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from enum import Enum
from typing import Any


def to_jsonable(value: Any) -> Any:
    """Dataclasses, dates, tuples and enums as JSON values (dates in ISO 8601)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def ul_to_ml(volume_ul: int) -> float:
    return round(volume_ul / 1000, 3)


MAX_VOLUME_ML = 1000.0
"""No vial, ampoule or draw holds more than a litre."""


def ml_to_ul(volume_ml: float, where: str) -> int:
    """Millilitres to whole microlitres; zero, negative, above a litre, not finite or finer
    than 1 µL is refused."""
    import math

    from ..domain.record_errors import RefusedError

    if not math.isfinite(volume_ml) or volume_ml > MAX_VOLUME_ML:
        raise RefusedError(
            f"{where}: volume must be a number of mL up to {MAX_VOLUME_ML:g}, got {volume_ml:g}"
        )
    volume_ul = round(volume_ml * 1000)
    if volume_ml <= 0 or volume_ul <= 0:
        raise RefusedError(f"{where}: volume must be more than 0 mL, got {volume_ml:g}")
    if abs(volume_ul - volume_ml * 1000) > 1e-6:
        raise RefusedError(f"{where}: give the volume in mL to 3 decimals (1 µL), got {volume_ml}")
    return int(volume_ul)


@dataclasses.dataclass(frozen=True)
class ClinicView:
    id: int
    name: str
    timezone: str


@dataclasses.dataclass(frozen=True)
class PractitionerView:
    id: int
    handle: str
    name: str
    role: str
    clinic: str
    licence: str | None


@dataclasses.dataclass(frozen=True)
class PatientView:
    id: int
    family_name: str
    given_name: str
    birth_date: date
    sex: str
    phone: str | None
    email: str | None
    identifiers: dict[str, str]
    deleted: bool


@dataclasses.dataclass(frozen=True)
class HistoryView:
    recorded_at: datetime
    recorded_by: str
    flags: dict[str, bool]
    allergies: tuple[str, ...]
    medications: tuple[str, ...]
    consent_given_at: datetime | None
    notes: str | None


@dataclasses.dataclass(frozen=True)
class MeasurementView:
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


@dataclasses.dataclass(frozen=True)
class LotView:
    id: int
    product: str
    lot_number: str
    expiry_date: date
    quantity_received: int
    unit_volume_ml: float
    vials_opened: int
    expired: bool
    recalled: bool
    recall_reason: str | None
    supplier: str | None
    mg_per_ml: float | None = None
    """mg of the active ingredient per mL of the product, recorded when received."""


@dataclasses.dataclass(frozen=True)
class ProductView:
    id: int
    name: str
    kind: str
    active_ingredient: str | None
    agent_class: str | None


@dataclasses.dataclass(frozen=True)
class VialView:
    id: int
    code: str
    product: str
    lot_number: str
    opened_at: datetime
    beyond_use_at: datetime
    volume_initial_ml: float
    volume_remaining_ml: float
    beyond_use: bool
    recalled: bool


@dataclasses.dataclass(frozen=True)
class FindingView:
    rule_id: str
    severity: str
    message: str
    subject: str | None
    override_reason: str | None


@dataclasses.dataclass(frozen=True)
class RecallRow:
    patient_id: int
    patient: str
    birth_date: date
    phone: str | None
    email: str | None
    patient_deleted: bool
    course_id: int
    session_id: int
    session_number: int
    performed_at: datetime
    signed: bool
    session_deleted: bool
    product: str
    lot_number: str
    expiry_date: date
    vial: str | None
    volume_ml: float
    ingredient: str | None
    role: str
    content_verified: bool | None = None
    """A signed session whose content no longer verifies: False (None: not checked)."""
