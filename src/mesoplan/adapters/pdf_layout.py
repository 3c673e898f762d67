"""Page layout for the PDF documents: the header and footer on every page, tables, and
injection maps as vector drawings (reportlab). Every text is set through
:mod:`.pdf_text`, so stored text is shown and never read as markup."""

from __future__ import annotations

import io
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..domain.anatomy import Zone
from ..domain.zone_overview import OverviewChart, place_zones
from .pdf_text import markup, plain

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


@cache
def styles() -> Any:
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

    styles = getSampleStyleSheet()
    styles["Normal"].fontSize = 9.5
    styles["Normal"].leading = 12.5
    styles.add(ParagraphStyle("Cell", styles["Normal"], fontSize=8.5, leading=10.5))
    styles.add(ParagraphStyle("HeadCell", styles["Cell"], fontName="Helvetica-Bold"))
    styles.add(ParagraphStyle("Margin", styles["Normal"], fontSize=8, leading=9.5))
    styles.add(ParagraphStyle("MarginRight", styles["Margin"], alignment=TA_RIGHT))
    return styles


MARGIN_CM = 1.8
TABLE_WIDTH_PT = 480.0
"""Tables fill the text width of A4 within the margins (about 493 pt)."""


def _margin_text(canvas: Any, text: str, x: float, y: float, width: float, right: bool) -> None:
    """One line of the page's margin (it may wrap, never overflows the page)."""
    from reportlab.platypus import Paragraph

    p = Paragraph(markup(text), styles()["MarginRight" if right else "Margin"])
    _, height = p.wrapOn(canvas, width, 40)
    p.drawOn(canvas, x, y - height + 8)


def _decorate(header: DocumentHeader) -> Any:
    """What every page carries: clinic and title, patient, page number, reference."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm

    left, right, top, bottom = MARGIN_CM * cm, A4[0] - MARGIN_CM * cm, A4[1] - 1.2 * cm, cm
    half = (right - left) / 2

    def decorate(canvas: Any, document: Any) -> None:
        canvas.saveState()
        _margin_text(canvas, f"{header.clinic} · {header.title}", left, top, half, False)
        who = f"{header.patient} (born {header.birth_date})"
        _margin_text(canvas, who, left + half, top, half, True)
        _margin_text(canvas, f"page {document.page}", left + half, bottom, half, True)
        if header.reference:
            _margin_text(canvas, header.reference, left, bottom, half, False)
        canvas.restoreState()

    return decorate


def build(header: DocumentHeader, story: list[Any]) -> bytes:
    """The PDF bytes of ``story`` on A4 (invariant: no dates or random ids inside)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.platypus import SimpleDocTemplate

    buffer = io.BytesIO()
    margin = MARGIN_CM * cm
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=2.2 * cm,
        bottomMargin=margin,
        title=header.title,
        author=header.clinic,
        subject=header.reference,
        creator="mesoplan",
        invariant=True,
    )
    decorate = _decorate(header)
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()


def table(rows: Sequence[Sequence[Any]], widths: Sequence[float] | None = None) -> Any:
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    cells = [
        [Paragraph(markup(c), styles()["HeadCell" if i == 0 else "Cell"]) for c in r]
        for i, r in enumerate(rows)
    ]
    if widths is None and cells:
        widths = [TABLE_WIDTH_PT / len(cells[0])] * len(cells[0])
    t = Table(cells, colWidths=widths, repeatRows=1, hAlign="LEFT", splitInRow=1)
    t.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.92, 0.94)),
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return t


def _marker(d: Any, status: str, x: float, y: float, r: float) -> None:
    from reportlab.graphics.shapes import Circle, Line
    from reportlab.lib import colors

    c = colors.Color(*STATUS_RGB.get(status, STATUS_RGB["planned"]))
    if status == "skipped":
        d.add(Line(x - r, y - r, x + r, y + r, strokeColor=c, strokeWidth=1))
        d.add(Line(x - r, y + r, x + r, y - r, strokeColor=c, strokeWidth=1))
    elif status in ("moved", "added"):
        d.add(Circle(x, y, r, fillColor=colors.white, strokeColor=c, strokeWidth=1))
    else:
        d.add(Circle(x, y, r, fillColor=c, strokeColor=None))


