"""Spacing, depth, dose per point and budget for each area rule: chosen, defaulted,
range-checked (format 1 rules: spacing, depth and volume).

A value outside the protocol's range is refused unless an :class:`Override` for that field
carries the same value and a reason; the override is then kept in the plan and warned
about. Nothing here widens a range silently. Every value must be a finite number.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from .errors import PlanningError
from .plan_model import Override, PlanWarning
from .protocol import DOSE_FLOOR_ML, RULE_VOLUME_FIELDS, AreaRule, Protocol, Range

UNITS = {
    "spacing_cm": "cm",
    "depth_mm": "mm",
    "volume_ml": "mL",
    "budget_ml": "mL",
    "dose_per_point_ml": "mL",
}
OPTIONS = {"volume_ml": "--volume-ml", "budget_ml": "--budget-ml", "dose_per_point_ml": "--dose-ml"}
"""The ``mesoplan plan`` option that chooses each per-group quantity."""


class RuleChoice(NamedTuple):
    """What one rule is planned with. ``volume_ml`` is the budget (format 2) or the volume
    split over the points (format 1); ``dose_per_point_ml`` is ``None`` in format 1."""

    spacing_cm: float
    depth_mm: float
    volume_ml: float
    dose_per_point_ml: float | None = None

    def budget_points(self) -> int | None:
        """floor(budget / dose), counted in whole nanolitres so that 10 mL / 0.2 mL is 50."""
        if self.dose_per_point_ml is None:
            return None
        return round(self.volume_ml * 1e6) // max(round(self.dose_per_point_ml * 1e6), 1)


def group_fields(protocol: Protocol) -> tuple[str, ...]:
    """The per-group quantities of the protocol's format (``budget_ml``, ...)."""
    return RULE_VOLUME_FIELDS[protocol.format_version]


def override_fields(protocol: Protocol) -> list[str]:
    return [
        "spacing_cm",
        "depth_mm",
        *(f"{name}.{g}" for name in group_fields(protocol) for g in protocol.groups),
    ]


def check_overrides(protocol: Protocol, overrides: Sequence[Override]) -> dict[str, Override]:
    """Overrides by field; an unknown field, a repeated field or a missing reason is an
    error that names what is valid."""
    valid = override_fields(protocol)
    out: dict[str, Override] = {}
    for ov in overrides:
        if ov.field not in valid:
            raise PlanningError(
                f"cannot override {ov.field!r}; valid fields for protocol {protocol.id}: "
                + ", ".join(valid)
            )
        if not ov.reason.strip():
            raise PlanningError(f"override of {ov.field} needs a reason (--reason TEXT)")
        if ov.field in out:
            raise PlanningError(f"{ov.field} is overridden twice; give one value")
        out[ov.field] = ov
    return out


def _pick(
    protocol: Protocol,
    rule: AreaRule,
    field: str,
    rng: Range,
    chosen: float | None,
    default: float,
    override: Override | None,
) -> tuple[float, PlanWarning | None]:
    name = field.split(".")[0]
    if override is not None and chosen is not None and chosen != override.value:
        raise PlanningError(
            f"{name} {chosen:g} and the override {field}={override.value:g} disagree; give one"
        )
    value = chosen if chosen is not None else override.value if override else default
    if not (math.isfinite(value) and value > 0):
        raise PlanningError(f"{name} must be a finite number greater than 0, got {value:g}")
    if name == "dose_per_point_ml" and value < DOSE_FLOOR_ML - 1e-12:
        raise PlanningError(
            f"dose_per_point_ml {value:g} mL is below the {DOSE_FLOOR_ML:g} mL a point that "
            "a syringe delivers; no override goes below it"
        )
    if rng.contains(value):
        return value, None
    unit = UNITS[name]
    where = (
        f"the range of protocol {protocol.id} {protocol.version} for "
        f"{', '.join(rule.groups)}: {rng.min:g} to {rng.max:g} {unit}"
    )
    if override is None or override.value != value:
        raise PlanningError(
            f"{name} {value:g} {unit} is outside {where}; to go outside it, override it "
            f"with a reason (--override {field}={value:g} --reason TEXT)"
        )
    warning = PlanWarning(
        "override", f"{name} {value:g} {unit} is outside {where}: overridden ({override.reason})"
    )
    return value, warning


