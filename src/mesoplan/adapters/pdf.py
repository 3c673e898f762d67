"""Printable documents as PDF (reportlab): the course plan with its maps and calendar, a
signed session record with its map, products and lots, and the patient's information and
consent sheet from the protocol's ``patient_information``.

Inputs are plain documents: the plan's JSON (docs/plan-json.md), the calendar's JSON
(docs/calendar.md), a session's charted points and products as dicts. Output is
deterministic (reportlab's invariant mode): the same input gives the same bytes.
Maps are vector drawings at a fixed scale per zone, points coloured by status with a
shape cue (a cross for skipped, a ring for moved or added).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..domain.protocol import Protocol

STATUS_RGB = {
    "planned": (0.12, 0.37, 0.66),
    "done": (0.11, 0.5, 0.23),
    "skipped": (0.7, 0.15, 0.12),
    "moved": (0.54, 0.29, 0.0),
    "added": (0.36, 0.16, 0.53),
}
MAP_HEIGHT_PT = 230.0
MAP_WIDTH_PT = 160.0


@dataclass(frozen=True)
class DocumentHeader:
    """Who and where a document is about, printed at the top of every page."""

    clinic: str
    patient: str
    birth_date: str
    title: str
    reference: str = ""


def _styles() -> Any:
    from reportlab.lib.styles import getSampleStyleSheet

    styles = getSampleStyleSheet()
    styles["Normal"].fontSize = 9.5
    styles["Normal"].leading = 12.5
    return styles


def _build(header: DocumentHeader, story: list[Any]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.platypus import SimpleDocTemplate

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=1.8 * cm,
        rightMargin=1.8 * cm,
        topMargin=2.2 * cm,
        bottomMargin=1.8 * cm,
        title=header.title,
        author=header.clinic,
        subject=header.reference,
        creator="mesoplan",
        invariant=True,
    )

    def decorate(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        top = A4[1] - 1.2 * cm
        canvas.drawString(1.8 * cm, top, f"{header.clinic} · {header.title}")
        canvas.drawRightString(
            A4[0] - 1.8 * cm, top, f"{header.patient} (born {header.birth_date})"
        )
        canvas.drawRightString(A4[0] - 1.8 * cm, 1.0 * cm, f"page {document.page}")
        if header.reference:
            canvas.drawString(1.8 * cm, 1.0 * cm, header.reference)
        canvas.restoreState()

    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()


def _table(rows: Sequence[Sequence[Any]], widths: Sequence[float] | None = None) -> Any:
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    table = Table([list(r) for r in rows], colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8.5),
                ("FONT", (0, 1), (-1, -1), "Helvetica", 8.5),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.92, 0.94)),
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def zone_drawing(zone: Mapping[str, Any], points: Sequence[Mapping[str, Any]]) -> Any:
    """One zone's map as a reportlab Drawing (y up, as the zone's frame)."""
    from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, String
    from reportlab.lib import colors

    outline = [(float(x), float(y)) for x, y in zone["outline_cm"]]
    xs, ys = [p[0] for p in outline], [p[1] for p in outline]
    w, h = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    k = min(MAP_HEIGHT_PT / h, MAP_WIDTH_PT / w)
    pad = 6.0

    def xy(x: float, y: float) -> tuple[float, float]:
        return pad + (x - min(xs)) * k, pad + (y - min(ys)) * k

    d = Drawing(w * k + 2 * pad, h * k + 2 * pad + 12)
    flat = [c for p in outline for c in xy(*p)]
    d.add(Polygon(flat, fillColor=colors.Color(0.93, 0.95, 0.98), strokeColor=colors.black))
    r = max(min(float(zone.get("spacing_cm") or 1.0) * k * 0.25, 3.5), 0.8)
    for p in points:
        x, y = xy(float(p["x_cm"]), float(p["y_cm"]))
        status = str(p.get("status", "planned"))
        c = colors.Color(*STATUS_RGB.get(status, STATUS_RGB["planned"]))
        if status == "skipped":
            d.add(Line(x - r, y - r, x + r, y + r, strokeColor=c, strokeWidth=1))
            d.add(Line(x - r, y + r, x + r, y - r, strokeColor=c, strokeWidth=1))
        elif status in ("moved", "added"):
            d.add(Circle(x, y, r, fillColor=colors.white, strokeColor=c, strokeWidth=1))
        else:
            d.add(Circle(x, y, r, fillColor=c, strokeColor=None))
    title = f"{zone.get('title') or zone['zone']} · {len(points)} points"
    d.add(String(pad, h * k + 2 * pad + 2, title, fontName="Helvetica", fontSize=7.5))
    return d


def _maps(plan: Mapping[str, Any], statuses: Mapping[str, Mapping[str, Any]] | None) -> Any:
    from reportlab.platypus import Table

    cells = []
    for z in plan.get("zones", []):
        pts: list[Mapping[str, Any]] = [
            {**p, **(statuses or {}).get(p["id"], {})} for p in z.get("points", [])
        ]
        pts += [
            r
            for r in (statuses or {}).values()
            if r.get("status") == "added" and str(r["id"]).split(":", 1)[0] == z["zone"]
        ]
        cells.append(zone_drawing(z, pts))
    rows = [cells[i : i + 3] for i in range(0, len(cells), 3)] or [[""]]
    return Table(rows, hAlign="LEFT")


def course_plan_pdf(
    header: DocumentHeader, plan: Mapping[str, Any], schedule: Mapping[str, Any]
) -> bytes:
    """The course plan: protocol, zones with their choices, maps and the dated sessions."""
    from reportlab.platypus import Paragraph, Spacer

    s = _styles()
    proto = plan.get("protocol", {})
    totals = plan.get("totals", {})
    story: list[Any] = [
        Paragraph(header.title, s["Title"]),
        Paragraph(
            f"Protocol {proto.get('title', '')} ({proto.get('id')}@{proto.get('version')}); "
            f"{totals.get('point_count')} points, {totals.get('volume_ml')} mL a session.",
            s["Normal"],
        ),
        Spacer(0, 6),
        _table(
            [["Zone", "Points", "Spacing (cm)", "Depth (mm)", "Layer", "Volume (mL)"]]
            + [
                [
                    z["zone"],
                    z["point_count"],
                    z["spacing_cm"],
                    z["depth_mm"],
                    z.get("layer", ""),
                    z["volume_ml"],
                ]
                for z in plan.get("zones", [])
            ]
        ),
        Spacer(0, 8),
        Paragraph("Injection map", s["Heading2"]),
        _maps(plan, None),
        Paragraph("Calendar", s["Heading2"]),
        _table(
            [["Session", "Phase", "Date and time", "Window"]]
            + [
                [
                    x["number"],
                    x["phase"],
                    x["start"].replace("T", " ")[:16],
                    f"{x['window_start']} to {x['window_end']}",
                ]
                for x in schedule.get("sessions", [])
            ]
        ),
    ]
    for w in plan.get("warnings", []):
        story.append(Paragraph(f"Warning: {w['message']}", s["Normal"]))
    return _build(header, story)


def session_record_pdf(
    header: DocumentHeader,
    plan: Mapping[str, Any],
    points: Sequence[Mapping[str, Any]],
    session: Mapping[str, Any],
) -> bytes:
    """A session as charted: totals, the map with each point's status, every product with
    its lot, expiry and vial, anaesthetic, signature and addenda."""
    from reportlab.platypus import Paragraph, Spacer

    s = _styles()
    totals = session.get("points", {})
    signed = session.get("signed_at")
    sig = (
        f"Signed by {session.get('signed_by')} at {signed}; signature {session.get('signature')}"
        if signed
        else "NOT SIGNED: a draft, not a record."
    )
    story: list[Any] = [
        Paragraph(header.title, s["Title"]),
        Paragraph(
            f"Session {session.get('number')} performed {session.get('performed_at')} by "
            f"{session.get('practitioner')}.",
            s["Normal"],
        ),
        Paragraph(
            f"Points: {totals.get('done')} done, {totals.get('moved')} moved, "
            f"{totals.get('skipped')} skipped, {totals.get('added')} added of "
            f"{totals.get('planned')} planned; {totals.get('delivered_volume_ml')} of "
            f"{totals.get('planned_volume_ml')} mL.",
            s["Normal"],
        ),
        Spacer(0, 6),
        _maps(plan, {str(p["id"]): p for p in points}),
        Paragraph("Products", s["Heading2"]),
        _table(
            [["Product", "Provides", "Lot", "Expiry", "Vial", "Volume (mL)"]]
            + [
                [
                    u["product"],
                    u.get("provides") or u.get("role", ""),
                    u["lot_number"],
                    u["expiry_date"],
                    u.get("vial") or "",
                    u["volume_ml"],
                ]
                for u in session.get("uses", [])
            ]
        ),
    ]
    an = session.get("anaesthetic")
    if an:
        story.append(
            Paragraph(
                f"Anaesthetic: {an['name']}, {an['amount_g']} g at {an['applied_at']}.", s["Normal"]
            )
        )
    if session.get("notes"):
        story.append(Paragraph(f"Notes: {session['notes']}", s["Normal"]))
    story += [Spacer(0, 6), Paragraph(sig, s["Heading3"])]
    for a in session.get("addenda", []):
        story.append(
            Paragraph(f"Addendum by {a['signed_by']} at {a['signed_at']}: {a['text']}", s["Normal"])
        )
    return _build(header, story)


def consent_sheet_pdf(header: DocumentHeader, protocol: Protocol) -> bytes:
    """The patient's information and consent sheet, from the protocol's
    ``patient_information`` and expected reactions."""
    from reportlab.platypus import Paragraph, Spacer

    s = _styles()
    info = protocol.patient_information
    story: list[Any] = [
        Paragraph(f"{protocol.title}: information and consent", s["Title"]),
        Paragraph("Who it is for", s["Heading2"]),
        Paragraph(info.for_whom, s["Normal"]),
        Paragraph("What to expect", s["Heading2"]),
        Paragraph(info.what_to_expect, s["Normal"]),
        Paragraph("Reactions and how long they last", s["Heading2"]),
    ]
    for r in protocol.expected_reactions:
        cond = f" (when the mix holds {', '.join(r.condition.mix_contains)})" if r.condition else ""
        story.append(
            Paragraph(
                f"• {r.kind.capitalize()}: usually {_duration(r.usual_duration_min)}, "
                f"at most {_duration(r.max_duration_min)}{cond}. Tell us if it lasts longer.",
                s["Normal"],
            )
        )
    if info.limits:
        story.append(Paragraph("Its limits", s["Heading2"]))
        story += [Paragraph(f"• {limit}", s["Normal"]) for limit in info.limits]
    if info.maintenance:
        story += [
            Paragraph("Why maintenance matters", s["Heading2"]),
            Paragraph(info.maintenance, s["Normal"]),
        ]
    story += [
        Spacer(0, 18),
        Paragraph("Consent", s["Heading2"]),
        Paragraph(
            "I have read this sheet, asked my questions and had them answered. I agree to the "
            "treatment described.",
            s["Normal"],
        ),
        Spacer(0, 28),
        Paragraph("Patient's signature: ______________________   Date: ____________", s["Normal"]),
        Spacer(0, 20),
        Paragraph("Practitioner's signature: _________________   Date: ____________", s["Normal"]),
    ]
    return _build(header, story)


def _duration(minutes: float) -> str:
    if minutes >= 1440:
        days = minutes / 1440
        return f"{days:g} day{'s' if days != 1 else ''}"
    if minutes >= 60:
        hours = minutes / 60
        return f"{hours:g} hour{'s' if hours != 1 else ''}"
    return f"{minutes:g} minutes"
