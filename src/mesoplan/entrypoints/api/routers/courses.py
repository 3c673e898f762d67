"""Courses: started from a plan (screened, scheduled, protocol frozen), rescheduled,
withdrawn, reviewed against the measurements."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from ....services import courses, listings, record_edits
from ....services.clinic_protocols import find_protocol
from ....services.courses import ScheduleOptions
from ....services.measurements import review_course
from ....services.unit_of_work import UnitOfWork
from ....services.views import to_jsonable
from .. import etags
from ..bounds import PathId, QueryId
from ..deps import CalendarWriter, IfMatch, Paging, Planner, Reader
from ..pagination import Page, encode_cursor
from ..schemas.plans import CourseCreate, CourseRead, CourseUpdate, ReviewRead

router = APIRouter(tags=["courses"])
Reason = Annotated[str, Query(min_length=1, max_length=1000, description="why")]


def read_course(uow: UnitOfWork, course_id: int) -> CourseRead:
    return CourseRead.model_validate(courses.read_course(uow, course_id))


@router.get("/courses", response_model=Page[CourseRead])
def list_courses(ctx: Reader, paging: Paging, patient_id: QueryId = None) -> Page[CourseRead]:
    with ctx.read() as uow:
        p = listings.courses(uow, patient_id, paging.after, paging.limit)
        items = [CourseRead.model_validate(v) for v in p.items]
    return Page[CourseRead](items=items, next_cursor=encode_cursor(p.next_after))


def _plan_document(ctx: Planner, body: CourseCreate, protocol: Any) -> dict[str, Any]:
    from ....domain.record_errors import RefusedError
    from ....services.plan_preview import PlanRequest, plan_json

    if body.plan is not None:
        return body.plan
    if not body.zones:
        raise RefusedError("give zones to plan, or an approved plan document in plan")
    request = PlanRequest(
        zones=body.zones,
        measurements=body.measurements,
        max_plan_points=ctx.state.settings.max_plan_points,
    )
    return plan_json(protocol, request)


@router.post("/patients/{patient_id}/courses", response_model=CourseRead, status_code=201)
def start_course(
    patient_id: PathId, body: CourseCreate, ctx: Planner, response: Response
) -> CourseRead:
    """Screen the patient (a stop needs an override with a reason), keep the plan, its
    dated sessions and a frozen copy of the protocol."""
    with ctx.read() as uow:
        uow.people.patient(patient_id)
        protocol = find_protocol(uow, body.protocol).protocol
    plan = _plan_document(ctx, body, protocol)
    options = ScheduleOptions(body.start_date, body.at, body.timezone)
    view = courses.start_course(
        ctx.write(), ctx.who.handle, patient_id, protocol, plan, options, body.overrides
    )
    response.headers["Location"] = f"/courses/{view.id}"
    return etags.with_etag(response, CourseRead.model_validate(view))


@router.get("/courses/{course_id}", response_model=CourseRead)
async def get_course(course_id: PathId, ctx: Reader) -> Response:
    return await ctx.respond(lambda uow: read_course(uow, course_id))


@router.patch("/courses/{course_id}", response_model=CourseRead)
def reschedule_course(
    course_id: PathId,
    body: CourseUpdate,
    ctx: CalendarWriter,
    if_match: IfMatch,
    response: Response,
) -> CourseRead:
    """Date the course again from a new start; needs the ETag last read."""
    uow = ctx.write(etags.matching(if_match, lambda u: read_course(u, course_id)))
    options = ScheduleOptions(body.start_date, body.at, body.timezone)
    view = record_edits.reschedule_course(uow, ctx.who.handle, course_id, options)
    return etags.with_etag(response, CourseRead.model_validate(view))


@router.delete("/courses/{course_id}", status_code=204)
def delete_course(course_id: PathId, reason: Reason, ctx: Planner, if_match: IfMatch) -> Response:
    """Withdraw a course started in error (refused once a session is signed)."""
    uow = ctx.write(etags.matching(if_match, lambda u: read_course(u, course_id)))
    record_edits.delete_course(uow, ctx.who.handle, course_id, reason)
    return Response(status_code=204)


@router.get("/courses/{course_id}/review", response_model=ReviewRead)
def review(course_id: PathId, ctx: Reader) -> ReviewRead:
    """The latest measures against the baseline, per expected outcome of the protocol."""
    result = review_course(ctx.read(), course_id)
    outcomes = [to_jsonable(dataclasses.asdict(o)) for o in result.outcomes]
    return ReviewRead(
        protocol_key=result.protocol_key,
        all_as_expected=result.all_as_expected,
        outcomes=outcomes,
    )
