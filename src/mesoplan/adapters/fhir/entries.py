"""What the record-level builders read: one small frozen value per stored record.

The export service fills these from the database rows (one query per record type,
streamed); tests and other callers may build them directly. ``key`` is the record's
stable key inside the clinic (e.g. the row id as text): resource ids derive from it.
Times are aware datetimes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ...domain.course import CourseSchedule
from ...domain.outcomes import Measurement
from ...domain.protocol import Protocol
from ...domain.reactions import Reaction


@dataclass(frozen=True)
class ClinicEntry:
    key: str
    name: str
    timezone: str = "UTC"


@dataclass(frozen=True)
class PractitionerEntry:
    key: str
    clinic_key: str
    handle: str
    name: str
    role: str
    licence: str | None = None


@dataclass(frozen=True)
class PatientEntry:
    key: str
    clinic_key: str
    family_name: str
    given_name: str
    birth_date: dt.date
    sex: str
    phone: str | None = None
    email: str | None = None
    identifiers: tuple[tuple[str, str], ...] = ()
    """(system, value) pairs: a hospital number, a national id."""


@dataclass(frozen=True)
class ZoneEntry:
    """A treated zone of one patient's course: its catalogue id and where it is."""

    key: str
    patient_key: str
    zone_id: str
    group: str
    title: str
    laterality: str | None = None
    site: tuple[str, str] | None = None
    """(SNOMED CT code, display) from the zone catalogue; else the group's code."""
    point_count: int | None = None
    map_json: str | None = None
    """The planned point map (columnar JSON), attached to the BodyStructure when given."""


@dataclass(frozen=True)
class CourseEntry:
    key: str
    patient_key: str
    practitioner_key: str
    protocol: Protocol
    start_date: dt.date
    zone_keys: tuple[str, ...] = ()
    schedule: CourseSchedule | None = None
    schedule_doc: Mapping[str, Any] | None = None
    """The stored calendar JSON (docs/calendar.md), used when ``schedule`` is None."""
    status: str = "active"
    """FHIR CarePlan status: active, completed, revoked..."""
    also: tuple[Protocol, ...] = ()
    """Further protocols of a combined course (the first is ``protocol``)."""


@dataclass(frozen=True)
class SessionEntry:
    key: str
    course_key: str
    patient_key: str
    practitioner_key: str
    number: int
    performed_at: dt.datetime
    zone_keys: tuple[str, ...]
    points_planned: int
    points_done: int
    volume_ml: float | None
    """Volume delivered; None when not worked out (bulk export reads status bytes only)."""
    signed: bool = True
    notes: str | None = None
    duration_min: int = 30


@dataclass(frozen=True)
class ProductUseEntry:
    """One product drawn into a session's mix, with its lot and vial."""

    key: str
    session_key: str
    patient_key: str
    practitioner_key: str
    performed_at: dt.datetime
    product: str
    active_ingredient: str | None
    provides: str | None
    lot_number: str
    expiry_date: dt.date
    volume_ml: float
    route: str
    vial_code: str | None = None
    zone_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class MeasurementEntry:
    key: str
    patient_key: str
    practitioner_key: str
    measurement: Measurement
    course_key: str | None = None


@dataclass(frozen=True)
class ReactionEntry:
    key: str
    session_key: str
    patient_key: str
    reaction: Reaction
    recorded_at: dt.datetime
    recorder_key: str | None = None
    flags: tuple[str, ...] = ()
    """Flag messages from the reaction check (longer than expected, possible infection)."""
    zone_key: str | None = None


@dataclass(frozen=True)
class SignatureEntry:
    """A signature on a session: the author's, a co-signature, or a signed addendum."""

    key: str
    session_key: str
    practitioner_key: str
    signed_at: dt.datetime
    role: str
    """``author``, ``cosigner`` or ``addendum``."""
    signature: str
    """The stored signature value (a hash over the signed content)."""
    text: str | None = None


SCREENING_FLAGS: tuple[str, ...] = ("pregnant", "breastfeeding", "anticoagulants",
    "antiplatelets", "bleeding_disorder", "active_skin_infection",
    "recent_myocardial_infarction", "hypotension")  # fmt: skip
"""The yes/no questions of a patient's safety history, in the order they are exported."""


@dataclass(frozen=True)
class HistoryEntry:
    """The latest version of a patient's safety history."""

    key: str
    patient_key: str
    recorder_key: str
    recorded_at: dt.datetime
    flags: tuple[tuple[str, bool], ...]
    """(name, value) of each screening question: pregnant, anticoagulants..."""
    allergies: tuple[str, ...] = ()
    medications: tuple[str, ...] = ()
    consent_given_at: dt.datetime | None = None


@dataclass(frozen=True)
class OverrideEntry:
    """A safety rule knowingly overridden for a course or a session, and why."""

    key: str
    patient_key: str
    code: str
    subject: str
    reason: str
    practitioner_key: str
    at: dt.datetime
    course_key: str | None = None
    session_key: str | None = None
