"""Repositories: look records up by what users name them with, or raise a clear error.

Rows are the mapped classes of :mod:`people`, :mod:`stock` and :mod:`records`; the
services turn them into domain objects or read views.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple, TypeVar

from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.orm import Session, defer

from ...domain.record_errors import NotFoundError
from .base import Base
from .people import (
    ClinicRow,
    MeasurementRow,
    PatientHistoryRow,
    PatientIdentifierRow,
    PatientRow,
    PractitionerRow,
)
from .records import (
    AddendumRow,
    CosignatureRow,
    CourseProtocolRow,
    CourseRow,
    OverrideRow,
    PlannedMapRow,
    ProtocolSnapshotRow,
    ReactionRow,
    SessionPointRow,
    SessionRow,
)
from .stock import LotRow, ProductRow, ProductUseRow, VialRow

RowT = TypeVar("RowT", bound=Base)


class CourseRefs(NamedTuple):
    """What a course's view needs of its frozen protocol and its planned map."""

    protocol_id: str
    version: str
    protocol_hash: str
    point_count: int


_REFS = (
    ProtocolSnapshotRow.protocol_id,
    ProtocolSnapshotRow.version,
    ProtocolSnapshotRow.content_hash,
    PlannedMapRow.point_count,
)
# Built once: a course read runs it with only the id bound.
_COURSE_REFS = (
    select(*_REFS)
    .join(CourseProtocolRow, CourseProtocolRow.snapshot_id == ProtocolSnapshotRow.id)
    .join(CourseRow, CourseRow.id == CourseProtocolRow.course_id)
    .join(PlannedMapRow, PlannedMapRow.id == CourseRow.planned_map_id)
    .where(CourseProtocolRow.course_id == bindparam("course_id"))
    .where(CourseProtocolRow.position == 0)
)
_COURSE_SUMMARY = (
    select(CourseRow, *_REFS)
    .join(CourseProtocolRow, CourseProtocolRow.course_id == CourseRow.id)
    .join(ProtocolSnapshotRow, ProtocolSnapshotRow.id == CourseProtocolRow.snapshot_id)
    .join(PlannedMapRow, PlannedMapRow.id == CourseRow.planned_map_id)
    .where(CourseRow.id == bindparam("course_id"), CourseProtocolRow.position == 0)
    .options(defer(CourseRow.plan_json))
)
# Built once: a patient read runs it with only the id bound; one row per identifier
# (or one row with no identifier), the identifiers in order of their system.
_PATIENT_CARD = (
    select(PatientRow, PatientIdentifierRow.system, PatientIdentifierRow.value)
    .outerjoin(PatientIdentifierRow, PatientIdentifierRow.patient_id == PatientRow.id)
    .where(PatientRow.id == bindparam("patient_id"))
    .order_by(PatientIdentifierRow.system)
)


class _Repository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: RowT) -> RowT:
        self.session.add(row)
        return row

    def add_all(self, rows: Sequence[Base]) -> None:
        self.session.add_all(rows)


