"""Use cases: start a course (screened, planned, scheduled, protocol frozen), screen."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from ..domain.bounds import check_course_start
from ..domain.charting_points import PlannedPoints
from ..domain.protocol import Protocol
from ..domain.protocol_text import protocol_from_data
from ..domain.record_errors import RefusedError
from ..domain.safety import ScreeningResult, screen
from ..domain.session_volume import check_plan_volume
from .content_cache import ContentCache
from .patients import history_of
from .unit_of_work import UnitOfWork
from .views import FindingView

if TYPE_CHECKING:
    from ..adapters.db.records import CourseRow, PlannedMapRow, ProtocolSnapshotRow
    from ..adapters.db.repositories import CourseRefs
    from ..domain.course import PhaseLength


def canonical(doc: Any) -> str:
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def finding_views(result: ScreeningResult) -> list[FindingView]:
    return [
        FindingView(f.rule_id, f.severity, f.message, f.subject, f.override_reason)
        for f in result.findings
    ]


@dataclass(frozen=True)
class CourseView:
    id: int
    patient_id: int
    protocol: str
    protocol_hash: str
    zones: tuple[str, ...]
    start_date: date
    point_count: int
    volume_ml: float
    sessions: tuple[dict[str, Any], ...]
    follow_up: tuple[dict[str, Any], ...]
    findings: tuple[FindingView, ...]
    plan_hash: str


# Plan totals by the plan's content hash: a course's plan text never changes.
PLAN_VOLUMES: ContentCache[float] = ContentCache(4096)


def plan_volume_ml(row: CourseRow) -> float:
    """The plan's total volume, parsed from its text once per process and plan (the
    text, which can hold thousands of points, is read only then)."""
    volume = PLAN_VOLUMES.peek(row.plan_hash)
    if volume is not None:
        return volume
    text = row.plan_json
    plan = json.loads(text)
    volume = float((plan.get("totals") or {}).get("volume_ml", 0.0))
    if sha256(text) == row.plan_hash:
        PLAN_VOLUMES.put(row.plan_hash, volume)
    return volume


def course_view(uow: UnitOfWork, row: CourseRow, refs: CourseRefs | None = None) -> CourseView:
    """``refs``: the course's protocol and map as :meth:`RecordsRepository.course_summary`
    read them with the row (looked up when not given)."""
    refs = refs or uow.records.course_refs(row.id)
    schedule = json.loads(row.schedule_json)
    return CourseView(
        id=row.id,
        patient_id=row.patient_id,
        protocol=f"{refs.protocol_id}@{refs.version}",
        protocol_hash=refs.protocol_hash,
        zones=tuple(row.zones),
        start_date=row.start_date,
        point_count=refs.point_count,
        volume_ml=plan_volume_ml(row),
        sessions=tuple(schedule.get("sessions", [])),
        follow_up=tuple(schedule.get("follow_up", [])),
        findings=tuple(FindingView(**f) for f in row.screening.get("findings", [])),
        plan_hash=row.plan_hash,
    )


def screen_course(
    uow: UnitOfWork, patient_id: int, protocol: Protocol, at: datetime, overrides: Mapping[str, str]
) -> ScreeningResult:
    """Screen the patient's latest history; raise SafetyError on a stop not overridden."""
    result = screen(history_of(uow, patient_id), protocol, at=at).with_overrides(overrides)
    result.require_clear()
    return result


def snapshot_of(uow: UnitOfWork, protocol: Protocol) -> ProtocolSnapshotRow:
    """The frozen copy of a protocol's content, shared by every course that uses it."""
    from ..adapters.db.records import ProtocolSnapshotRow

    found = uow.records.snapshot(protocol.content_hash)
    if found is not None:
        return found
    row = uow.records.add(
        ProtocolSnapshotRow(
            protocol_id=protocol.id,
            version=protocol.version,
            content_hash=protocol.content_hash,
            canonical_json=protocol.canonical_json(),
            created_at=uow.now(),
        )
    )
    uow.flush()
    return row


def protocol_of(snapshot: ProtocolSnapshotRow) -> Protocol:
    """The protocol exactly as it was frozen (its hash is checked)."""
    protocol = protocol_from_data(json.loads(snapshot.canonical_json))
    if protocol.content_hash != snapshot.content_hash:
        raise RefusedError(
            f"protocol snapshot {snapshot.protocol_id}@{snapshot.version} does not match its "
            "hash: the stored copy was altered"
        )
    return protocol


def planned_map_of(uow: UnitOfWork, points: PlannedPoints) -> PlannedMapRow:
    from ..adapters.db.maps import encode_points
    from ..adapters.db.records import PlannedMapRow

    digest, data = encode_points(points)
    found = uow.records.planned_map(digest)
    if found is not None:
        return found
    row = uow.records.add(PlannedMapRow(content_hash=digest, point_count=len(points), data=data))
    uow.flush()
    return row


def check_plan(protocol: Protocol, plan: Mapping[str, Any]) -> PlannedPoints:
    """The plan must come from this very protocol content, hold valid points and stay
    within the protocol's session volume."""
    ref = plan.get("protocol") or {}
    if ref.get("hash") != protocol.content_hash:
        raise RefusedError(
            f"the plan was made from protocol {ref.get('id')}@{ref.get('version')} "
            f"({ref.get('hash')}), not from {protocol.key} ({protocol.content_hash}); plan again"
        )
    points = PlannedPoints.from_plan(plan)
    if len(points) == 0:
        raise RefusedError("the plan has no points")
    check_plan_volume(protocol, points.volume_ml.sum().item())
    return points


