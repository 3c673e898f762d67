"""A course's schedule changed session by session (moved, missed), and its history."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from ....services import schedule_changes
from .. import etags
from ..deps import CalendarWriter, IfMatch, Paging, Reader
from ..pagination import Page, encode_cursor
from ..schemas.clinic_ops import ScheduleChangeRead, SessionMissed, SessionMove
from ..schemas.plans import CourseRead
from .courses import read_course

router = APIRouter(tags=["courses"])
Number = Annotated[int, Path(ge=1, le=1000, description="the session's number in the course")]


@router.post("/courses/{course_id}/sessions/{number}/move", response_model=CourseRead)
def move_session(
    course_id: int,
    number: Number,
    body: SessionMove,
    ctx: CalendarWriter,
    if_match: IfMatch,
    response: Response,
) -> CourseRead:
    """Move one session (the later ones follow with their intervals); needs the course's
    ETag last read. Refused when a charted session would move or the protocol's minimum
    interval would be broken."""
    uow = ctx.write(etags.matching(if_match, lambda u: read_course(u, course_id)))
    view = schedule_changes.move_session(
        uow, ctx.who.handle, course_id, number, body.to_date, body.reason, at=body.at
    )
    return etags.with_etag(response, CourseRead.model_validate(view))


@router.post("/courses/{course_id}/sessions/{number}/missed", response_model=CourseRead)
def mark_missed(
    course_id: int,
    number: Number,
    body: SessionMissed,
    ctx: CalendarWriter,
    if_match: IfMatch,
    response: Response,
) -> CourseRead:
    """Mark a session missed: rebooked on the first day from today that the protocol
    allows; needs the course's ETag last read."""
    uow = ctx.write(etags.matching(if_match, lambda u: read_course(u, course_id)))
    view = schedule_changes.mark_missed(uow, ctx.who.handle, course_id, number, body.reason)
    return etags.with_etag(response, CourseRead.model_validate(view))


@router.get("/courses/{course_id}/schedule-changes", response_model=Page[ScheduleChangeRead])
def schedule_history(course_id: int, ctx: Reader, paging: Paging) -> Page[ScheduleChangeRead]:
    """Every change of the course's schedule, oldest first, with the sessions before it."""
    p = schedule_changes.schedule_history(ctx.read(), course_id, paging.after, paging.limit)
    items = [ScheduleChangeRead.model_validate(c, from_attributes=True) for c in p.items]
    return Page[ScheduleChangeRead](items=items, next_cursor=encode_cursor(p.next_after))
