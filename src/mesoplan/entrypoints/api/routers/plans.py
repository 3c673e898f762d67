"""Plan previews: nothing is stored; the plan as JSON, SVG, or the course as iCalendar."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Response

from ....domain.protocol import Protocol
from ....domain.protocol_text import parse_protocol_text
from ....domain.record_errors import RefusedError
from ....services import plan_preview
from ....services.clinic_protocols import find_protocol
from ..deps import Context, Planner
from ..schemas.plans import PlanCreate, PlanRead

router = APIRouter(tags=["plans"])
FORMATS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "the plan (JSON), its map (SVG) or its course calendar (iCalendar)",
        "content": {
            "image/svg+xml": {"example": "<svg xmlns='http://www.w3.org/2000/svg'>...</svg>"},
            "text/calendar": {"example": "BEGIN:VCALENDAR\r\n...\r\nEND:VCALENDAR\r\n"},
        },
    }
}


def protocol_for(ctx: Context, body: PlanCreate) -> Protocol:
    if (body.protocol is None) == (body.protocol_toml is None):
        raise RefusedError("give protocol (an id) or protocol_toml (its text), one of them")
    if body.protocol_toml is not None:
        return parse_protocol_text(body.protocol_toml, filename="<protocol_toml>")
    assert body.protocol is not None
    with ctx.read() as uow:
        return find_protocol(uow, body.protocol).protocol


def plan_request(ctx: Context, body: PlanCreate) -> plan_preview.PlanRequest:
    return plan_preview.PlanRequest(
        zones=body.zones,
        measurements=body.measurements,
        spacing_cm=body.spacing_cm,
        depth_mm=body.depth_mm,
        volume_ml=body.volume_ml,
        budget_ml=body.budget_ml,
        dose_per_point_ml=body.dose_per_point_ml,
        pattern=body.pattern,
        overrides=[(o.field, o.value, o.reason) for o in body.overrides],
        max_plan_points=ctx.state.settings.max_plan_points,
    )


@router.post("/plans/preview", response_model=PlanRead, responses=FORMATS)
def preview_plan(
    body: PlanCreate, ctx: Planner, format: Literal["json", "svg", "ics"] = "json"
) -> Any:
    """Plan one session over the zones; ``format=svg`` gives the injection map,
    ``format=ics`` the course calendar from ``start_date`` (clinic time zone unless
    ``timezone``)."""
    protocol = protocol_for(ctx, body)
    if format == "ics":
        if body.start_date is None:
            raise RefusedError("format=ics needs start_date")
        with ctx.read() as uow:
            tz = body.timezone or uow.people.clinic_by_id(ctx.who.clinic_id).timezone
            now = uow.now()
        text = plan_preview.plan_ics(protocol, body.start_date, body.at, tz, body.zones, now)
        return Response(text, media_type="text/calendar")
    if format == "svg":
        return Response(
            plan_preview.plan_svg(protocol, plan_request(ctx, body)), media_type="image/svg+xml"
        )
    return plan_preview.plan_json(protocol, plan_request(ctx, body))
