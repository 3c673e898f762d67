"""Printable documents (PDF): the course plan, a session record, the consent sheet."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from ..context import Page, Reader
from ..routing import WebRoute

router = APIRouter(route_class=WebRoute)


def _pdf(data: bytes, name: str) -> Response:
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )


def _header(page: Page, patient_id: int, title: str, reference: str) -> Any:
    from ....adapters.pdf import DocumentHeader
    from ....services.overview import patient_record

    p = patient_record(page.uow(), page.actor, patient_id).patient
    return DocumentHeader(
        page.user.clinic,
        f"{p.family_name}, {p.given_name}",
        p.birth_date.isoformat(),
        title,
        reference,
    )


@router.get("/courses/{course_id}/plan.pdf", response_model=None)
def plan_pdf(page: Reader, course_id: int) -> Response:
    from ....adapters.pdf import course_plan_pdf
    from ....services.courses import show_course
    from ....services.overview import course_plan, course_schedule, course_zones

    view = show_course(page.uow(), course_id)
    header = _header(page, view.patient_id, f"Course plan {course_id}", view.plan_hash)
    data = course_plan_pdf(
        header,
        course_plan(page.uow(), course_id),
        course_schedule(page.uow(), course_id),
        course_zones(page.uow(), course_id),
    )
    return _pdf(data, f"course-{course_id}-plan.pdf")


@router.get("/courses/{course_id}/consent.pdf", response_model=None)
def consent_pdf(page: Reader, course_id: int) -> Response:
    from ....adapters.pdf import consent_sheet_pdf
    from ....services.courses import show_course
    from ....services.session_store import protocol_of_course

    view = show_course(page.uow(), course_id)
    with page.uow() as uow:
        protocol = protocol_of_course(uow, course_id)
    header = _header(page, view.patient_id, "Information and consent", protocol.key)
    return _pdf(consent_sheet_pdf(header, protocol), f"course-{course_id}-consent.pdf")


@router.get("/sessions/{session_id}/record.pdf", response_model=None)
def session_pdf(page: Reader, session_id: int) -> Response:
    from ....adapters.pdf import session_record_pdf
    from ....services.overview import course_plan
    from ....services.session_views import session_points, show_session
    from ....services.views import to_jsonable

    view = show_session(page.uow(), session_id)
    header = _header(
        page, view.patient_id, f"Session record {view.number}", view.signature or "not signed"
    )
    data = session_record_pdf(
        header,
        course_plan(page.uow(), view.course_id),
        session_points(page.uow(), session_id),
        to_jsonable(view),
    )
    return _pdf(data, f"session-{session_id}.pdf")