def zone_drawing(zone: Mapping[str, Any], points: Sequence[Mapping[str, Any]]) -> Any:
    """One zone's map as a reportlab Drawing (y up, as the zone's frame)."""
    from reportlab.graphics.shapes import Drawing, Polygon, String
    from reportlab.lib import colors

    outline = [(float(x), float(y)) for x, y in zone["outline_cm"]]
    x0, y0 = min(p[0] for p in outline), min(p[1] for p in outline)
    w = (max(p[0] for p in outline) - x0) or 1.0
    h = (max(p[1] for p in outline) - y0) or 1.0
    k, pad = min(MAP_HEIGHT_PT / h, MAP_WIDTH_PT / w), 6.0
    d = Drawing(w * k + 2 * pad, h * k + 2 * pad + 12)
    flat = [c for x, y in outline for c in (pad + (x - x0) * k, pad + (y - y0) * k)]
    d.add(Polygon(flat, fillColor=colors.Color(0.93, 0.95, 0.98), strokeColor=colors.black))
    r = max(min(float(zone.get("spacing_cm") or 1.0) * k * 0.25, 3.5), 0.8)
    for p in points:
        x, y = pad + (float(p["x_cm"]) - x0) * k, pad + (float(p["y_cm"]) - y0) * k
        _marker(d, str(p.get("status", "planned")), x, y, r)
    title = plain(f"{zone.get('title') or zone['zone']} · {len(points)} points")
    d.add(String(pad, h * k + 2 * pad + 2, title, fontName="Helvetica", fontSize=7.5))
    return d


def maps(plan: Mapping[str, Any], statuses: Mapping[str, Mapping[str, Any]] | None) -> Any:
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


OVERVIEW_HEIGHT_PT = 200.0


def overview_drawing(
    chart: OverviewChart, zones: Mapping[str, Zone], chosen: Collection[str]
) -> Any:
    """An overview chart as a reportlab Drawing: the silhouette, the zones placed on it
    (``chosen`` ones filled) and their labels."""
    from reportlab.graphics.shapes import Drawing, Polygon, String
    from reportlab.lib import colors

    placed = place_zones(chart, zones)
    every = [p for z in placed for p in z.outline] + list(chart.silhouette or ())
    x0, y0 = min(p[0] for p in every), min(p[1] for p in every)
    w = (max(p[0] for p in every) - x0) or 1.0
    h = (max(p[1] for p in every) - y0) or 1.0
    k, pad = OVERVIEW_HEIGHT_PT / h, 4.0
    d = Drawing(w * k + 2 * pad, h * k + 2 * pad + 12)

    def flat(points: Sequence[tuple[float, float]]) -> list[float]:
        return [c for x, y in points for c in (pad + (x - x0) * k, pad + (y - y0) * k)]

    if chart.silhouette:
        d.add(Polygon(flat(chart.silhouette), fillColor=colors.Color(0.95, 0.92, 0.89),
                      strokeColor=colors.Color(0.63, 0.53, 0.5), strokeWidth=0.5))  # fmt: skip
    for z in placed:
        on = z.zone.id in chosen
        fill = colors.Color(0.61, 0.75, 0.91) if on else colors.Color(0.98, 0.93, 0.9)
        d.add(Polygon(flat(z.outline), fillColor=fill, strokeColor=colors.Color(0.36, 0.25, 0.22),
                      strokeWidth=1.0 if on else 0.4))  # fmt: skip
    for z in placed:
        if z.zone.id in chosen:
            x, y = pad + (z.label_at[0] - x0) * k, pad + (z.label_at[1] - y0) * k
            d.add(String(x, y - 2, z.label, fontName="Helvetica", fontSize=6, textAnchor="middle"))
    d.add(String(pad, h * k + 2 * pad + 2, chart.title, fontName="Helvetica-Bold", fontSize=7.5))
    return d


def overviews(zones: Mapping[str, Zone]) -> Any:
    """The overview charts that show any of ``zones`` (the plan's, at their versions),
    side by side; the chart's other zones are drawn at the same catalogue version when
    they have it, for context."""
    from reportlab.platypus import Table

    from ..domain.anatomy import get_zone
    from ..domain.zone_catalogue import zone_versions
    from ..domain.zone_overview import overview_charts

    version = max((z.version for z in zones.values()), default=1)
    cells = []
    for chart in overview_charts().values():
        ids = chart.zone_ids()
        if not any(zid in zones for zid in ids):
            continue
        shown = {
            zid: zones.get(zid) or get_zone(zid, min(version, max(zone_versions(zid))))
            for zid in ids
        }
        cells.append(overview_drawing(chart, shown, set(zones)))
    return Table([cells], hAlign="LEFT") if cells else None
