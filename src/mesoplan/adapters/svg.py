"""Injection maps and zones as real-size SVG charts.

The SVG's user unit is the centimetre (``width="…cm"`` with a matching viewBox), so a
printed chart is real size. Each zone gets a panel in its own frame (y up), with a 1 cm
grid, a 5 cm scale bar, the frame's origin, the outline, exclusions (with their margins,
dashed), the zone's guide lines and landmarks, and the treatment patch; points are
circles sized by volume and coloured by depth on a fixed scale (the same colour means
the same depth on every chart). Overview charts (body, face, scalp) place the zones'
outlines on one picture, each zone a labelled link.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

import numpy as np

from ..domain.anatomy import Exclusion, Zone
from ..domain.mapping import touching
from ..domain.plan_model import Plan, ZonePlan
from ..domain.shapes import Point, Shape
from ..domain.zone_overview import OverviewChart, PlacedZone, place_zones

MARGIN = 1.5
TITLE_BAND = 2.6
PANEL_TITLE = 1.6
MIN_PANEL_WIDTH = 14.0
LEGEND_WIDTH = 8.0
FONT = "font-family='DejaVu Sans, Arial, sans-serif'"
TITLE_POINTS_MAX = 3000
"""Points get a hover title (id, depth, volume) up to this many per zone."""

DEPTH_STOPS: tuple[tuple[float, str], ...] = (
    (0.1, "#fde725"),
    (0.3, "#7ad151"),
    (0.6, "#22a884"),
    (1.2, "#2a788e"),
    (2.4, "#414487"),
    (4.8, "#440154"),
)
"""Depth colours (mm, viridis), interpolated on a log scale; fixed for every chart."""


def depth_colour(depth_mm: float) -> str:
    d = min(max(depth_mm, DEPTH_STOPS[0][0]), DEPTH_STOPS[-1][0])
    for (d0, c0), (d1, c1) in itertools.pairwise(DEPTH_STOPS):
        if d <= d1:
            t = (math.log(d) - math.log(d0)) / (math.log(d1) - math.log(d0))
            rgb = [
                round(int(c0[i : i + 2], 16) * (1 - t) + int(c1[i : i + 2], 16) * t)
                for i in (1, 3, 5)
            ]
            return "#" + "".join(f"{v:02x}" for v in rgb)
    return DEPTH_STOPS[-1][1]


def _f(v: float) -> str:
    return f"{v:.3f}".rstrip("0").rstrip(".") if v else "0"


@dataclass(frozen=True)
class _Panel:
    """Where a zone's frame lands on the sheet: sheet = (x - x0 + ox, y0 - y + oy)."""

    x0: float
    y0: float
    ox: float
    oy: float
    width: float
    height: float

    def xy(self, x: float, y: float) -> tuple[float, float]:
        return x - self.x0 + self.ox, self.y0 - y + self.oy

    def ring(self, points: Sequence[Point]) -> str:
        return " ".join(f"{_f(a)},{_f(b)}" for a, b in (self.xy(x, y) for x, y in points))


def _bounds(zone: Zone) -> tuple[float, float, float, float]:
    """The outline's bounding box (and the origin), widened to whole centimetres and to
    the minimum panel width."""
    xs = [p[0] for p in zone.outline_cm] + [0.0]
    ys = [p[1] for p in zone.outline_cm] + [0.0]
    xmin, xmax = math.floor(min(xs)), math.ceil(max(xs))
    grow = max(0, math.ceil((MIN_PANEL_WIDTH - 2 * MARGIN - (xmax - xmin)) / 2))
    return xmin - grow, math.floor(min(ys)), xmax + grow, math.ceil(max(ys))


def _layout(zones: Sequence[Zone], top: float) -> list[_Panel]:
    panels: list[_Panel] = []
    ox = 0.0
    for z in zones:
        xmin, ymin, xmax, ymax = _bounds(z)
        w, h = xmax - xmin + 2 * MARGIN, ymax - ymin + 2 * MARGIN + PANEL_TITLE + 1.6
        panels.append(_Panel(xmin, ymax, ox + MARGIN, top + PANEL_TITLE + MARGIN, w, h))
        ox += w
    return panels


def _inner(p: _Panel) -> tuple[float, float]:
    """Width and height of the charted area (whole centimetres)."""
    return p.width - 2 * MARGIN, p.height - 2 * MARGIN - PANEL_TITLE - 1.6


def _text(x: float, y: float, text: str, size: float = 0.45, extra: str = "") -> str:
    return (
        f"<text x='{_f(x)}' y='{_f(y)}' font-size='{_f(size)}' {FONT}{extra}>{escape(text)}</text>"
    )


