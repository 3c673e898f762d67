"""The records database as a :class:`RecordSource`: one streamed query per record type.

Rows come in batches (``yield_per``; a server-side cursor on PostgreSQL) and become
entries one at a time. What several records share (a course's protocol and zones, a
planned map's point count) is kept in small bounded caches, so memory stays flat as the
clinic grows. Soft-deleted records are not exported.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable

from ...domain.anatomy import Zone, zone_catalogue
from ...domain.protocol import Protocol
from ..db.people import (
    ClinicRow,
    MeasurementRow,
    PatientIdentifierRow,
    PatientRow,
    PractitionerRow,
)
from ..db.records import CourseProtocolRow, CourseRow, ProtocolSnapshotRow, SessionRow
from .db_rows import (
    measurement_entry,
    reaction_entries,
    signature_entries,
    use_entries,
)
from .entries import (
    ClinicEntry,
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

BATCH = 1000
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

    def _mine(self, query: Select[Any], column: Any) -> Select[Any]:
        return query if self.patient_id is None else query.where(column == self.patient_id)

    @lru_cache(maxsize=64)  # noqa: B019  (a handful of snapshots; the source is short-lived)
    def _protocol(self, snapshot_id: int) -> Protocol:
        row = self.session.get_one(ProtocolSnapshotRow, snapshot_id)
        return Protocol.model_validate(json.loads(row.canonical_json))

    def _load_course(
        self, course_id: int
    ) -> tuple[CourseRow, tuple[Protocol, ...], list[ZoneEntry]]:
        row = self.session.get_one(CourseRow, course_id)
        ids = self.session.scalars(
            select(CourseProtocolRow.snapshot_id)
            .where(CourseProtocolRow.course_id == course_id)
            .order_by(CourseProtocolRow.position)
        )
        protocols = tuple(self._protocol(i) for i in ids)
        return row, protocols, self._zones_of(row, protocols)

    def course(self, course_id: int) -> tuple[CourseRow, tuple[Protocol, ...], list[ZoneEntry]]:
        return self._course(course_id)

    def _zones_of(self, row: CourseRow, protocols: Sequence[Protocol]) -> list[ZoneEntry]:
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
        query = self._mine(select(PatientRow), PatientRow.id).where(PatientRow.deleted_at.is_(None))
        for (row,) in self.stream(query.order_by(PatientRow.id)):
            identifiers = self.session.execute(
                select(PatientIdentifierRow.system, PatientIdentifierRow.value)
                .where(PatientIdentifierRow.patient_id == row.id)
                .order_by(PatientIdentifierRow.id)
            ).all()
            yield PatientEntry(
                str(row.id),
                str(row.clinic_id),
                row.family_name,
                row.given_name,
                row.birth_date,
                row.sex,
                row.phone,
                row.email,
                tuple((str(s), str(v)) for s, v in identifiers),
            )

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

    def _course_ids(self) -> Iterator[int]:
        query = self._mine(select(CourseRow.id), CourseRow.patient_id)
        for (course_id,) in self.stream(
            query.where(CourseRow.deleted_at.is_(None)).order_by(CourseRow.id)
        ):
            yield course_id

    def zones(self) -> Iterable[ZoneEntry]:
        for course_id in self._course_ids():
            yield from self.course(course_id)[2]

    def courses(self) -> Iterable[CourseEntry]:
        for course_id in self._course_ids():
            row, protocols, zones = self.course(course_id)
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

    def _session_rows(self) -> Iterator[SessionRow]:
        query = self._mine(select(SessionRow), SessionRow.patient_id)
        for (row,) in self.stream(
            query.where(SessionRow.deleted_at.is_(None)).order_by(SessionRow.id)
        ):
            yield row

    def sessions(self) -> Iterable[tuple[SessionEntry, Sequence[ZoneEntry]]]:
        for row in self._session_rows():
            zones = self.course(row.course_id)[2]
            codes = row.point_status
            done = sum(codes.count(bytes([c])) for c in DONE_CODES)
            entry = SessionEntry(
                str(row.id),
                str(row.course_id),
                str(row.patient_id),
                str(row.practitioner_id),
                row.number,
                row.performed_at,
                tuple(z.key for z in zones),
                len(codes),
                done,
                None,
                row.signed_at is not None,
                row.notes,
            )
            yield entry, zones

    def product_uses(self) -> Iterable[tuple[ProductUseEntry, Sequence[ZoneEntry]]]:
        return use_entries(self)

    def measurements(self) -> Iterable[MeasurementEntry]:
        query = self._mine(select(MeasurementRow), MeasurementRow.patient_id)
        query = query.where(MeasurementRow.deleted_at.is_(None)).order_by(MeasurementRow.id)
        for (row,) in self.stream(query):
            yield measurement_entry(row)

    def reactions(self) -> Iterable[ReactionEntry]:
        return reaction_entries(self)

    def signatures(self) -> Iterable[SignatureEntry]:
        return signature_entries(self)
