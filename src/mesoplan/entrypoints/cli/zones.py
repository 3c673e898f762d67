"""``mesoplan zones``: the zone catalogue (outlines in cm, frames, measurements, codes)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from .common import ListFormat, print_json, user_errors

if TYPE_CHECKING:
    from ...domain.anatomy import Zone

zones_app = typer.Typer(
    help="The zone catalogue: outlines in cm on real-size charts, scaled by measurements.",
    no_args_is_help=True,
)


class ZoneFormat(StrEnum):
    text = "text"
    json = "json"
    svg = "svg"


def zone_dict(zone: Zone) -> dict[str, Any]:
    site = zone.body_site
    return {
        "zone": zone.id,
        "version": zone.version,
        "versions": versions_of(zone),
        "title": zone.title,
        "group": zone.group,
        "laterality": zone.laterality,
        "area_cm2": round(zone.area_cm2, 2),
        "scaled_by": {"x": zone.scale_x, "y": zone.scale_y},
        "scale": [round(zone.scale[0], 6), round(zone.scale[1], 6)],
        "frame": {
            "id": zone.frame.id,
            "origin": zone.frame.origin,
            "x_axis": zone.frame.x_axis,
            "y_axis": zone.frame.y_axis,
        },
        "skin_site": zone.skin_site,
        "body_site": None
        if site is None
        else {"system": site.system, "code": site.code, "display": site.display},
        "outline_cm": [[round(x, 3), round(y, 3)] for x, y in zone.outline_cm],
        "exclusions": [{"name": e.name, **e.shape.to_dict()} for e in zone.exclusions if e.builtin],
        "landmarks": [
            {"name": m.name, "x_cm": round(m.x_cm, 3), "y_cm": round(m.y_cm, 3)}
            for m in zone.landmarks
        ],
        "lines": [
            {"name": g.name, "points_cm": [[round(x, 3), round(y, 3)] for x, y in g.points_cm]}
            for g in zone.lines
        ],
    }


def versions_of(zone: Zone) -> list[int]:
    from ...domain.zone_catalogue import zone_versions

    return list(zone_versions(zone.id)) or [zone.version]


@zones_app.command("list")
def list_zones(
    fmt: ListFormat = typer.Option(ListFormat.text, "--format", help="text or json"),
) -> None:
    """List every built-in zone at its newest version with its group, reference area and
    SNOMED CT code."""
    from ...domain.anatomy import zone_catalogue

    zones = list(zone_catalogue().values())
    if fmt is ListFormat.json:
        print_json([zone_dict(z) for z in zones])
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("zone", "version", "group", "area cm²", "scales by", "SNOMED CT", "title")
    for z in zones:
        code = z.body_site.code if z.body_site else ""
        table.add_row(z.id, str(z.version), z.group, f"{z.area_cm2:.0f}",
                      ", ".join(z.measurements), code, z.title)  # fmt: skip
    Console().print(table)


@zones_app.command("show")
def show_zone(
    zone_id: str = typer.Argument(
        ..., metavar="ZONE", help="A zone id, or ZONE@VERSION for an earlier outline."
    ),
    measure: list[str] | None = typer.Option(
        None, "--measure", metavar="NAME=VALUE", help="A patient measurement in cm."
    ),
    fmt: ZoneFormat = typer.Option(ZoneFormat.text, "--format", help="text, json or svg"),
    output: Path | None = typer.Option(None, "--output", "-o", metavar="FILE", help="Write here."),
) -> None:
    """Show one zone (its newest version, or ZONE@VERSION) at reference size or scaled to
    the patient's measurements: outline, exclusions, landmarks and guide lines."""
    from ...domain.anatomy import check_measurements, get_zone
    from . import plan_args
    from .plan import write

    with user_errors():
        given = check_measurements(plan_args.name_values(measure or [], "--measure", "NAME"))
        zone = get_zone(zone_id).scaled_to(given)
    if fmt is ZoneFormat.json:
        from ...adapters.plan_output import dumps

        write(dumps(zone_dict(zone)), output)
    elif fmt is ZoneFormat.svg:
        from ...adapters.svg import zone_to_svg

        write(zone_to_svg(zone), output)
    else:
        write("\n".join(_text(zone)) + "\n", output)


def _text(zone: Zone) -> list[str]:
    f = zone.frame
    code = f"{zone.body_site.code} ({zone.body_site.display})" if zone.body_site else "none"
    lines = [
        f"{zone.id}: {zone.title} (group {zone.group})",
        f"  version: {zone.version} (versions: {', '.join(map(str, versions_of(zone)))})",
        f"  area: {zone.area_cm2:.1f} cm² (scale x {zone.scale[0]:.3f}, y {zone.scale[1]:.3f})",
        f"  scales by: x {zone.scale_x or '-'}, y {zone.scale_y or '-'}",
        f"  frame origin: {f.origin}",
        f"  x: {f.x_axis}",
        f"  y: {f.y_axis}",
        f"  SNOMED CT body site: {code}",
        f"  skin table: {zone.skin_site}",
        "  built-in exclusions: " + (", ".join(e.name for e in zone.exclusions) or "none"),
        f"  landmarks ({len(zone.landmarks)}, x cm, y cm):"
        if zone.landmarks
        else "  landmarks: none",
    ]
    lines += [f"    {m.name}: {m.x_cm:.2f}, {m.y_cm:.2f}" for m in zone.landmarks]
    return lines