def _grid(p: _Panel) -> list[str]:
    x0, y0 = p.x0, p.y0
    w, h = _inner(p)
    out = ["<g class='grid' stroke='#d8d8d8' stroke-width='0.015'>"]
    for i in range(round(w) + 1):
        sx, top = p.xy(x0 + i, y0)
        wide = " stroke='#b0b0b0' stroke-width='0.03'" if (x0 + i) % 5 == 0 else ""
        out.append(f"<line x1='{_f(sx)}' y1='{_f(top)}' x2='{_f(sx)}' y2='{_f(top + h)}'{wide}/>")
    for j in range(round(h) + 1):
        left, sy = p.xy(x0, y0 - j)
        wide = " stroke='#b0b0b0' stroke-width='0.03'" if (y0 - j) % 5 == 0 else ""
        out.append(f"<line x1='{_f(left)}' y1='{_f(sy)}' x2='{_f(left + w)}' y2='{_f(sy)}'{wide}/>")
    out.append("</g>")
    return out


def _sides(p: _Panel, zone: Zone) -> list[str]:
    """What lies beyond each edge of the chart, in grey, for orientation."""
    if zone.frame.sides is None:
        return []
    top, right, bottom, left = zone.frame.sides
    w, h = _inner(p)
    grey = " fill='#757575' text-anchor='middle'"
    out = [
        _text(p.ox + w / 2, p.oy - 0.25, f"↑ {top}", 0.4, grey) if top else "",
        _text(p.ox + w / 2, p.oy + h + 0.55, f"↓ {bottom}", 0.4, grey) if bottom else "",
    ]
    for x, label, angle in ((p.ox + w + 0.5, right, 90), (p.ox - 0.5, left, -90)):
        if label:
            y = p.oy + h / 2
            rot = f" transform='rotate({angle} {_f(x)} {_f(y)})'"
            out.append(_text(x, y, label, 0.4, grey + rot))
    return [line for line in out if line]


def _scale_bar(p: _Panel, zone: Zone) -> list[str]:
    x = p.ox
    y = p.oy + _inner(p)[1] + 0.9
    return [
        f"<g class='scale-bar'><rect x='{_f(x)}' y='{_f(y)}' width='5' height='0.18' fill='#222'/>",
        f"<rect x='{_f(x + 1)}' y='{_f(y)}' width='1' height='0.18' fill='#fff'/>",
        f"<rect x='{_f(x + 3)}' y='{_f(y)}' width='1' height='0.18' fill='#fff'/>",
        _text(x + 5.3, y + 0.2, "5 cm", 0.4) + "</g>",
        _text(x, y + 0.75, f"+ origin: {zone.frame.origin}", 0.32, " fill='#c62828'"),
    ]


def _exclusion(p: _Panel, e: Exclusion, spacing_cm: float | None) -> list[str]:
    out = [
        f"<polygon class='exclusion' points='{p.ring(e.shape.ring())}' "
        "fill='#bdbdbd' fill-opacity='0.7' stroke='#616161' stroke-width='0.03'>"
        f"<title>{escape(e.name)}</title></polygon>"
    ]
    margin = None if spacing_cm is None else e.margin_for(spacing_cm)
    if margin:
        ring = e.shape.geometry().buffer(margin).exterior.coords
        out.append(
            f"<polygon class='exclusion-margin' points='{p.ring(list(ring))}' fill='none' "
            "stroke='#616161' stroke-width='0.02' stroke-dasharray='0.15,0.1'/>"
        )
    return out


def _guides(p: _Panel, zone: Zone, labels: bool) -> list[str]:
    """The zone's guide lines (dashed) and landmarks (dots; named when ``labels``)."""
    out = [
        f"<polyline class='guide' points='{p.ring(g.points_cm)}' fill='none' stroke='#8d6e63' "
        f"stroke-width='0.03' stroke-dasharray='0.25,0.15'><title>{escape(g.name)}</title>"
        "</polyline>"
        for g in zone.lines
    ]
    if not zone.landmarks:
        return out
    out.append("<g class='landmarks' fill='#1565c0'>")
    for m in zone.landmarks:
        x, y = p.xy(m.x_cm, m.y_cm)
        out.append(
            f"<circle class='landmark' data-name={quoteattr(m.name)} cx='{_f(x)}' cy='{_f(y)}' "
            f"r='0.12'><title>{escape(m.name)}</title></circle>"
        )
        if labels:  # named towards the middle of the chart, so a name stays on it
            right = m.x_cm > (p.x0 + p.x0 + _inner(p)[0]) / 2
            anchor = " text-anchor='end'" if right else ""
            out.append(_text(x + (-0.2 if right else 0.2), y - 0.15, m.name, 0.3,
                             " fill='#0d47a1'" + anchor))  # fmt: skip
    out.append("</g>")
    return out