class PeopleRepository(_Repository):
    def clinics(self) -> list[ClinicRow]:
        return list(self.session.scalars(select(ClinicRow).order_by(ClinicRow.id)))

    def clinic(self, name: str | None) -> ClinicRow:
        if name is None:
            clinics = self.clinics()
            if len(clinics) == 1:
                return clinics[0]
            if not clinics:
                raise NotFoundError("no clinic yet; add one with `mesoplan clinic add NAME`")
            names = ", ".join(c.name for c in clinics)
            raise NotFoundError(f"several clinics; name one of: {names}")
        row = self.session.scalar(select(ClinicRow).where(ClinicRow.name == name))
        if row is None:
            names = ", ".join(c.name for c in self.clinics()) or "none yet"
            raise NotFoundError(f"unknown clinic {name!r}; known: {names}")
        return row

    def clinic_by_id(self, clinic_id: int) -> ClinicRow:
        return self.session.get_one(ClinicRow, clinic_id)

    def practitioner(self, handle: str | None) -> PractitionerRow:
        if not handle:
            raise NotFoundError(
                "no acting practitioner: pass --as HANDLE or set MESOPLAN_PRACTITIONER"
            )
        row = self.find_practitioner(handle)
        if row is None:
            known = self.session.scalars(select(PractitionerRow.handle).order_by("handle"))
            raise NotFoundError(
                f"unknown practitioner {handle!r}; known: {', '.join(known) or 'none yet'}"
            )
        return row

    def find_practitioner(self, handle: str) -> PractitionerRow | None:
        return self.session.scalar(select(PractitionerRow).where(PractitionerRow.handle == handle))

    def practitioner_by_id(self, practitioner_id: int) -> PractitionerRow:
        return self.session.get_one(PractitionerRow, practitioner_id)

    def patient(self, patient_id: int, include_deleted: bool = False) -> PatientRow:
        row = self.session.get(PatientRow, patient_id)
        if row is None or (row.deleted_at is not None and not include_deleted):
            raise NotFoundError(f"unknown patient {patient_id}; see `mesoplan patient list`")
        return row

    def patient_card(
        self, patient_id: int, include_deleted: bool = False
    ) -> tuple[PatientRow, dict[str, str]]:
        """A patient and their external identifiers (system to value), in one query."""
        found = self.session.execute(_PATIENT_CARD, {"patient_id": patient_id}).all()
        row = found[0][0] if found else None
        if row is None or (row.deleted_at is not None and not include_deleted):
            raise NotFoundError(f"unknown patient {patient_id}; see `mesoplan patient list`")
        return row, {system: value for _, system, value in found if system is not None}

    def patients(
        self, clinic_id: int, name: str | None = None, include_deleted: bool = False
    ) -> list[PatientRow]:
        q = select(PatientRow).where(PatientRow.clinic_id == clinic_id)
        if not include_deleted:
            q = q.where(PatientRow.deleted_at.is_(None))
        if name:
            pattern = f"%{name.lower()}%"
            q = q.where(
                or_(
                    func.lower(PatientRow.family_name).like(pattern),
                    func.lower(PatientRow.given_name).like(pattern),
                )
            )
        return list(self.session.scalars(q.order_by(PatientRow.id)))

    def latest_history(self, patient_id: int) -> PatientHistoryRow | None:
        q = (
            select(PatientHistoryRow)
            .where(PatientHistoryRow.patient_id == patient_id)
            .order_by(PatientHistoryRow.recorded_at.desc(), PatientHistoryRow.id.desc())
            .limit(1)
        )
        return self.session.scalar(q)

    def measurements(self, patient_id: int, kind: str | None = None) -> list[MeasurementRow]:
        q = select(MeasurementRow).where(
            MeasurementRow.patient_id == patient_id, MeasurementRow.deleted_at.is_(None)
        )
        if kind:
            q = q.where(MeasurementRow.kind == kind)
        return list(self.session.scalars(q.order_by(MeasurementRow.taken_at, MeasurementRow.id)))

    def measurement(self, measurement_id: int) -> MeasurementRow:
        row = self.session.get(MeasurementRow, measurement_id)
        if row is None or row.deleted_at is not None:
            raise NotFoundError(f"unknown measurement {measurement_id}")
        return row


class StockRepository(_Repository):
    def product(self, clinic_id: int, name: str) -> ProductRow | None:
        q = select(ProductRow).where(ProductRow.clinic_id == clinic_id, ProductRow.name == name)
        return self.session.scalar(q)

    def products(self, clinic_id: int) -> list[ProductRow]:
        q = select(ProductRow).where(ProductRow.clinic_id == clinic_id).order_by(ProductRow.name)
        return list(self.session.scalars(q))

    def lot(self, product: ProductRow, lot_number: str) -> LotRow:
        q = select(LotRow).where(LotRow.product_id == product.id, LotRow.lot_number == lot_number)
        row = self.session.scalar(q)
        if row is None:
            known = self.session.scalars(
                select(LotRow.lot_number).where(LotRow.product_id == product.id)
            )
            raise NotFoundError(
                f"product {product.name!r} has no lot {lot_number!r}; known lots: "
                f"{', '.join(known) or 'none (receive stock first)'}"
            )
        return row

    def lots_numbered(self, lot_number: str) -> list[LotRow]:
        return list(self.session.scalars(select(LotRow).where(LotRow.lot_number == lot_number)))

    def lots(self, clinic_id: int) -> list[tuple[LotRow, ProductRow]]:
        q = (
            select(LotRow, ProductRow)
            .join(ProductRow, ProductRow.id == LotRow.product_id)
            .where(ProductRow.clinic_id == clinic_id)
            .order_by(ProductRow.name, LotRow.expiry_date, LotRow.lot_number)
        )
        return [(lot, product) for lot, product in self.session.execute(q)]

    def vial(self, code: str) -> VialRow:
        row = self.session.scalar(select(VialRow).where(VialRow.code == code))
        if row is None:
            raise NotFoundError(f"unknown vial {code!r}; open it with `mesoplan vial open`")
        return row

    def vial_code_taken(self, code: str) -> bool:
        return self.session.scalar(select(VialRow.id).where(VialRow.code == code)) is not None

    def vials_of_lot(self, lot_id: int) -> list[VialRow]:
        q = select(VialRow).where(VialRow.lot_id == lot_id).order_by(VialRow.opened_at)
        return list(self.session.scalars(q))

    def draw(self, vial: VialRow, volume_ul: int) -> bool:
        """Take ``volume_ul`` from the vial in one conditional UPDATE (safe against a
        concurrent draw); False when the vial holds less."""
        result = self.session.execute(
            update(VialRow)
            .where(VialRow.id == vial.id, VialRow.volume_remaining_ul >= volume_ul)
            .values(volume_remaining_ul=VialRow.volume_remaining_ul - volume_ul)
            .execution_options(synchronize_session=False)
        )
        self.session.refresh(vial)
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def uses_of_session(self, session_id: int) -> list[tuple[ProductUseRow, LotRow, ProductRow]]:
        q = (
            select(ProductUseRow, LotRow, ProductRow)
            .join(LotRow, LotRow.id == ProductUseRow.lot_id)
            .join(ProductRow, ProductRow.id == LotRow.product_id)
            .where(ProductUseRow.session_id == session_id)
            .order_by(ProductUseRow.position)
        )
        return [(u, lot, p) for u, lot, p in self.session.execute(q)]

    def vial_by_id(self, vial_id: int) -> VialRow:
        return self.session.get_one(VialRow, vial_id)