def zone_versions_of(plan: Mapping[str, Any]) -> dict[str, int]:
    """The catalogue version each zone of a plan is on (a plan from before zones were
    versioned: 1). A built-in zone's version must exist."""
    from ..domain.zone_catalogue import zone_versions

    out: dict[str, int] = {}
    for z in plan.get("zones") or []:
        zid, version = str(z["zone"]), z.get("version", 1)
        if not isinstance(version, int) or isinstance(version, bool):
            raise RefusedError(f"zone {zid}: the plan's zone version must be a whole number")
        known = zone_versions(zid)
        if known and not z.get("custom") and version not in known:
            raise RefusedError(
                f"zone {zid}: the plan is on version {version}, which the zone catalogue "
                f"does not have (versions: {', '.join(map(str, known))}); plan again"
            )
        out[zid] = version
    return out


@dataclass(frozen=True)
class ScheduleOptions:
    start: date
    at: time = time(9, 0)
    timezone: str | None = None
    phase_lengths: Mapping[str, PhaseLength] | None = None


def _schedule(protocol: Protocol, options: ScheduleOptions, clinic_tz: str) -> dict[str, Any]:
    from ..adapters.schedule_json import schedule_json
    from ..adapters.schedule_state import request_json
    from ..domain.scheduling import schedule_course

    schedule = schedule_course(
        protocol,
        options.start,
        at=options.at,
        zone=options.timezone or clinic_tz,
        phase_lengths=options.phase_lengths,
    )
    doc: dict[str, Any] = dict(schedule_json(schedule))
    doc["warnings"] = list(schedule.warnings)
    doc["request"] = request_json(schedule.request)
    return doc


def start_course(
    uow: UnitOfWork,
    actor: str | None,
    patient_id: int,
    protocol: Protocol,
    plan: Mapping[str, Any],
    schedule: ScheduleOptions,
    overrides: Mapping[str, str] | None = None,
) -> CourseView:
    """Screen the patient, then keep the approved plan, its schedule and a frozen copy of
    the protocol. A hard stop needs an override with a reason (kept on the course)."""
    from ..adapters.db.records import CourseProtocolRow, CourseRow

    points = check_plan(protocol, plan)
    versions = zone_versions_of(plan)
    plan_text = canonical(plan)
    with uow:
        who = uow.people.practitioner(actor)
        uow.people.patient(patient_id)
        check_course_start(schedule.start, uow.now().date())
        clinic = uow.people.clinic_by_id(who.clinic_id)
        result = screen_course(uow, patient_id, protocol, uow.now(), overrides or {})
        doc = _schedule(protocol, schedule, clinic.timezone)
        course = uow.records.add(
            CourseRow(
                patient_id=patient_id,
                started_at=uow.now(),
                started_by_id=who.id,
                start_date=schedule.start,
                zones=list(dict.fromkeys(str(z["zone"]) for z in plan["zones"])),
                zone_versions=versions,
                plan_json=plan_text,
                plan_hash=sha256(plan_text),
                planned_map_id=planned_map_of(uow, points).id,
                schedule_json=canonical(doc),
                screening={"findings": [_finding_dict(f) for f in finding_views(result)]},
            )
        )
        uow.flush()
        snap = snapshot_of(uow, protocol)
        uow.records.add(CourseProtocolRow(course_id=course.id, position=0, snapshot_id=snap.id))
        keep_overrides(uow, result, who.id, course_id=course.id)
        uow.flush()
        view = course_view(uow, course)
        uow.commit()
        return view


def _finding_dict(f: FindingView) -> dict[str, Any]:
    return {
        "rule_id": f.rule_id,
        "severity": f.severity,
        "message": f.message,
        "subject": f.subject,
        "override_reason": f.override_reason,
    }


def keep_overrides(
    uow: UnitOfWork,
    result: ScreeningResult,
    practitioner_id: int,
    course_id: int | None = None,
    session_id: int | None = None,
) -> None:
    from ..adapters.db.records import OverrideRow

    for f in result.findings:
        if f.override_reason is None:
            continue
        uow.records.add(
            OverrideRow(
                course_id=course_id,
                session_id=session_id,
                code=f.rule_id,
                subject=f.message,
                reason=f.override_reason,
                practitioner_id=practitioner_id,
                created_at=uow.now(),
            )
        )


def carried_overrides(uow: UnitOfWork, course_id: int, result: ScreeningResult) -> dict[str, str]:
    """Overrides given when the course started, for the same findings now: a stop the
    practitioner overrode for the course need not be overridden again at each session
    (a new finding, from a changed history, still stops)."""
    given = {
        (o.code, o.subject): o.reason
        for o in uow.records.overrides_of(course_id)
        if o.session_id is None
    }
    return {
        f.key: f"{given[f.rule_id, f.message]} (as at the start of the course)"
        for f in result.findings
        if (f.rule_id, f.message) in given
    }


@dataclass(frozen=True)
class ScreeningView:
    patient_id: int
    protocol: str
    blocked: bool
    findings: tuple[FindingView, ...]


def screen_patient(
    uow: UnitOfWork, actor: str | None, patient_id: int, protocol: Protocol
) -> ScreeningView:
    """Screen a patient's latest history against a protocol (nothing is written)."""
    with uow:
        uow.people.practitioner(actor)
        uow.people.patient(patient_id)
        result = screen(history_of(uow, patient_id), protocol, at=uow.now())
        return ScreeningView(patient_id, protocol.key, result.blocked, tuple(finding_views(result)))


def show_course(uow: UnitOfWork, course_id: int) -> CourseView:
    with uow:
        return read_course(uow, course_id)


def read_course(uow: UnitOfWork, course_id: int) -> CourseView:
    """One course's view in one query (raises NotFoundError when it is not there)."""
    return course_view(uow, *uow.records.course_summary(course_id))