def _zone_panel(p: _Panel, zone: Zone, exclusions: Sequence[Exclusion], spacing: float | None,
                patch: Shape | None, caption: str, labels: bool = False) -> list[str]:  # fmt: skip
    out = [f"<g class='zone' data-zone={quoteattr(zone.id)} data-version='{zone.version}'>"]
    left, top = p.ox - MARGIN + 0.3, p.oy - MARGIN - PANEL_TITLE + 0.45
    out.append(_text(left, top, zone.title, 0.48, " font-weight='bold'"))
    out.append(_text(left, top + 0.6, caption, 0.36))
    out += _grid(p)
    out += _sides(p, zone)
    out.append(
        f"<polygon class='outline' points='{p.ring(zone.outline_cm)}' fill='#fbeee6' "
        "stroke='#5d4037' stroke-width='0.06'/>"
    )
    if patch is not None:
        out.append(
            f"<polygon class='patch' points='{p.ring(patch.ring())}' fill='#fff59d' "
            "fill-opacity='0.5' stroke='#f9a825' stroke-width='0.04' stroke-dasharray='0.3,0.15'/>"
        )
    for e in exclusions:
        out += _exclusion(p, e, spacing)
    out += _guides(p, zone, labels)
    ox, oy = p.xy(0.0, 0.0)
    out.append(
        f"<g class='origin' stroke='#c62828' stroke-width='0.04'><line x1='{_f(ox - 0.4)}' "
        f"y1='{_f(oy)}' x2='{_f(ox + 0.4)}' y2='{_f(oy)}'/><line x1='{_f(ox)}' "
        f"y1='{_f(oy - 0.4)}' x2='{_f(ox)}' y2='{_f(oy + 0.4)}'/>"
        f"<title>origin: {escape(zone.frame.origin)}</title></g>"
    )
    return out + _scale_bar(p, zone)


def _points(p: _Panel, zp: ZonePlan, vmax: float, spacing: float) -> list[str]:
    m = zp.points
    sx = m.x_cm - p.x0 + p.ox
    sy = p.y0 - m.y_cm + p.oy
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.sqrt(np.where(vmax > 0, m.volume_ml / vmax, 1.0))
    radius = np.maximum(0.32 * spacing * rel, 0.02)
    titles = len(m) <= TITLE_POINTS_MAX
    out = [
        f"<g class='points' data-zone={quoteattr(zp.zone.id)} stroke='#ffffff' stroke-width='0.01'>"
    ]
    colour = {float(d): depth_colour(float(d)) for d in np.unique(m.depth_mm)}
    for i in range(len(m)):
        d, v = float(m.depth_mm[i]), float(m.volume_ml[i])
        tip = f"<title>{zp.zone.id}:{i} {d:g} mm {v:.6f} mL</title>" if titles else ""
        out.append(
            f"<circle class='point' data-id='{zp.zone.id}:{i}' cx='{sx[i]:.3f}' cy='{sy[i]:.3f}' "
            f"r='{radius[i]:.3f}' fill='{colour[d]}'>{tip}</circle>"
        )
    out.append("</g>")
    return out


def _legend(x: float, y: float, plan: Plan, vmax: float, spacing: float) -> list[str]:
    out = ["<g class='legend'>", _text(x, y, "Depth (mm)", 0.5, " font-weight='bold'")]
    ticks = (0.2, 0.5, 1.0, 2.0, 4.0)
    for i, d in enumerate(ticks):
        out.append(
            f"<rect x='{_f(x + i * 1.3)}' y='{_f(y + 0.3)}' width='1.3' height='0.5' "
            f"fill='{depth_colour(d)}'/>"
        )
        out.append(_text(x + i * 1.3 + 0.2, y + 1.3, f"{d:g}", 0.35))
    depths = sorted({z.depth_mm for z in plan.zones})
    out.append(_text(x, y + 2.0, "planned: " + ", ".join(f"{d:g} mm" for d in depths), 0.38))
    y += 2.9
    out.append(_text(x, y, "Volume per point", 0.5, " font-weight='bold'"))
    for i, frac in enumerate((1.0, 0.25)):
        r = max(0.32 * spacing * math.sqrt(frac), 0.02)
        out.append(
            f"<circle cx='{_f(x + 0.6)}' cy='{_f(y + 0.8 + i * 1.0)}' r='{_f(r)}' fill='#777'/>"
        )
        out.append(_text(x + 1.4, y + 0.95 + i * 1.0, f"{vmax * frac:.4f} mL", 0.38))
    y += 2.9
    items = [
        ("#fbeee6", "zone outline"),
        ("#bdbdbd", "excluded (dashed: margin)"),
        ("#fff59d", "treatment patch"),
    ]
    for i, (fill, label) in enumerate(items):
        out.append(
            f"<rect x='{_f(x)}' y='{_f(y + i * 0.7)}' width='0.5' height='0.5' fill='{fill}' "
            "stroke='#555' stroke-width='0.02'/>"
        )
        out.append(_text(x + 0.8, y + i * 0.7 + 0.42, label, 0.38))
    out.append(_text(x, y + 2.5, "+ origin of the zone's frame", 0.38, " fill='#c62828'"))
    out.append(_text(x, y + 3.2, "grid: 1 cm (bold every 5 cm)", 0.38))
    out.append("</g>")
    return out


