"""Spacing, depth and volume for each area rule: chosen, defaulted, range-checked.

A value outside the protocol's range is refused unless an :class:`Override` for that field
carries the same value and a reason; the override is then kept in the plan and warned
about. Nothing here widens a range silently.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from .errors import PlanningError
from .plan_model import Override, PlanWarning
from .protocol import AreaRule, Protocol, Range

UNITS = {"spacing_cm": "cm", "depth_mm": "mm", "volume_ml": "mL"}


class RuleChoice(NamedTuple):
    spacing_cm: float
    depth_mm: float
    volume_ml: float


def check_overrides(protocol: Protocol, overrides: Sequence[Override]) -> dict[str, Override]:
    """Overrides by field; an unknown field, a repeated field or a missing reason is an
    error that names what is valid."""
    valid = ["spacing_cm", "depth_mm", *(f"volume_ml.{g}" for g in protocol.groups)]
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
    if value <= 0 or value != value:
        raise PlanningError(f"{name} must be a number greater than 0, got {value:g}")
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


def _rule_volume(rule: AreaRule, volume_ml: Mapping[str, float]) -> tuple[float | None, str]:
    given = {g: float(volume_ml[g]) for g in rule.groups if g in volume_ml}
    if len(set(given.values())) > 1:
        raise PlanningError(
            f"groups {', '.join(given)} share one rule and one volume; give one value, "
            f"got {', '.join(f'{g}={v:g}' for g, v in given.items())}"
        )
    group = next(iter(given), rule.groups[0])
    return (next(iter(given.values())) if given else None), group


def resolve_choices(
    protocol: Protocol,
    rule_indexes: Sequence[int],
    *,
    spacing_cm: float | None,
    depth_mm: float | None,
    volume_ml: Mapping[str, float],
    overrides: Mapping[str, Override],
) -> tuple[dict[int, RuleChoice], list[PlanWarning]]:
    """The choice for each rule in the plan, plus a warning per override used."""
    unknown = [g for g in volume_ml if g not in protocol.groups]
    if unknown:
        raise PlanningError(
            f"--volume-ml names group {unknown[0]!r}, which protocol {protocol.id} does not "
            f"cover; its groups: {', '.join(protocol.groups)}"
        )
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
        chosen_volume, group = _rule_volume(rule, volume_ml)
        field = next(
            (f"volume_ml.{g}" for g in rule.groups if f"volume_ml.{g}" in overrides),
            f"volume_ml.{group}",
        )
        volume, w3 = _pick(
            protocol, rule, field, rule.volume_ml, chosen_volume,
            rule.volume_ml.default, overrides.get(field),
        )  # fmt: skip
        warnings += [w for w in (w1, w2, w3) if w is not None]
        out[i] = RuleChoice(spacing, depth, volume)
    return out, warnings
