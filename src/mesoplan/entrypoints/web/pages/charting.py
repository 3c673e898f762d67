"""Charting a session: the mix with lots and vials, then the map point by point, reactions,
signature and addenda."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from ....domain.errors import HardStop, MesoplanError
from ....domain.record_errors import RefusedError
from .. import chart, forms
from ..context import PREFIX, Charter, Cosigner, Page, ReactionWriter, Reader, Signer
from ..routing import WebRoute

router = APIRouter(route_class=WebRoute)
ROWS_PER_INGREDIENT = 2
"""Each ingredient may come from two lots (a second lot when the first runs out)."""


def _now(page: Page) -> str:
    return datetime.now(ZoneInfo(page.user.timezone)).strftime("%Y-%m-%dT%H:%M")


def _new_page(
    page: Page, course_id: int, number: int | None, status: int = 200, **extra: Any
) -> HTMLResponse:
    from ....services.courses import show_course
    from ....services.overview import diluent_stock, stock_for_course
    from ....services.session_store import protocol_of_course

    view = show_course(page.uow(), course_id)
    with page.uow() as uow:
        protocol = protocol_of_course(uow, course_id)
    return page.render(
        "session_new.html",
        status,
        course=view,
        protocol=protocol,
        number=number,
        stock=stock_for_course(page.uow(), page.actor, course_id),
        diluents=diluent_stock(page.uow(), page.actor),
        rows=ROWS_PER_INGREDIENT,
        now=_now(page),
        form=extra.pop("form", {}),
        stops=extra.pop("stops", ()),
        **extra,
    )


@router.get("/courses/{course_id}/sessions/new", response_class=HTMLResponse)
def new_session(page: Charter, course_id: int, number: int | None = None) -> HTMLResponse:
    return _new_page(page, course_id, number)


def _uses(form: dict[str, Any]) -> list[Any]:
    from ....services.sessions import UseInput

    out = []
    keys = sorted({k.split("-")[1] for k in form if k.startswith("use-") and k.endswith("-lot")})
    for k in keys:
        lot = forms.text(form, f"use-{k}-lot")
        if lot is None:
            continue
        product, lot_number = lot.rsplit("|", 1)
        volume = forms.number(form, f"use-{k}-volume_ml", required=True)
        assert volume is not None
        out.append(
            UseInput(
                product,
                lot_number,
                volume,
                vial=forms.text(form, f"use-{k}-vial"),
                provides=forms.text(form, f"use-{k}-ingredient"),
            )
        )
    return out


def _details(form: dict[str, Any], zone: str) -> Any:
    from ....services.sessions import SessionInput, UseInput

    diluent = None
    lot = forms.text(form, "diluent-lot")
    if lot is not None:
        product, lot_number = lot.rsplit("|", 1)
        volume = forms.number(form, "diluent-volume_ml", required=True)
        assert volume is not None
        diluent = UseInput(product, lot_number, volume)
    anaesthetic = forms.text(form, "anaesthetic")
    amount = forms.number(form, "anaesthetic_amount_g")
    applied = forms.moment(form, "anaesthetic_applied_at", zone)
    if anaesthetic is not None:
        if amount is None:
            raise RefusedError("anaesthetic: give the amount applied, in grams")
        applied = applied or forms.moment(form, "performed_at", zone) or datetime.now(UTC)
    return SessionInput(
        needle_gauge=forms.integer(form, "needle_gauge"),
        needle_length_mm=forms.number(form, "needle_length_mm"),
        needle_lot=forms.text(form, "needle_lot"),
        anaesthetic=anaesthetic,
        anaesthetic_amount_g=amount if anaesthetic else None,
        anaesthetic_applied_at=applied if anaesthetic else None,
        diluent=diluent,
        notes=forms.text(form, "notes"),
    )


@router.post("/courses/{course_id}/sessions", response_model=None)
async def record(page: Charter, course_id: int) -> Response:
    from ....services.sessions import record_session

    form = await page.form()
    number = forms.integer(form, "number")
    try:
        view = record_session(
            page.uow(),
            page.actor,
            course_id,
            _uses(form),
            details=_details(form, page.user.timezone),
            number=number,
            performed_at=forms.moment(form, "performed_at", page.user.timezone),
            overrides=forms.overrides(form),
        )
    except MesoplanError as exc:
        stops = exc.keys if isinstance(exc, HardStop) else ()
        asked = tuple(dict.fromkeys([*forms.overrides(form), *stops]))
        return _new_page(page, course_id, number, 422, error=str(exc), form=form, stops=asked)
    return page.redirect(f"/sessions/{view.id}")


def _chart_context(page: Page, session_id: int, point: str | None) -> dict[str, Any]:
    from ....services.overview import session_page

    view = session_page(page.uow(), page.actor, session_id)
    editable = view.session.signed_at is None and page.user.can_chart
    href = (lambda pid: f"{PREFIX}/sessions/{session_id}?point={quote(pid)}") if editable else None
    return {
        "session": view.session,
        "course": view.course,
        "patient": view.patient,
        "reactions": view.reactions,
        "panels": chart.plan_panels(view.plan, statuses=view.points, href_of=href),
        "editable": editable,
        "selected": view.points.get(point) if point else None,
        "reaction_kinds": _reaction_kinds(),
        "now": _now(page),
    }


def _reaction_kinds() -> tuple[str, ...]:
    from ....domain.reactions import REACTION_KINDS

    return REACTION_KINDS


def _chart_page(
    page: Page, session_id: int, point: str | None = None, status: int = 200, **extra: Any
) -> HTMLResponse:
    ctx = _chart_context(page, session_id, point)
    ctx.update(extra)
    template = "session_map.html" if page.is_htmx and "fragment" in extra else "session.html"
    return page.render(template, status, **ctx)


@router.get("/sessions/{session_id}", response_class=HTMLResponse)
def session(
    page: Reader, session_id: int, point: str | None = None, reaction: int | None = None
) -> HTMLResponse:
    if page.is_htmx and point:
        return _chart_page(page, session_id, point, fragment=True)
    return _chart_page(page, session_id, point, new_reaction=reaction)


@router.post("/sessions/{session_id}/points", response_model=None)
async def mark(page: Charter, session_id: int) -> Response:
    from ....services.point_marks import mark_point

    form = await page.form()
    point = forms.text(form, "point", required=True) or ""
    try:
        status = forms.text(form, "status", required=True) or ""
        moved = status == "moved"
        mark_point(
            page.uow(),
            page.actor,
            session_id,
            point,
            status,
            forms.number(form, "x_cm", required=moved) if moved else None,
            forms.number(form, "y_cm", required=moved) if moved else None,
        )
    except MesoplanError as exc:
        return _chart_page(page, session_id, point, 422, point_error=str(exc), fragment=True)
    if page.is_htmx:
        return _chart_page(page, session_id, None, fragment=True, marked=point)
    return page.redirect(f"/sessions/{session_id}#map")


@router.post("/sessions/{session_id}/area", response_model=None)
async def mark_area(page: Charter, session_id: int) -> Response:
    from ....services.point_marks import mark_area as mark

    form = await page.form()
    try:
        x, y = forms.number(form, "x_cm", True), forms.number(form, "y_cm", True)
        r = forms.number(form, "radius_cm", True)
        assert x is not None and y is not None and r is not None
        zone = forms.text(form, "zone", required=True) or ""
        mark(
            page.uow(),
            page.actor,
            session_id,
            zone,
            x,
            y,
            r,
            forms.text(form, "status") or "skipped",
        )
    except MesoplanError as exc:
        return _chart_page(page, session_id, None, 422, area_error=str(exc), fragment=True)
    return page.redirect(f"/sessions/{session_id}#map")


@router.post("/sessions/{session_id}/all-done", response_model=None)
async def all_done(page: Charter, session_id: int) -> Response:
    from ....services.point_marks import mark_all_done

    await page.form()
    try:
        mark_all_done(page.uow(), page.actor, session_id)
    except MesoplanError as exc:
        return _chart_page(page, session_id, None, 422, error=str(exc))
    return page.redirect(f"/sessions/{session_id}#map")


@router.post("/sessions/{session_id}/sign", response_model=None)
async def sign(page: Signer, session_id: int) -> Response:
    from ....services.signing import sign_session

    await page.form()
    try:
        sign_session(page.uow(), page.actor, session_id)
    except MesoplanError as exc:
        return _chart_page(page, session_id, None, 422, error=str(exc))
    return page.redirect(f"/sessions/{session_id}")


@router.post("/sessions/{session_id}/cosign", response_model=None)
async def cosign(page: Cosigner, session_id: int) -> Response:
    from ....services.signing import cosign_session

    await page.form()
    try:
        cosign_session(page.uow(), page.actor, session_id)
    except MesoplanError as exc:
        return _chart_page(page, session_id, None, 422, error=str(exc))
    return page.redirect(f"/sessions/{session_id}")


@router.post("/sessions/{session_id}/addenda", response_model=None)
async def addendum(page: Signer, session_id: int) -> Response:
    from ....services.signing import add_addendum

    form = await page.form()
    try:
        add_addendum(
            page.uow(), page.actor, session_id, forms.text(form, "text", required=True) or ""
        )
    except MesoplanError as exc:
        return _chart_page(page, session_id, None, 422, addendum_error=str(exc))
    return page.redirect(f"/sessions/{session_id}#addenda")


DURATION_UNITS = {"min": 1.0, "h": 60.0, "days": 1440.0}


@router.post("/sessions/{session_id}/reactions", response_model=None)
async def reaction(page: ReactionWriter, session_id: int) -> Response:
    from ....services.reactions import record_reaction

    form = await page.form()
    try:
        amount = forms.number(form, "duration")
        unit = DURATION_UNITS.get(forms.text(form, "duration_unit") or "min", 1.0)
        onset = forms.moment(form, "onset_at", page.user.timezone, required=True)
        assert onset is not None
        view = record_reaction(
            page.uow(),
            page.actor,
            session_id,
            forms.text(form, "kind", required=True) or "",
            forms.text(form, "zone", required=True) or "",
            onset,
            severity=forms.text(form, "severity") or "mild",
            duration_min=None if amount is None else amount * unit,
            resolved=forms.flag(form, "resolved"),
            note=forms.text(form, "note") or "",
        )
    except MesoplanError as exc:
        return _chart_page(page, session_id, None, 422, reaction_error=str(exc))
    return page.redirect(f"/sessions/{session_id}?reaction={view.id}#reactions")