def _document(width: float, height: float, title: str, body: list[str]) -> str:
    head = (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{_f(width)}cm' height='{_f(height)}cm' "
        f"viewBox='0 0 {_f(width)} {_f(height)}'>\n<title>{escape(title)}</title>\n"
        f"<rect width='{_f(width)}' height='{_f(height)}' fill='#ffffff'/>\n"
    )
    return head + "\n".join(body) + "\n</svg>\n"


def plan_to_svg(plan: Plan) -> str:
    """The plan's injection map: one panel per zone, a legend, the protocol in the title."""
    title = f"{plan.protocol_id} {plan.protocol_version}: injection map ({plan.protocol_title})"
    panels = _layout([z.zone for z in plan.zones], TITLE_BAND)
    volumes = [float(z.points.volume_ml.max()) for z in plan.zones if z.point_count]
    vmax = max(volumes, default=0.0)
    spacing = min((z.spacing_cm for z in plan.zones), default=1.0)
    body = [
        _text(0.5, 1.0, title, 0.7, " font-weight='bold'"),
        _text(
            0.5,
            1.8,
            f"{plan.point_count} points, {plan.volume_ml:g} mL; {plan.pattern} lattice; "
            f"protocol hash {plan.protocol_hash[:19]}…; warnings: {len(plan.warnings)}",
            0.45,
        ),
    ]
    for p, zp in zip(panels, plan.zones, strict=True):
        dose = "" if zp.dose_per_point_ml is None else f"{zp.dose_per_point_ml:g} mL a point, "
        caption = (
            f"{zp.zone.id}: {zp.point_count} points {zp.spacing_cm:g} cm apart, "
            f"{zp.depth_mm:g} mm, {dose}{zp.volume_ml:.3g} mL in all"
        )
        body += _zone_panel(p, zp.zone, zp.exclusions, zp.spacing_cm, zp.patch, caption)
        body += _points(p, zp, vmax, spacing)
        body.append("</g>")
    width = sum(p.width for p in panels) + LEGEND_WIDTH
    height = max([p.height for p in panels] + [12.0]) + TITLE_BAND
    body += _legend(width - LEGEND_WIDTH + 0.3, TITLE_BAND + 1.0, plan, vmax, spacing)
    return _document(width, max(height, TITLE_BAND + 14.0), title, body)


def zone_to_svg(zone: Zone) -> str:
    """A zone's chart: outline, built-in exclusions, guide lines, named landmarks, frame
    origin, grid and scale bar."""
    title = f"zone {zone.ref}: {zone.title} ({zone.area_cm2:.0f} cm²)"
    panels = _layout([zone], TITLE_BAND + 1.2)
    p = panels[0]
    f = zone.frame
    body = [_text(0.5, 1.0, title, 0.6, " font-weight='bold'")]
    for i, line in enumerate((f"origin: {f.origin}", f"x: {f.x_axis}", f"y: {f.y_axis}")):
        body.append(_text(0.5, 1.7 + i * 0.5, line, 0.32))
    caption = f"{zone.id}, version {zone.version}: {zone.area_cm2:.0f} cm², group {zone.group}"
    excl = touching(zone.outline(), zone.exclusions, 0.0)
    body += _zone_panel(p, zone, excl, None, None, caption, labels=True)
    body.append("</g>")
    return _document(max(p.width, 24.0), p.height + TITLE_BAND + 1.2, title, body)


