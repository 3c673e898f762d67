"""A course: its approved map, calendar, sessions and documents."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from .. import chart
from ..context import Reader
from ..routing import WebRoute

router = APIRouter(route_class=WebRoute)


@router.get("/courses/{course_id}", response_class=HTMLResponse)
def course(page: Reader, course_id: int) -> HTMLResponse:
    from ....services.courses import show_course
    from ....services.overview import course_plan, patient_record

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
        course=view,
        patient=record.patient,
        sessions=this.sessions,
        charted=charted,
        next_number=next_number,
        panels=chart.plan_panels(plan),
    )
