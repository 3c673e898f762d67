"""Printable documents as PDF (reportlab): the course plan with its maps and calendar, a
signed session record with its map, products and lots, and the patient's information and
consent sheet from the protocol's ``patient_information``.

Inputs are plain documents: the plan's JSON (docs/plan-json.md), the calendar's JSON
(docs/calendar.md), a session's charted points and products as dicts. Output is
deterministic (reportlab's invariant mode): the same input gives the same bytes.
Maps are vector drawings at a fixed scale per zone, points coloured by status with a
shape cue (a cross for skipped, a ring for moved or added). Every text, stored or not,
goes through :mod:`.pdf_text`: it is shown, never read as markup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..domain.anatomy import Zone
from ..domain.protocol import Protocol
from .pdf_layout import DocumentHeader, build, maps, overviews, styles, table, zone_drawing
from .pdf_text import markup

__all__ = [
    "DocumentHeader",
    "consent_sheet_pdf",
    "course_plan_pdf",
    "session_record_pdf",
    "zone_drawing",
]


def _p(text: str, style: str = "Normal") -> Any:
    """A paragraph that shows ``text`` as it is: stored text never acts as markup."""
    from reportlab.platypus import Paragraph

    return Paragraph(markup(text), styles()[style])


def _gap(points: float) -> Any:
    from reportlab.platypus import Spacer

    return Spacer(0, points)


def _zones_table(plan: Mapping[str, Any]) -> Any:
    rows: list[list[Any]] = [
        ["Zone", "Points", "Spacing (cm)", "Depth (mm)", "Layer", "mL a point", "mL"]
    ]
    for z in plan.get("zones", []):
        dose = z.get("dose_per_point_ml")
        rows.append(
            [
                z["zone"],
                z["point_count"],
                z["spacing_cm"],
                z["depth_mm"],
                z.get("layer", ""),
                "split evenly" if dose is None else dose,
                z["volume_ml"],
            ]
        )
    return table(rows)


def _calendar_table(schedule: Mapping[str, Any]) -> Any:
    rows: list[list[Any]] = [["Session", "Phase", "Date and time", "Window"]]
    for x in schedule.get("sessions", []):
        when = x["start"].replace("T", " ")[:16]
        rows.append([x["number"], x["phase"], when, f"{x['window_start']} to {x['window_end']}"])
    return table(rows)


def course_plan_pdf(
    header: DocumentHeader,
    plan: Mapping[str, Any],
    schedule: Mapping[str, Any],
    zones: Mapping[str, Zone] | None = None,
) -> bytes:
    """The course plan: protocol, zones with their choices, where the zones are on the
    body (overview charts of ``zones``: the plan's zones at the catalogue versions it was
    planned on), maps and the dated sessions."""
    proto, totals = plan.get("protocol", {}), plan.get("totals", {})
    story: list[Any] = [
        _p(header.title, "Title"),
        _p(
            f"Protocol {proto.get('title', '')} ({proto.get('id')}@{proto.get('version')}); "
            f"{totals.get('point_count')} points, {totals.get('volume_ml')} mL a session."
        ),
        _gap(6),
        _zones_table(plan),
        _gap(8),
    ]
    overview = overviews(zones) if zones else None
    if overview is not None:
        story += [_p("Zones on the body", "Heading2"), overview, _gap(6)]
    story += [
        _p("Injection map", "Heading2"),
        maps(plan, None),
        _p("Calendar", "Heading2"),
        _calendar_table(schedule),
    ]
    story += [_p(f"Warning: {w['message']}") for w in plan.get("warnings", [])]
    return build(header, story)


def _when(value: Any) -> str:
    """An ISO date-time for print: ``2025-03-03 10:00 UTC`` (or its offset)."""
    from datetime import datetime

    try:
        at = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    zone = at.strftime("%z")
    return at.strftime("%Y-%m-%d %H:%M") + (" UTC" if zone in ("+0000", "") else f" {zone}")


def _session_lines(session: Mapping[str, Any]) -> list[Any]:
    t = session.get("points", {})
    return [
        _p(
            f"Session {session.get('number')} performed {_when(session.get('performed_at'))} by "
            f"{session.get('practitioner')}."
        ),
        _p(
            f"Points: {t.get('done')} done, {t.get('moved')} moved, {t.get('skipped')} "
            f"skipped, {t.get('added')} added of {t.get('planned')} planned; "
            f"{t.get('delivered_volume_ml')} of {t.get('planned_volume_ml')} mL."
        ),
    ]


def _products_table(session: Mapping[str, Any]) -> Any:
    rows: list[list[Any]] = [["Product", "Provides", "Lot", "Expiry", "Vial", "Volume (mL)"]]
    for u in session.get("uses", []):
        rows.append(
            [
                u["product"],
                u.get("provides") or u.get("role", ""),
                u["lot_number"],
                u["expiry_date"],
                u.get("vial") or "",
                u["volume_ml"],
            ]
        )
    return table(rows)


def _signature_lines(session: Mapping[str, Any]) -> list[Any]:
    out: list[Any] = []
    an = session.get("anaesthetic")
    if an:
        out.append(
            _p(f"Anaesthetic: {an['name']}, {an['amount_g']} g at {_when(an['applied_at'])}.")
        )
    if session.get("notes"):
        out.append(_p(f"Notes: {session['notes']}"))
    if session.get("signed_at"):
        sig = (
            f"Signed by {session.get('signed_by')} at {_when(session['signed_at'])}; "
            f"signature {session.get('signature')}"
        )
    else:
        sig = "NOT SIGNED: a draft, not a record."
    out += [_gap(6), _p(sig, "Heading3")]
    if session.get("verified") is False:
        out.append(_p("DOES NOT VERIFY: its content changed after it was signed.", "Heading3"))
    out += [
        _p(f"Addendum by {a['signed_by']} at {_when(a['signed_at'])}: {a['text']}")
        for a in session.get("addenda", [])
    ]
    return out


def session_record_pdf(
    header: DocumentHeader,
    plan: Mapping[str, Any],
    points: Sequence[Mapping[str, Any]],
    session: Mapping[str, Any],
) -> bytes:
    """A session as charted: totals, the map with each point's status, every product with
    its lot, expiry and vial, anaesthetic, signature and addenda."""
    story: list[Any] = [_p(header.title, "Title"), *_session_lines(session), _gap(6)]
    story += [maps(plan, {str(p["id"]): p for p in points}), _p("Products", "Heading2")]
    story += [_products_table(session), *_signature_lines(session)]
    return build(header, story)


def _reaction_lines(protocol: Protocol) -> list[Any]:
    out = []
    for r in protocol.expected_reactions:
        cond = f" (when the mix holds {', '.join(r.condition.mix_contains)})" if r.condition else ""
        out.append(
            _p(
                f"• {r.kind.capitalize()}: usually {_duration(r.usual_duration_min)}, "
                f"at most {_duration(r.max_duration_min)}{cond}. Tell us if it lasts longer."
            )
        )
    return out


CONSENT = (
    "I have read this sheet, asked my questions and had them answered. I agree to the "
    "treatment described."
)


def consent_sheet_pdf(header: DocumentHeader, protocol: Protocol) -> bytes:
    """The patient's information and consent sheet, from the protocol's
    ``patient_information`` and expected reactions."""
    info = protocol.patient_information
    story: list[Any] = [
        _p(f"{protocol.title}: information and consent", "Title"),
        _p("Who it is for", "Heading2"),
        _p(info.for_whom),
        _p("What to expect", "Heading2"),
        _p(info.what_to_expect),
        _p("Reactions and how long they last", "Heading2"),
        *_reaction_lines(protocol),
    ]
    if info.limits:
        story += [_p("Its limits", "Heading2"), *(_p(f"• {x}") for x in info.limits)]
    if info.maintenance:
        story += [_p("Why maintenance matters", "Heading2"), _p(info.maintenance)]
    story += [_gap(18), _p("Consent", "Heading2"), _p(CONSENT), _gap(28)]
    story += [_p("Patient's signature: ______________________   Date: ____________"), _gap(20)]
    story += [_p("Practitioner's signature: _________________   Date: ____________")]
    return build(header, story)


def _duration(minutes: float) -> str:
    if minutes >= 1440:
        days = minutes / 1440
        return f"{days:g} day{'s' if days != 1 else ''}"
    if minutes >= 60:
        hours = minutes / 60
        return f"{hours:g} hour{'s' if hours != 1 else ''}"
    return f"{minutes:g} minutes"
