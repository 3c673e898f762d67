"""Records as CSV, one file per record type: plain columns, units in the column names,
times in ISO 8601 with their offset, lists joined with ``; ``.

A text cell that a spreadsheet would read as a formula (it starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) is written with a leading ``'`` (the OWASP rule
against CSV injection); numbers are written as numbers.

Rows come from a record source (see ``adapters.fhir.export.RecordSource``) one at a time.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from typing import IO, Any

from .fhir.entries import (
    SCREENING_FLAGS,
    CourseEntry,
    MeasurementEntry,
    PatientEntry,
    PractitionerEntry,
    ProductUseEntry,
    ReactionEntry,
    SessionEntry,
    SignatureEntry,
    ZoneEntry,
)
from .fhir.export import RecordSource

Row = Sequence[Any]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: Any) -> Any:
    """``cell``, with a ``'`` in front when it is text that starts like a formula."""
    if isinstance(cell, str) and cell.startswith(FORMULA_START):
        return "'" + cell
    return cell


def _patient(e: PatientEntry) -> Row:
    ids = "; ".join(f"{s}={v}" for s, v in e.identifiers)
    return (e.key, e.clinic_key, e.family_name, e.given_name, e.birth_date, e.sex, e.phone,
            e.email, ids)  # fmt: skip


def _practitioner(e: PractitionerEntry) -> Row:
    return (e.key, e.clinic_key, e.handle, e.name, e.role, e.licence)


def _course(e: CourseEntry) -> Row:
    protocols = (e.protocol, *e.also)
    if e.schedule is not None:
        planned = len(e.schedule.sessions)
    else:
        planned = len((e.schedule_doc or {}).get("sessions", []))
    return (e.key, e.patient_key, e.practitioner_key, "; ".join(p.key for p in protocols),
            "; ".join(p.content_hash for p in protocols), e.start_date,
            "; ".join(k.split(":", 1)[-1] for k in e.zone_keys), planned, e.status)  # fmt: skip


def _session(pair: tuple[SessionEntry, Sequence[ZoneEntry]]) -> Row:
    e, zones = pair
    volume = "" if e.volume_ml is None else f"{e.volume_ml:.3f}"
    return (e.key, e.course_key, e.patient_key, e.number, e.performed_at.isoformat(),
            e.practitioner_key, "; ".join(z.zone_id for z in zones), e.points_planned,
            e.points_done, volume, e.signed, e.notes)  # fmt: skip


def _use(pair: tuple[ProductUseEntry, Sequence[ZoneEntry]]) -> Row:
    e, _ = pair
    return (e.key, e.session_key, e.patient_key, e.performed_at.isoformat(), e.practitioner_key,
            e.product, e.active_ingredient, e.provides, e.lot_number, e.expiry_date,
            e.vial_code, f"{e.volume_ml:g}", e.route)  # fmt: skip


def _measurement(e: MeasurementEntry) -> Row:
    m = e.measurement
    photo = m.photo
    return (e.key, e.patient_key, e.course_key, m.kind, m.value, m.site,
            m.height_above_kneecap_cm, m.taken_at.isoformat(), photo and photo.file,
            photo and photo.camera, photo and photo.lighting, photo and photo.pose, m.note,
            e.practitioner_key)  # fmt: skip


def _reaction(e: ReactionEntry) -> Row:
    r = e.reaction
    return (e.key, e.session_key, e.patient_key, r.kind, r.zone, r.onset.isoformat(),
            r.severity.value, r.duration_min, r.resolved, r.note, "; ".join(e.flags),
            e.recorded_at.isoformat())  # fmt: skip


def _signature(e: SignatureEntry) -> Row:
    return (e.key, e.session_key, e.practitioner_key, e.role, e.signed_at.isoformat(),
            e.signature, e.text)  # fmt: skip


HISTORY_FLAGS = SCREENING_FLAGS


def _history(row: Any) -> Row:
    consent = row.consent_given_at.isoformat() if row.consent_given_at else None
    return (row.id, row.patient_id, row.recorded_at.isoformat(), row.recorded_by_id,
            *(getattr(row, f) for f in HISTORY_FLAGS), "; ".join(row.allergies),
            "; ".join(row.medications), consent, row.notes)  # fmt: skip


def _override(pair: Any) -> Row:
    row, patient_id = pair
    return (row.id, patient_id, row.course_id, row.session_id, row.code, row.subject,
            row.reason, row.practitioner_id, row.created_at.isoformat())  # fmt: skip


Table = tuple[str, tuple[str, ...], Callable[[Any], Row]]

CSV_TYPES: dict[str, Table] = {
    "patients": ("patients", ("id", "clinic_id", "family_name", "given_name", "birth_date",
                 "sex", "phone", "email", "identifiers"), _patient),
    "practitioners": ("practitioners", ("id", "clinic_id", "handle", "name", "role", "licence"),
                      _practitioner),
    "courses": ("courses", ("id", "patient_id", "started_by", "protocols", "protocol_hashes",
                "start_date", "zones", "sessions_planned", "status"), _course),
    "sessions": ("sessions", ("id", "course_id", "patient_id", "number", "performed_at",
                 "practitioner_id", "zones", "points_planned", "points_done",
                 "volume_delivered_ml", "signed", "notes"), _session),
    "product-uses": ("product_uses", ("id", "session_id", "patient_id", "performed_at",
                     "practitioner_id", "product", "active_ingredient", "provides",
                     "lot_number", "expiry_date", "vial", "volume_ml", "route"), _use),
    "measurements": ("measurements", ("id", "patient_id", "course_id", "kind", "value", "site",
                     "height_above_kneecap_cm", "taken_at", "photo_file", "camera",
                     "lighting", "pose", "note", "recorded_by"), _measurement),
    "reactions": ("reactions", ("id", "session_id", "patient_id", "kind", "zone", "onset_at",
                  "severity", "duration_min", "resolved", "note", "flags", "recorded_at"),
                  _reaction),
    "signatures": ("signatures", ("id", "session_id", "practitioner_id", "role", "signed_at",
                   "signature", "text"), _signature),
    "histories": ("histories", ("id", "patient_id", "recorded_at", "recorded_by",
                  *HISTORY_FLAGS, "allergies", "medications", "consent_given_at", "notes"),
                  _history),
    "overrides": ("overrides", ("id", "patient_id", "course_id", "session_id", "code",
                  "subject", "reason", "practitioner_id", "created_at"), _override),
}  # fmt: skip
"""Record type -> (source method, columns, row function). ``histories`` and ``overrides``
need the database source (they have no FHIR resource)."""


def write_csv(source: RecordSource, kind: str, out: IO[str]) -> int:
    """Write the ``kind`` records of ``source`` as CSV with a header; returns the rows."""
    method, columns, row = CSV_TYPES[kind]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    count = 0
    records: Iterable[Any] = getattr(source, method)()
    for record in records:
        writer.writerow(["" if v is None else neutralise(v) for v in row(record)])
        count += 1
    return count