def default_depth(protocol: Protocol, rule: AreaRule) -> float:
    """The range's default, or its deep end when the mix holds a slow-diffusing product
    and the rule says so (slow products go a bit deeper to avoid papules)."""
    if protocol.has_slow_diffusing() and rule.slow_diffusing_depth == "deep_end":
        return rule.depth_mm.max
    return rule.depth_mm.default


def _rule_value(rule: AreaRule, name: str, values: Mapping[str, float]) -> tuple[float | None, str]:
    given = {g: float(values[g]) for g in rule.groups if g in values}
    if len(set(given.values())) > 1:
        raise PlanningError(
            f"groups {', '.join(given)} share one rule and one {name}; give one value, "
            f"got {', '.join(f'{g}={v:g}' for g, v in given.items())}"
        )
    group = next(iter(given), rule.groups[0])
    return (next(iter(given.values())) if given else None), group


def _check_groups(protocol: Protocol, per_group: Mapping[str, Mapping[str, float]]) -> None:
    fields = group_fields(protocol)
    for name, values in per_group.items():
        if values and name not in fields:
            wanted = ", ".join(OPTIONS[f] for f in fields)
            raise PlanningError(
                f"{OPTIONS[name]} does not apply to protocol {protocol.id} "
                f"{protocol.version} (format {protocol.format_version}): it takes {wanted}"
            )
        unknown = [g for g in values if g not in protocol.groups]
        if unknown:
            raise PlanningError(
                f"{OPTIONS[name]} names group {unknown[0]!r}, which protocol {protocol.id} "
                f"does not cover; its groups: {', '.join(protocol.groups)}"
            )


def _per_group(
    protocol: Protocol,
    rule: AreaRule,
    name: str,
    values: Mapping[str, float],
    overrides: Mapping[str, Override],
) -> tuple[float, PlanWarning | None]:
    rng: Range = getattr(rule, name)
    chosen, group = _rule_value(rule, name, values)
    field = next(
        (f"{name}.{g}" for g in rule.groups if f"{name}.{g}" in overrides), f"{name}.{group}"
    )
    return _pick(protocol, rule, field, rng, chosen, rng.default, overrides.get(field))


def resolve_choices(
    protocol: Protocol,
    rule_indexes: Sequence[int],
    *,
    spacing_cm: float | None,
    depth_mm: float | None,
    per_group: Mapping[str, Mapping[str, float]],
    overrides: Mapping[str, Override],
) -> tuple[dict[int, RuleChoice], list[PlanWarning]]:
    """The choice for each rule in the plan, plus a warning per override used.
    ``per_group`` maps ``volume_ml`` (format 1), ``budget_ml`` and ``dose_per_point_ml``
    (format 2) to values by zone group."""
    _check_groups(protocol, per_group)
    out: dict[int, RuleChoice] = {}
    warnings: list[PlanWarning] = []
    for i in rule_indexes:
        rule = protocol.area_rules[i]
        spacing, w1 = _pick(
            protocol, rule, "spacing_cm", rule.spacing_cm, spacing_cm,
            rule.spacing_cm.default, overrides.get("spacing_cm"),
        )  # fmt: skip
        depth, w2 = _pick(
            protocol, rule, "depth_mm", rule.depth_mm, depth_mm,
            default_depth(protocol, rule), overrides.get("depth_mm"),
        )  # fmt: skip
        picked = {
            name: _per_group(protocol, rule, name, per_group.get(name, {}), overrides)
            for name in group_fields(protocol)
        }
        warnings += [w for w in (w1, w2, *(w for _, w in picked.values())) if w is not None]
        if protocol.format_version == 1:
            out[i] = RuleChoice(spacing, depth, picked["volume_ml"][0])
        else:
            budget, dose = picked["budget_ml"][0], picked["dose_per_point_ml"][0]
            out[i] = RuleChoice(spacing, depth, budget, dose)
    return out, warnings
