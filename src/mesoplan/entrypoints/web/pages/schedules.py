"""A course's sessions moved or marked missed from the course page (one form, a button
for each action)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from ....domain.errors import MesoplanError
from .. import forms
from ..context import CalendarWriter
from ..routing import WebRoute
from .courses import course_page

router = APIRouter(route_class=WebRoute)


@router.post("/courses/{course_id}/schedule/move", response_model=None)
async def move(page: CalendarWriter, course_id: int) -> Response:
    from ....services.schedule_changes import move_session

    page.require("calendar:write")
    form = await page.form()
    try:
        number = _number(form)
        to = forms.day(form, "to_date", required=True)
        assert to is not None
        move_session(
            page.uow(), page.actor, course_id, number, to, forms.text(form, "reason") or ""
        )
    except MesoplanError as exc:
        return course_page(page, course_id, 422, schedule_error=str(exc), form=form)
    return page.redirect(f"/courses/{course_id}#calendar")


@router.post("/courses/{course_id}/schedule/missed", response_model=None)
async def missed(page: CalendarWriter, course_id: int) -> Response:
    from ....services.schedule_changes import mark_missed

    page.require("calendar:write")
    form = await page.form()
    try:
        number = _number(form)
        mark_missed(page.uow(), page.actor, course_id, number, forms.text(form, "reason") or "")
    except MesoplanError as exc:
        return course_page(page, course_id, 422, schedule_error=str(exc), form=form)
    return page.redirect(f"/courses/{course_id}#calendar")


def _number(form: dict[str, Any]) -> int:
    number = forms.integer(form, "session", required=True)
    assert number is not None
    return number
