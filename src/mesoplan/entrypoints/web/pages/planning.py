"""A new course: protocol, zones on a chart, measurements, the proposed map and calendar,
adjustments within the protocol's bounds, screening, approval."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from ....domain.errors import MesoplanError
from ....domain.protocol import Protocol
from .. import chart
from ..context import PREFIX, Page, Planner
from ..planning import PlanForm, build_plan, measurement_fields, rule_bounds, start_of
from ..protocol_source import find_protocol, protocols_for
from ..routing import WebRoute

router = APIRouter(route_class=WebRoute)
PLAN_LINK_LIMIT = 400
"""A proposed zone of more points is drawn as a picture (each link carries the whole plan
form, so a dense face would weigh megabytes); a click removes a point there with
JavaScript, and exclusions work without it."""


def _pickers(patient_id: int, protocol: Protocol, f: PlanForm) -> list[dict[str, Any]]:
    """The overview charts (body front and back, face, scalp) with the zones the protocol
    covers: each zone a link that adds or removes it (with JavaScript, a click ticks its
    checkbox instead). The checkboxes are the accessible control (the charts are hidden
    from assistive technology); a zone's checkbox is listed under the first chart that
    shows it."""
    from ....adapters.svg import overview_to_svg
    from ....domain.anatomy import zone_catalogue
    from ....domain.zone_overview import overview_charts

    groups = {g for rule in protocol.area_rules for g in rule.groups}
    covered = {z.id: z for z in zone_catalogue().values() if z.group in groups}
    base = f"{PREFIX}/patients/{patient_id}/courses/new?"
    listed: set[str] = set()
    out = []
    for chart_ in overview_charts().values():
        zones = {zid: covered[zid] for zid in chart_.zone_ids() if zid in covered}
        if not zones:
            continue
        svg = overview_to_svg(
            chart_, zones, href_of=lambda z: base + _toggled(f, z) + "#zones",
            chosen=set(f.zones), beside=True,
        )  # fmt: skip
        boxes = [z for zid, z in zones.items() if zid not in listed]
        listed.update(z.id for z in boxes)
        out.append(
            {
                "frame": chart_.id,
                "title": chart_.title,
                "svg": svg,
                "zones": [
                    {"id": z.id, "title": z.title, "checked": z.id in f.zones} for z in boxes
                ],
            }
        )
    return out


def _toggled(f: PlanForm, zone: str) -> str:
    """The form's query with ``zone`` added, or taken off when it is chosen."""
    zones = [z for z in f.zones if z != zone] if zone in f.zones else [*f.zones, zone]
    items = [(k, v) for k, v in f.items() if k != "zone"]
    return urlencode(items[:1] + [("zone", z) for z in zones] + items[1:])


def _schedule(protocol: Protocol, f: PlanForm, page: Page) -> dict[str, Any]:
    from ....adapters.schedule_json import schedule_json
    from ....domain.scheduling import schedule_course

    today = datetime.now(ZoneInfo(page.user.timezone)).date()
    start, at = start_of(f, today)
    f.start, f.time = start.isoformat(), at.strftime("%H:%M")
    s = schedule_course(protocol, start, at=at, zone=page.user.timezone)
    return {**schedule_json(s), "warnings": list(s.warnings)}


def _plan_context(page: Page, patient_id: int, f: PlanForm) -> dict[str, Any]:
    from ....services.courses import screen_patient

    ctx: dict[str, Any] = {"plan": None, "plan_error": None}
    protocol = find_protocol(page, f.protocol)
    ctx["protocol"] = protocol
    ctx["pickers"] = _pickers(patient_id, protocol, f)
    if not f.zones:
        return ctx
    ctx["measure_fields"] = measurement_fields(f.zones, f.measurements)
    ctx["bounds"] = rule_bounds(protocol, f.zones)
    try:
        plan = build_plan(f, protocol, page.web.settings.max_plan_points)
        ctx["schedule"] = _schedule(protocol, f, page)
    except MesoplanError as exc:
        ctx["plan_error"] = str(exc)
        return ctx
    ctx["plan"] = plan
    links = _remove_links(patient_id, f, plan)
    ctx["panels"] = chart.plan_panels(plan, href_of=links, link_limit=PLAN_LINK_LIMIT)
    ctx["screening"] = screen_patient(page.uow(), page.actor, patient_id, protocol)
    return ctx


def _remove_links(patient_id: int, f: PlanForm, plan: dict[str, Any]) -> Callable[[str], str]:
    """The link of each point: the same plan without it (or without an added point)."""
    where = {
        p["id"]: f"{z['zone']}:{p['x_cm']:g}:{p['y_cm']:g}"
        for z in plan["zones"]
        for p in z["points"]
    }
    base = f"{PREFIX}/patients/{patient_id}/courses/new?"
    items = urlencode(f.items())
    added = set(f.add)

    def href(point_id: str) -> str:
        key = where[point_id]
        if key in added:
            return base + f.toggled("add", key) + "#map"
        return base + items + "&" + urlencode([("remove", key)]) + "#map"

    return href


def _render(
    page: Page, patient_id: int, f: PlanForm, status: int = 200, **extra: Any
) -> HTMLResponse:
    from ....services.patients import list_patients

    patient = next((p for p in list_patients(page.uow(), page.actor) if p.id == patient_id), None)
    if patient is None:
        return page.render(
            "message.html",
            404,
            heading="Unknown patient",
            message=f"No patient {patient_id}.",
            problem=True,
        )
    ctx: dict[str, Any] = {"protocols": protocols_for(page), "patient": patient, "f": f}
    if f.protocol:
        try:
            ctx.update(_plan_context(page, patient_id, f))
        except MesoplanError as exc:
            ctx["plan_error"] = str(exc)
    ctx.update(extra)
    return page.render("course_new.html", status, **ctx)


@router.get("/patients/{patient_id}/courses/new", response_class=HTMLResponse)
def new_course(page: Planner, patient_id: int) -> HTMLResponse:
    f = PlanForm.parse(list(page.request.query_params.multi_items()))
    return _render(page, patient_id, f)


@router.post("/patients/{patient_id}/courses", response_model=None)
async def approve(page: Planner, patient_id: int) -> Response:
    from ....services.courses import ScheduleOptions, start_course

    await page.form()
    form = await page.request.form()
    f = PlanForm.parse([(k, str(v)) for k, v in form.multi_items() if k != "csrf_token"])
    try:
        protocol = find_protocol(page, f.protocol)
        plan = build_plan(f, protocol, page.web.settings.max_plan_points)
        today = datetime.now(ZoneInfo(page.user.timezone)).date()
        start, at = start_of(f, today)
        course = start_course(
            page.uow(),
            page.actor,
            patient_id,
            protocol,
            plan,
            ScheduleOptions(start=start, at=at, timezone=page.user.timezone),
            overrides=f.overrides,
        )
    except MesoplanError as exc:
        return _render(page, patient_id, f, 422, approve_error=str(exc))
    return page.redirect(f"/courses/{course.id}")
