"""Interactive injection-map charts for the pages: inline SVG built from a plan document.

One panel per zone, drawn in the zone's own frame (centimetres, y up) at a screen scale.
Each point can be a link (``href_of``) so that it is reachable with the keyboard and works
without JavaScript; the panel carries ``data-*`` attributes that let static/chart.js turn
a click into centimetres. Status colours are paired with shapes (a cross for skipped, a
ring for moved), so colour is never the only cue.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape, quoteattr

PANEL_HEIGHT_PX = 420.0
PANEL_WIDTH_PX = 300.0
PAD_PX = 14.0
LINK_LIMIT = 2500
"""Up to this many points per zone are focusable links (by default); beyond, the map is
a picture and points are changed through the forms beside it (or a click, with
static/chart.js)."""

STATUS_FILL = {
    "planned": "#1f5fa8",
    "done": "#1b7f3b",
    "skipped": "#b3261e",
    "moved": "#8a4b00",
    "added": "#5b2a86",
}


@dataclass(frozen=True)
class _Frame:
    min_x: float
    max_y: float
    scale: float
    width: float
    height: float

    def xy(self, x: float, y: float) -> tuple[float, float]:
        return (PAD_PX + (x - self.min_x) * self.scale, PAD_PX + (self.max_y - y) * self.scale)


def _frame(outline: Sequence[Sequence[float]]) -> _Frame:
    xs = [float(p[0]) for p in outline]
    ys = [float(p[1]) for p in outline]
    w, h = max(xs) - min(xs) or 1.0, max(ys) - min(ys) or 1.0
    scale = min(PANEL_HEIGHT_PX / h, PANEL_WIDTH_PX / w)
    return _Frame(min(xs), max(ys), scale, w * scale + 2 * PAD_PX, h * scale + 2 * PAD_PX)


def _n(v: float) -> str:
    return f"{v:.1f}"


def _path(f: _Frame, ring: Iterable[Sequence[float]]) -> str:
    pts = [f.xy(float(p[0]), float(p[1])) for p in ring]
    return "M" + " L".join(f"{_n(x)},{_n(y)}" for x, y in pts) + " Z"


def _exclusion(f: _Frame, e: Mapping[str, Any]) -> str:
    kind = e.get("kind")
    if kind == "polygon":
        return f'<path class="excl" d="{_path(f, e["points_cm"])}"/>'
    cx, cy = f.xy(float(e["cx_cm"]), float(e["cy_cm"]))
    rx = float(e.get("r_cm", e.get("rx_cm", 0.0))) * f.scale
    ry = float(e.get("r_cm", e.get("ry_cm", 0.0))) * f.scale
    margin = float(e.get("margin_cm") or 0.0) * f.scale
    return (
        f'<ellipse class="excl-margin" cx="{_n(cx)}" cy="{_n(cy)}" '
        f'rx="{_n(rx + margin)}" ry="{_n(ry + margin)}"/>'
        f'<ellipse class="excl" cx="{_n(cx)}" cy="{_n(cy)}" rx="{_n(rx)}" ry="{_n(ry)}"/>'
    )


def _marker(status: str, x: float, y: float, r: float) -> str:
    fill = STATUS_FILL.get(status, STATUS_FILL["planned"])
    if status == "skipped":
        d = r * 1.1
        return (
            f'<path class="pt-mark" stroke="{fill}" stroke-width="{_n(max(r / 2, 1.2))}" '
            f'd="M{_n(x - d)},{_n(y - d)} L{_n(x + d)},{_n(y + d)} '
            f'M{_n(x - d)},{_n(y + d)} L{_n(x + d)},{_n(y - d)}"/>'
        )
    if status in ("moved", "added"):
        return (
            f'<circle class="pt-mark" cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}" fill="#fff" '
            f'stroke="{fill}" stroke-width="{_n(max(r / 2, 1.2))}"/>'
        )
    return f'<circle class="pt-mark" cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}" fill="{fill}"/>'


def _point(
    f: _Frame,
    p: Mapping[str, Any],
    r: float,
    href_of: Callable[[str], str] | None,
    label_of: Callable[[Mapping[str, Any]], str],
) -> str:
    x, y = f.xy(float(p["x_cm"]), float(p["y_cm"]))
    status = str(p.get("status", "planned"))
    mark = _marker(status, x, y, r)
    label = label_of(p)
    if href_of is None:
        return f"<g><title>{escape(label)}</title>{mark}</g>"
    hit = f'<circle class="pt-hit" cx="{_n(x)}" cy="{_n(y)}" r="{_n(max(r * 1.5, 6))}"/>'
    return (
        f'<a class="pt" href={quoteattr(href_of(str(p["id"])))} aria-label={quoteattr(label)} '
        f"data-point={quoteattr(str(p['id']))}>{hit}{mark}</a>"
    )


def default_label(p: Mapping[str, Any]) -> str:
    status = p.get("status")
    where = f"x {float(p['x_cm']):.1f} cm, y {float(p['y_cm']):.1f} cm"
    depth = p.get("depth_mm")
    extra = f", {float(depth):g} mm deep" if depth is not None else ""
    return f"Point {p['id']}{': ' + str(status) if status else ''} ({where}{extra})"


def zone_panel(
    zone: Mapping[str, Any],
    points: Sequence[Mapping[str, Any]],
    href_of: Callable[[str], str] | None = None,
    label_of: Callable[[Mapping[str, Any]], str] = default_label,
    link_limit: int = LINK_LIMIT,
) -> str:
    """One zone as an ``<svg>`` panel: outline, exclusions, points."""
    f = _frame(zone["outline_cm"])
    spacing = float(zone.get("spacing_cm") or 1.0)
    r = max(min(spacing * f.scale * 0.28, 7.0), 1.6)
    links = href_of if len(points) <= link_limit else None
    title = str(zone.get("title") or zone["zone"])
    body = [
        f'<path class="zone-outline" d="{_path(f, zone["outline_cm"])}"/>',
        *(_exclusion(f, e) for e in zone.get("exclusions", [])),
        *(_point(f, p, r, links, label_of) for p in points),
    ]
    data = (
        f'data-zone={quoteattr(str(zone["zone"]))} data-min-x="{f.min_x:.4f}" '
        f'data-max-y="{f.max_y:.4f}" data-scale="{f.scale:.4f}" data-pad="{PAD_PX}"'
    )
    return (
        f'<figure class="panel"><svg class="chart" role="group" '
        f"aria-label={quoteattr(f'{title}: {len(points)} points')} "
        f'width="{_n(f.width)}" height="{_n(f.height)}" '
        f'viewBox="0 0 {_n(f.width)} {_n(f.height)}" {data}>'
        + "".join(body)
        + f"</svg><figcaption>{escape(title)} · {len(points)} points</figcaption></figure>"
    )


def plan_panels(
    plan: Mapping[str, Any],
    statuses: Mapping[str, Mapping[str, Any]] | None = None,
    href_of: Callable[[str], str] | None = None,
    link_limit: int = LINK_LIMIT,
) -> str:
    """Every zone of a plan document; ``statuses`` overrides points by id (charting)."""
    out = []
    added: dict[str, list[Mapping[str, Any]]] = {}
    for row in (statuses or {}).values():
        if row.get("status") == "added":
            zone = str(row["id"]).split(":", 1)[0]
            added.setdefault(zone, []).append(row)
    for z in plan.get("zones", []):
        pts: list[Mapping[str, Any]] = [
            {**p, **(statuses or {}).get(p["id"], {})} for p in z.get("points", [])
        ]
        pts += added.get(str(z["zone"]), [])
        out.append(zone_panel(z, pts, href_of, link_limit=link_limit))
    return '<div class="panels">' + "".join(out) + "</div>"