OVERVIEW_HEIGHT_PX = {"body-front": 540.0, "body-back": 540.0, "face": 300.0, "scalp": 300.0}
"""An overview chart's height on screen (its width follows), unless the caller sets it."""


def overview_to_svg(
    chart: OverviewChart,
    zones: Mapping[str, Zone],
    href_of: Callable[[str], str] | None = None,
    chosen: Collection[str] = (),
    height_px: float | None = None,
    beside: bool = False,
) -> str:
    """An overview chart (body front or back, face, scalp): the zones' outlines placed on
    it, each a labelled target (an ``<a>`` when ``href_of`` gives links); ``chosen``
    zones are filled. ``zones``: the zones to draw, by id, at the versions to draw.
    ``beside``: the chart stands beside controls that do the same (checkboxes), so it is
    hidden from assistive technology and its links are left out of the tab order."""
    placed = place_zones(chart, zones)
    every = [pt for z in placed for pt in z.outline] + list(chart.silhouette or ())
    xs, ys = [p[0] for p in every], [p[1] for p in every]
    pad = 0.04 * (max(ys) - min(ys))
    x0, y1 = min(xs) - pad, max(ys) + pad
    w, h = max(xs) - min(xs) + 2 * pad, max(ys) - min(ys) + 2 * pad
    font = round(h / 55, 3)
    height = height_px or OVERVIEW_HEIGHT_PX.get(chart.id, 300.0)

    def ring(points: Sequence[Point]) -> str:
        return " ".join(f"{_f(x - x0)},{_f(y1 - y)}" for x, y in points)

    role = "aria-hidden='true'" if beside else f"role='group' aria-label={quoteattr(chart.title)}"
    body = [
        "<svg xmlns='http://www.w3.org/2000/svg' class='overview' "
        f"data-chart={quoteattr(chart.id)} "
        f"{role} width='{_f(height * w / h)}' "
        f"height='{_f(height)}' viewBox='0 0 {_f(w)} {_f(h)}'>",
        f"<title>{escape(chart.title)}</title>",
    ]
    if chart.silhouette:
        body.append(
            f"<polygon class='silhouette' points='{ring(chart.silhouette)}' fill='#f3ebe4' "
            f"stroke='#a1887f' stroke-width='{_f(font * 0.08)}'/>"
        )
    for z in placed:
        on = z.zone.id in chosen
        fill = "#9cc0e8" if on else "#fbeee6"
        shape = (
            f"<polygon class='overview-zone{' on' if on else ''}' data-zone={quoteattr(z.zone.id)} "
            f"data-version='{z.zone.version}' points='{ring(z.outline)}' fill='{fill}' "
            f"stroke='#5d4037' stroke-width='{_f(font * (0.12 if on else 0.07))}'/>"
        )
        lx, ly = z.label_at
        zx, zy = [p[0] for p in z.outline], [p[1] for p in z.outline]
        upright = max(zy) - min(zy) > 3.5 * (max(zx) - min(zx))  # a narrow strip: turned
        turn = f" transform='rotate(-90 {_f(lx - x0)} {_f(y1 - ly)})'" if upright else ""
        label = _text(lx - x0, y1 - ly + font * 0.35, z.label, font, " text-anchor='middle'" + turn)
        name = f"{z.zone.title}{' (chosen)' if on else ''}"
        inner = f"<title>{escape(name)}</title>{shape}{label}"
        if href_of is None:
            body.append(f"<g class='overview-target'>{inner}</g>")
        else:
            named = "tabindex='-1'" if beside else f"aria-label={quoteattr(name)}"
            body.append(
                f"<a class='overview-target' href={quoteattr(href_of(z.zone.id))} "
                f"{named}>{inner}</a>"
            )
    body += _overview_exclusions(placed, ring, font)
    body.append("</svg>")
    return "\n".join(body)


def _overview_exclusions(
    placed: Sequence[PlacedZone], ring: Callable[[Sequence[Point]], str], font: float
) -> list[str]:
    """The zones' built-in exclusions (eyes, nose, lips, umbilicus), once each, on top."""
    out: list[str] = []
    seen: set[tuple[float, ...]] = set()
    for z in placed:
        for e in z.zone.exclusions:
            points = z.placement.place(e.shape.ring())
            key = tuple(round(v, 2) for p in points[:3] for v in p)
            if key in seen:
                continue
            seen.add(key)
            out.append(
                f"<polygon class='overview-exclusion' points='{ring(points)}' fill='#bdbdbd' "
                f"stroke='#616161' stroke-width='{_f(font * 0.05)}' pointer-events='none'>"
                f"<title>{escape(e.name)}</title></polygon>"
            )
    return out
