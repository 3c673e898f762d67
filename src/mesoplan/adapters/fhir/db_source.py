"""The records database as a :class:`RecordSource`: one streamed query per record type.

Rows come in batches (``yield_per``; a server-side cursor on PostgreSQL) and become
entries one at a time. What several records share (a course's protocol and zones, a
planned map's point count) is kept in small bounded caches, so memory stays flat as the
clinic grows. Soft-deleted records are not exported.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable

from ...domain.anatomy import Zone, zone_catalogue
from ...domain.protocol import Protocol
from ...domain.protocol_text import protocol_from_data
from ..db.people import (
    ClinicRow,
    MeasurementRow,
    PatientHistoryRow,
    PatientIdentifierRow,
    PatientRow,
    PractitionerRow,
)
from ..db.records import (
    CourseProtocolRow,
    CourseRow,
    OverrideRow,
    ProtocolSnapshotRow,
    SessionRow,
)
from .db_rows import (
    delivered_ml,
    measurement_entry,
    reaction_entries,
    signature_entries,
    use_entries,
)
from .entries import (
    SCREENING_FLAGS,
    ClinicEntry,
    CourseEntry,
    HistoryEntry,
    MeasurementEntry,
    OverrideEntry,
    PatientEntry,
    PractitionerEntry,
    ProductUseEntry,
    ReactionEntry,
    SessionEntry,
    SignatureEntry,
    ZoneEntry,
)

BATCH = 1000
AnySelect = Select[*tuple[Any, ...]]


@dataclass(frozen=True)
class CourseInfo:
    id: int
    patient_id: int
    started_by_id: int
    start_date: dt.date
    zones: list[str]
    plan_json: str
    schedule_json: str


Course = tuple[CourseInfo, tuple[Protocol, ...], list[ZoneEntry]]
COURSE_COLUMNS = (
    CourseRow.id,
    CourseRow.patient_id,
    CourseRow.started_by_id,
    CourseRow.start_date,
    CourseRow.zones,
    CourseRow.plan_json,
    CourseRow.schedule_json,
    CourseProtocolRow.snapshot_id,
)
DONE_CODES = (0, 2)  # done, moved: the point was injected


class DatabaseSource:
    """Every live record, or one patient's (``patient_id``)."""

    def __init__(self, session: Session, patient_id: int | None = None) -> None:
        self.session = session
        self.patient_id = patient_id
        self._course = lru_cache(maxsize=256)(self._load_course)
        self._catalogue: dict[str, Zone] = zone_catalogue()

    # -- helpers --------------------------------------------------------------------
    def stream(self, query: Executable) -> Iterator[Any]:
        result = self.session.execute(query.execution_options(yield_per=BATCH))
        yield from result

    def scoped(self, query: AnySelect, column: Any) -> AnySelect:
        """Only records of live patients (``column`` holds the patient id), and only the
        one patient's when the source has one."""
        live = select(PatientRow.id).where(PatientRow.deleted_at.is_(None))
        query = query.where(column.in_(live))
        return query if self.patient_id is None else query.where(column == self.patient_id)

    @lru_cache(maxsize=64)  # noqa: B019  (a handful of snapshots; the source is short-lived)
    def _protocol(self, snapshot_id: int) -> Protocol:
        row = self.session.get_one(ProtocolSnapshotRow, snapshot_id)
        return protocol_from_data(json.loads(row.canonical_json))

    def _course_query(self) -> AnySelect:
        query = select(*COURSE_COLUMNS).join(
            CourseProtocolRow, CourseProtocolRow.course_id == CourseRow.id
        )
        return query.order_by(CourseRow.id, CourseProtocolRow.position)

    def _build(self, rows: Sequence[Any]) -> Course:
        info = CourseInfo(*rows[0][:7])
        protocols = tuple(self._protocol(r[7]) for r in rows)
        return info, protocols, self._zones_of(info)

    def _load_course(self, course_id: int) -> Course:
        rows = self.session.execute(self._course_query().where(CourseRow.id == course_id)).all()
        return self._build(rows)

    def course(self, course_id: int) -> Course:
        """A course's columns, protocols and zones (cached: sessions come course by course)."""
        return self._course(course_id)

    def live_courses(self) -> Iterator[Course]:
        query = self.scoped(self._course_query(), CourseRow.patient_id)
        rows = self.stream(query.where(CourseRow.deleted_at.is_(None)))
        for _, group in groupby(rows, key=lambda r: r[0]):
            yield self._build(list(group))

    def _zones_of(self, row: CourseInfo) -> list[ZoneEntry]:
        plan = json.loads(row.plan_json)
        by_zone = {str(z["zone"]): z for z in plan.get("zones", [])}
        out = []
        for zone_id in row.zones:
            planned = by_zone.get(zone_id, {})
            known = self._catalogue.get(zone_id)
            site = (
                (known.body_site.code, known.body_site.display)
                if known and known.body_site
                else None
            )
            out.append(
                ZoneEntry(
                    key=f"{row.id}:{zone_id}",
                    patient_key=str(row.patient_id),
                    zone_id=zone_id,
                    group=str(planned.get("group") or (known.group if known else "")),
                    title=known.title if known else zone_id,
                    laterality=known.laterality if known else None,
                    site=site,
                    point_count=planned.get("point_count"),
                    map_json=json.dumps(planned.get("points", []), separators=(",", ":"))
                    if self.patient_id is not None and planned.get("points")
                    else None,
                )
            )
        return out

    # -- the record types -----------------------------------------------------------
    def clinics(self) -> Iterable[ClinicEntry]:
        for (row,) in self.stream(select(ClinicRow).order_by(ClinicRow.id)):
            yield ClinicEntry(str(row.id), row.name, row.timezone)

    def practitioners(self) -> Iterable[PractitionerEntry]:
        for (row,) in self.stream(select(PractitionerRow).order_by(PractitionerRow.id)):
            yield PractitionerEntry(
                str(row.id), str(row.clinic_id), row.handle, row.name, row.role, row.licence
            )

    def patients(self) -> Iterable[PatientEntry]:
        p, i = PatientRow, PatientIdentifierRow
        query = self.scoped(
            select(p.id, p.clinic_id, p.family_name, p.given_name, p.birth_date, p.sex,
                   p.phone, p.email, i.system, i.value)
            .outerjoin(i, i.patient_id == p.id)
            .where(p.deleted_at.is_(None)),
            p.id,
        ).order_by(p.id, i.id)  # fmt: skip
        for key, group in groupby(self.stream(query), key=lambda r: r[0]):
            rows = list(group)
            ids = tuple((str(r[8]), str(r[9])) for r in rows if r[8] is not None)
            _, clinic, family, given, birth, sex, phone, email = rows[0][:8]
            yield PatientEntry(str(key), str(clinic), family, given, birth, sex, phone, email, ids)

    def protocols(self) -> Iterable[Protocol]:
        query = select(ProtocolSnapshotRow.id).order_by(ProtocolSnapshotRow.id)
        if self.patient_id is not None:
            query = (
                query.join(
                    CourseProtocolRow, CourseProtocolRow.snapshot_id == ProtocolSnapshotRow.id
                )
                .join(CourseRow, CourseRow.id == CourseProtocolRow.course_id)
                .where(CourseRow.patient_id == self.patient_id, CourseRow.deleted_at.is_(None))
                .distinct()
            )
        for (snapshot_id,) in self.session.execute(query).all():
            yield self._protocol(snapshot_id)

    def zones(self) -> Iterable[ZoneEntry]:
        for _, _, zones in self.live_courses():
            yield from zones

    def courses(self) -> Iterable[CourseEntry]:
        for row, protocols, zones in self.live_courses():
            yield CourseEntry(
                key=str(row.id),
                patient_key=str(row.patient_id),
                practitioner_key=str(row.started_by_id),
                protocol=protocols[0],
                start_date=row.start_date,
                zone_keys=tuple(z.key for z in zones),
                schedule_doc=json.loads(row.schedule_json),
                also=protocols[1:],
            )

    def sessions(self) -> Iterable[tuple[SessionEntry, Sequence[ZoneEntry]]]:
        """Points injected from the status bytes; for one patient's export also the
        volume delivered (replaying the stored changes on the planned map)."""
        r = SessionRow
        query = self.scoped(
            select(r.id, r.course_id, r.patient_id, r.practitioner_id, r.number,
                   r.performed_at, r.point_status, r.signed_at, r.notes, r.planned_map_id)
            .where(r.deleted_at.is_(None)),
            r.patient_id,
        ).order_by(r.course_id, r.id)  # fmt: skip
        walk = CourseWalk(self)
        for row in self.stream(query):
            zones = walk.get(row.course_id)[2]
            codes = row.point_status
            done = sum(codes.count(bytes([c])) for c in DONE_CODES)
            volume = None
            if self.patient_id is not None:
                volume = delivered_ml(self.session, row.id, row.planned_map_id, codes)
            entry = SessionEntry(
                str(row.id), str(row.course_id), str(row.patient_id), str(row.practitioner_id),
                row.number, row.performed_at, tuple(z.key for z in zones), len(codes), done,
                volume, row.signed_at is not None, row.notes,
            )  # fmt: skip
            yield entry, zones

    def product_uses(self) -> Iterable[tuple[ProductUseEntry, Sequence[ZoneEntry]]]:
        return use_entries(self)

    def measurements(self) -> Iterable[MeasurementEntry]:
        query = self.scoped(select(MeasurementRow), MeasurementRow.patient_id)
        query = query.where(MeasurementRow.deleted_at.is_(None)).order_by(MeasurementRow.id)
        for (row,) in self.stream(query):
            yield measurement_entry(row)

    def reactions(self) -> Iterable[ReactionEntry]:
        return reaction_entries(self)

    def signatures(self) -> Iterable[SignatureEntry]:
        return signature_entries(self)

    def safety_histories(self) -> Iterable[HistoryEntry]:
        """The latest version of each live patient's safety history."""
        h = PatientHistoryRow
        query = (
            select(h)
            .join(PatientRow, PatientRow.id == h.patient_id)
            .where(PatientRow.deleted_at.is_(None))
        )
        query = self.scoped(query, h.patient_id).order_by(h.patient_id, h.id.desc())
        for _, group in groupby(self.stream(query), key=lambda r: r[0].patient_id):
            row = next(group)[0]
            yield HistoryEntry(
                str(row.id), str(row.patient_id), str(row.recorded_by_id), row.recorded_at,
                tuple((name, bool(getattr(row, name))) for name in SCREENING_FLAGS),
                tuple(row.allergies), tuple(row.medications), row.consent_given_at,
            )  # fmt: skip

    def safety_overrides(self) -> Iterable[OverrideEntry]:
        for row, patient_id in self.overrides():
            if patient_id is None:
                continue
            yield OverrideEntry(
                str(row.id), str(patient_id), row.code, row.subject, row.reason,
                str(row.practitioner_id), row.created_at,
                None if row.course_id is None else str(row.course_id),
                None if row.session_id is None else str(row.session_id),
            )  # fmt: skip

    def histories(self) -> Iterable[Any]:
        """Every version of the patients' safety history (for CSV), oldest first."""
        h = PatientHistoryRow
        query = self.scoped(select(h), h.patient_id).order_by(h.patient_id, h.id)
        for (row,) in self.stream(query):
            yield row

    def overrides(self) -> Iterable[Any]:
        """Rules knowingly overridden, with the reason and the patient (for CSV)."""
        o = OverrideRow
        patient = func.coalesce(CourseRow.patient_id, SessionRow.patient_id)
        query = (
            select(o, patient)
            .outerjoin(CourseRow, CourseRow.id == o.course_id)
            .outerjoin(SessionRow, SessionRow.id == o.session_id)
        )
        query = self.scoped(query, patient).where(
            or_(o.course_id.is_(None), CourseRow.deleted_at.is_(None)),
            or_(o.session_id.is_(None), SessionRow.deleted_at.is_(None)),
        )
        yield from self.stream(query.order_by(o.id))


class CourseWalk:
    """Courses for a stream ordered by course id: walks the live courses alongside it
    instead of querying each course (falls back to a query for a deleted course)."""

    def __init__(self, source: DatabaseSource) -> None:
        self.source = source
        self.courses = source.live_courses()
        self.current: Course | None = None

    def get(self, course_id: int) -> Course:
        while self.current is None or self.current[0].id < course_id:
            self.current = next(self.courses, None)
            if self.current is None:
                break
        if self.current is not None and self.current[0].id == course_id:
            return self.current
        return self.source.course(course_id)
