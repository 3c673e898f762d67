"""Parsing the options of ``mesoplan plan`` and ``mesoplan zones show`` into domain values.

Every mistake raises a :class:`~mesoplan.PlanningError` with one line that names the
option and what would be valid (``user_errors()`` turns it into exit code 2). Files
(GeoJSON zones, patches, exclusions) are read here, so that the domain stays pure.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...domain.errors import PlanningError

if TYPE_CHECKING:
    from ...domain.anatomy import Exclusion, Zone
    from ...domain.plan_model import Override, Patch

EXCLUDE_FORMS = "circle:X,Y,R or ZONE:circle:X,Y,R (cm in the zone's frame), polygon:FILE"


def _number(text: str, option: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise PlanningError(f"{option} {what}: {text!r} is not a number") from None
    if not math.isfinite(value):
        raise PlanningError(f"{option} {what}: {text!r} is not a finite number")
    return value


def name_values(items: Sequence[str], option: str, what: str) -> dict[str, float]:
    """``NAME=VALUE`` pairs; a name may appear once."""
    out: dict[str, float] = {}
    for item in items:
        name, sep, raw = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise PlanningError(f"{option} {item!r}: write {what}=VALUE")
        if name in out:
            raise PlanningError(f"{option} names {name} twice; give it once")
        out[name] = _number(raw.strip(), option, name)
    return out


def read_geojson(path: Path, option: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PlanningError(f"{option} {path}: cannot read the file ({exc.strerror})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PlanningError(f"{option} {path}: not a JSON (GeoJSON) file: {exc}") from None


def is_zone_file(value: str) -> bool:
    return value.endswith((".geojson", ".json")) or "/" in value


def zones(values: Sequence[str]) -> list[str | Zone]:
    """Built-in zone ids stay ids; a ``*.geojson`` path becomes a custom zone."""
    out: list[str | Zone] = []
    for value in values:
        if is_zone_file(value):
            from ...domain.geojson import zone_from_geojson

            out.append(zone_from_geojson(read_geojson(Path(value), "--zone"), value))
        else:
            out.append(value)
    return out


def patches(paths: Sequence[Path]) -> list[Patch]:
    from ...domain.geojson import patches_from_geojson

    return [
        p for path in paths for p in patches_from_geojson(read_geojson(path, "--patch"), str(path))
    ]


def exclusions(values: Sequence[str]) -> list[Exclusion]:
    """``circle:X,Y,R``, ``ZONE:circle:X,Y,R`` or ``polygon:FILE``."""
    from ...domain.anatomy import Exclusion
    from ...domain.geojson import exclusions_from_geojson
    from ...domain.shapes import Ellipse

    out: list[Exclusion] = []
    for value in values:
        if value.startswith("polygon:"):
            path = Path(value.removeprefix("polygon:"))
            out += exclusions_from_geojson(read_geojson(path, "--exclude"), str(path))
            continue
        head, _, numbers = value.rpartition("circle:")
        zone = head.removesuffix(":") or None
        parts = numbers.split(",")
        if "circle:" not in value or len(parts) != 3 or (head and not head.endswith(":")):
            raise PlanningError(f"--exclude {value!r}: valid forms: {EXCLUDE_FORMS}")
        x, y, r = (_number(p.strip(), "--exclude", value) for p in parts)
        if r <= 0:
            raise PlanningError(f"--exclude {value!r}: the radius must be greater than 0 cm")
        out.append(Exclusion(Ellipse.circle(x, y, r), name=f"circle {x:g},{y:g},{r:g}", zone=zone))
    return out


def overrides(values: Sequence[str], reason: str | None) -> list[Override]:
    from ...domain.plan_model import Override

    if values and not (reason or "").strip():
        raise PlanningError("--override needs --reason TEXT: why the protocol's range is left")
    if reason and not values:
        raise PlanningError("--reason is given without --override FIELD=VALUE")
    pairs = name_values(values, "--override", "FIELD")
    return [Override(f, v, (reason or "").strip()) for f, v in pairs.items()]