class RecordsRepository(_Repository):
    def snapshot(self, content_hash: str) -> ProtocolSnapshotRow | None:
        q = select(ProtocolSnapshotRow).where(ProtocolSnapshotRow.content_hash == content_hash)
        return self.session.scalar(q)

    def planned_map(self, content_hash: str) -> PlannedMapRow | None:
        q = select(PlannedMapRow).where(PlannedMapRow.content_hash == content_hash)
        return self.session.scalar(q)

    def planned_map_by_id(self, map_id: int) -> PlannedMapRow:
        return self.session.get_one(PlannedMapRow, map_id)

    def course(self, course_id: int) -> CourseRow:
        row = self.session.get(CourseRow, course_id)
        if row is None or row.deleted_at is not None:
            raise NotFoundError(f"unknown course {course_id}; see `mesoplan patient show`")
        return row

    def course_refs(self, course_id: int) -> CourseRefs:
        """A course's frozen protocol and planned map, named, in one query (neither
        one's content is loaded)."""
        return CourseRefs(*self.session.execute(_COURSE_REFS, {"course_id": course_id}).one())

    def course_summary(self, course_id: int) -> tuple[CourseRow, CourseRefs]:
        """A course (its plan text left unloaded until asked for) and its
        :meth:`course_refs`, in one query."""
        found = self.session.execute(_COURSE_SUMMARY, {"course_id": course_id}).first()
        if found is None or found[0].deleted_at is not None:
            raise NotFoundError(f"unknown course {course_id}; see `mesoplan patient show`")
        row, protocol_id, version, protocol_hash, point_count = found
        return row, CourseRefs(protocol_id, version, protocol_hash, point_count)

    def courses_of(self, patient_id: int) -> list[CourseRow]:
        q = select(CourseRow).where(CourseRow.patient_id == patient_id)
        return list(self.session.scalars(q.where(CourseRow.deleted_at.is_(None)).order_by("id")))

    def course_snapshots(self, course_id: int) -> list[ProtocolSnapshotRow]:
        q = (
            select(ProtocolSnapshotRow)
            .join(CourseProtocolRow, CourseProtocolRow.snapshot_id == ProtocolSnapshotRow.id)
            .where(CourseProtocolRow.course_id == course_id)
            .order_by(CourseProtocolRow.position)
        )
        return list(self.session.scalars(q))

    def treatment_session(self, session_id: int) -> SessionRow:
        row = self.session.get(SessionRow, session_id)
        if row is None or row.deleted_at is not None:
            raise NotFoundError(f"unknown session {session_id}; see `mesoplan patient show`")
        return row

    def sessions_of(self, course_id: int) -> list[SessionRow]:
        q = select(SessionRow).where(
            SessionRow.course_id == course_id, SessionRow.deleted_at.is_(None)
        )
        return list(self.session.scalars(q.order_by(SessionRow.number, SessionRow.id)))

    def points_of(self, session_id: int) -> list[SessionPointRow]:
        q = select(SessionPointRow).where(SessionPointRow.session_id == session_id)
        return list(self.session.scalars(q.order_by(SessionPointRow.id)))

    def cosignature(self, session_id: int) -> CosignatureRow | None:
        return self.session.get(CosignatureRow, session_id)

    def addenda(self, session_id: int) -> list[AddendumRow]:
        q = select(AddendumRow).where(AddendumRow.session_id == session_id)
        return list(self.session.scalars(q.order_by(AddendumRow.id)))

    def overrides_of(self, course_id: int) -> list[OverrideRow]:
        q = select(OverrideRow).where(OverrideRow.course_id == course_id)
        return list(self.session.scalars(q.order_by(OverrideRow.id)))

    def reactions_of(self, session_ids: Sequence[int]) -> list[ReactionRow]:
        q = select(ReactionRow).where(
            ReactionRow.session_id.in_(session_ids), ReactionRow.deleted_at.is_(None)
        )
        return list(self.session.scalars(q.order_by(ReactionRow.onset_at, ReactionRow.id)))

    def reaction(self, reaction_id: int) -> ReactionRow:
        row = self.session.get(ReactionRow, reaction_id)
        if row is None or row.deleted_at is not None:
            raise NotFoundError(f"unknown reaction {reaction_id}")
        return row
