"""Checks on a protocol's parsed data that run whatever else is wrong with the file.

The model checks a table only once its fields are valid; these checks look at the raw
data, so that one run reports them next to every other error of the file:

- the volume fields each format needs (format 2: ``dose_per_point_ml`` and ``budget_ml``;
  format 1: ``volume_ml``), a missing one at its table's header;
- an intradermal rule's deepest point against the dermis of its zones (skin table): more
  than :data:`DERMIS_MARGIN_MM` past the deep estimate of the dermis is an error, past
  the shallow estimate a warning.
"""

from __future__ import annotations

from typing import Any

from .errors import Issue
from .protocol import FORMAT_VERSIONS, RULE_VOLUME_FIELDS, ZONE_GROUPS, format_field_message
from .toml_lines import line_for

DERMIS_MARGIN_MM = 0.2
"""How far past the deep estimate of the dermis an intradermal depth may reach."""

Lines = dict[tuple[str | int, ...], int]


def data_issues(data: Any, lines: Lines, filename: str) -> tuple[list[Issue], list[Issue]]:
    """(errors, warnings) of the checks above; data that is not the expected shape is left
    to the model's validation, which reports it."""
    errors: list[Issue] = []
    warnings: list[Issue] = []
    if not isinstance(data, dict):
        return errors, warnings
    version = data.get("format_version", 1)
    rules = data.get("area_rules")
    if not isinstance(rules, list):
        return errors, warnings

    def issue(path: tuple[str | int, ...], message: str) -> Issue:
        field = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
        return Issue(field, message, filename, line_for(lines, path) if lines else None)

    for i, rule in enumerate(rules):
        if not isinstance(rule, dict):
            continue
        if version in FORMAT_VERSIONS:
            want = RULE_VOLUME_FIELDS[version]
            for name in ("volume_ml", "dose_per_point_ml", "budget_ml"):
                if name in want and name not in rule:
                    message = f"required field is missing (format_version {version})"
                    errors.append(issue(("area_rules", i, name), message))
                elif name in rule and name not in want:
                    errors.append(
                        issue(("area_rules", i, name), format_field_message(name, version))
                    )
        found = _dermis(rule)
        if found is not None:
            error, message = found
            (errors if error else warnings).append(
                issue(("area_rules", i, "depth_mm", "max"), message)
            )
    return errors, warnings


def _dermis(rule: dict[str, Any]) -> tuple[bool, str] | None:
    """(is an error, message) when an intradermal rule's deepest point may pass the
    dermis of one of its zones."""
    from .anatomy import get_zone, zones_in_group
    from .skin import SKIN_SITES

    depth = rule.get("depth_mm")
    groups = rule.get("groups")
    if rule.get("route") != "intradermal" or not isinstance(depth, dict):
        return None
    deepest = depth.get("max")
    if not isinstance(deepest, (int, float)) or isinstance(deepest, bool):
        return None
    if not isinstance(groups, list):
        return None
    sites = sorted(
        {
            get_zone(z).skin_site
            for g in groups
            if isinstance(g, str) and g in ZONE_GROUPS
            for z in zones_in_group(g)
        }
    )
    if not sites:
        return None
    site = min(sites, key=lambda s: SKIN_SITES[s].dermis_bottom.max_mm)
    bottom = SKIN_SITES[site].dermis_bottom
    if deepest > bottom.max_mm + DERMIS_MARGIN_MM:
        return True, (
            f"an intradermal depth of {deepest:g} mm passes the dermis at the {site} (its "
            f"bottom lies {bottom.min_mm:g} to {bottom.max_mm:g} mm deep, skin table) by more "
            f"than {DERMIS_MARGIN_MM:g} mm; valid: at most {bottom.max_mm + DERMIS_MARGIN_MM:g} "
            "mm, or route subcutaneous"
        )
    shallowest = min(SKIN_SITES[s].dermis_bottom.min_mm for s in sites)
    if deepest > shallowest:
        return False, (
            f"an intradermal depth of {deepest:g} mm may pass the dermis at the {site} (its "
            f"bottom lies {bottom.min_mm:g} to {bottom.max_mm:g} mm deep, skin table)"
        )
    return None
