"""Patients: search, add, safety history, measurements and the outcome plot."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from ....domain.errors import MesoplanError
from .. import forms
from ..context import Page, PatientWriter, Reader
from ..routing import WebRoute

router = APIRouter(route_class=WebRoute)


@router.get("/patients", response_class=HTMLResponse)
def patients(page: Reader, q: str = "") -> HTMLResponse:
    from ....services.patients import list_patients

    found = list_patients(page.uow(), page.actor, q.strip() or None)
    template = "patients_rows.html" if page.is_htmx else "patients.html"
    return page.render(template, patients=found, q=q)


@router.get("/patients/new", response_class=HTMLResponse)
def new_patient(page: PatientWriter) -> HTMLResponse:
    return page.render("patient_new.html", form={}, error=None, **_choices())


def _choices() -> dict[str, Any]:
    from ....services.patients import HISTORY_BOOLS, SEXES

    return {"sexes": SEXES, "history_flags": HISTORY_BOOLS}


def _history(form: dict[str, Any], zone: str) -> Any:
    from ....domain.safety import PatientHistory
    from ....services.patients import HISTORY_BOOLS

    allergies = tuple(
        a.strip() for a in (forms.text(form, "allergies") or "").split(",") if a.strip()
    )
    consent = forms.moment(form, "consent_given_at", zone)
    flags = {name: forms.flag(form, name) for name in HISTORY_BOOLS}
    return PatientHistory(allergies=allergies, consent_given_at=consent, **flags)


@router.post("/patients", response_model=None)
async def add_patient(page: PatientWriter) -> Response:
    from ....services.patients import register_patient

    form = await page.form()
    try:
        birth = forms.day(form, "birth_date", required=True)
        assert birth is not None
        view = register_patient(
            page.uow(),
            page.actor,
            forms.text(form, "family_name", required=True) or "",
            forms.text(form, "given_name", required=True) or "",
            birth,
            forms.text(form, "sex") or "unknown",
            phone=forms.text(form, "phone"),
            email=forms.text(form, "email"),
            history=_history(form, page.user.timezone),
        )
    except MesoplanError as exc:
        return page.render("patient_new.html", 422, form=form, error=str(exc), **_choices())
    return page.redirect(f"/patients/{view.id}")


@router.get("/patients/{patient_id}/outcomes.svg", response_model=None)
def outcome_plot(page: Reader, patient_id: int) -> Response:
    """The outcome plot as an image of its own, so the patient page does not wait for it;
    its ETag follows the measurements, so a client that asks with ``If-None-Match`` is
    not sent an unchanged plot again (browsers keep none: it is ``no-store``)."""
    from ....services.measurements import list_measurements
    from ....services.outcome_plots import outcome_plot as plot

    rows = list_measurements(page.uow(), patient_id)
    digest = hashlib.sha256(
        repr([(m.id, m.kind, m.value, m.site, m.taken_at.isoformat()) for m in rows]).encode()
    ).hexdigest()[:32]
    etag = f'"{digest}"'
    headers = {"ETag": etag}
    if page.request.headers.get("If-None-Match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(plot(page.uow(), patient_id), media_type="image/svg+xml", headers=headers)


def _patient_page(page: Page, patient_id: int, status: int = 200, **extra: Any) -> HTMLResponse:
    from ....domain.outcomes import MEASUREMENT_KINDS
    from ....services.measurements import list_measurements
    from ....services.overview import patient_record

    record = patient_record(page.uow(), page.actor, patient_id)
    return page.render(
        "patient.html",
        status,
        record=record,
        measurements=list_measurements(page.uow(), patient_id),
        kinds=[k for k in MEASUREMENT_KINDS.values() if k.name != "photo"],
        now=datetime.now(ZoneInfo(page.user.timezone)).strftime("%Y-%m-%dT%H:%M"),
        **_choices(),
        **extra,
    )


@router.get("/patients/{patient_id}", response_class=HTMLResponse)
def patient(page: Reader, patient_id: int) -> HTMLResponse:
    return _patient_page(page, patient_id)


@router.post("/patients/{patient_id}/history", response_model=None)
async def record_history(page: PatientWriter, patient_id: int) -> Response:
    from ....services.patients import record_history as record

    form = await page.form()
    try:
        meds = tuple(
            m.strip() for m in (forms.text(form, "medications") or "").split(",") if m.strip()
        )
        record(
            page.uow(),
            page.actor,
            patient_id,
            _history(form, page.user.timezone),
            medications=meds,
            notes=forms.text(form, "notes"),
        )
    except MesoplanError as exc:
        return _patient_page(page, patient_id, 422, history_error=str(exc))
    return page.redirect(f"/patients/{patient_id}#history")


@router.post("/patients/{patient_id}/measurements", response_model=None)
async def add_measurement(page: PatientWriter, patient_id: int) -> Response:
    from ....domain.outcomes import Measurement, parse_value
    from ....services.measurements import record_measurement

    form = await page.form()
    try:
        kind = forms.text(form, "kind", required=True) or ""
        value = parse_value(kind, forms.text(form, "value", required=True) or "")
        taken = forms.moment(form, "taken_at", page.user.timezone, required=True)
        assert taken is not None
        m = Measurement(
            kind,
            taken,
            value,
            site=forms.text(form, "site"),
            height_above_kneecap_cm=forms.number(form, "height_above_kneecap_cm"),
            note=forms.text(form, "note") or "",
        )
        record_measurement(
            page.uow(), page.actor, patient_id, m, course_id=forms.integer(form, "course_id")
        )
    except MesoplanError as exc:
        return _patient_page(page, patient_id, 422, measurement_error=str(exc))
    return page.redirect(f"/patients/{patient_id}#measurements")
