"""A course: its approved map, calendar, sessions and documents."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from .. import chart
from ..context import Page, Reader
from ..routing import WebRoute

router = APIRouter(route_class=WebRoute)


@router.get("/courses/{course_id}", response_class=HTMLResponse)
def course(page: Reader, course_id: int) -> HTMLResponse:
    return course_page(page, course_id)


def course_page(page: Page, course_id: int, status: int = 200, **extra: Any) -> HTMLResponse:
    """The course page (``extra``: an error message and the form that caused it)."""
    from ....services.courses import show_course
    from ....services.overview import course_plan, patient_record
    from ....services.schedule_changes import schedule_history

    view = show_course(page.uow(), course_id)
    record = patient_record(page.uow(), page.actor, view.patient_id)
    this = next(c for c in record.courses if c.course.id == course_id)
    charted = {s.number for s in this.sessions}
    next_number = next(
        (int(s["number"]) for s in view.sessions if int(s["number"]) not in charted), None
    )
    plan = course_plan(page.uow(), course_id)
    return page.render(
        "course.html",
        status,
        changes=schedule_history(page.uow(), course_id).items,
        can_reschedule=page.user.can("calendar:write"),
        **extra,
        course=view,
        patient=record.patient,
        sessions=this.sessions,
        charted=charted,
        next_number=next_number,
        panels=chart.plan_panels(plan),
    )
