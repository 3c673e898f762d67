"""Screening rules as data: what each matches, how severe, where it comes from.

The defaults (:data:`DEFAULT_RULES`) follow clinical-notes §6. A clinic changes a severity,
drops a rule or adds its own with :func:`configure_rules`, or from a parsed TOML/JSON
table with :func:`rules_from_mapping`. See docs/safety.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, get_args

from .errors import SafetyError

Severity = Literal["stop", "warning"]
SEVERITIES: tuple[str, ...] = get_args(Severity)
Applies = Literal["all", "matching"]
APPLIES: tuple[str, ...] = get_args(Applies)

HISTORY_FLAGS: tuple[str, ...] = (
    "pregnant",
    "breastfeeding",
    "anticoagulants",
    "antiplatelets",
    "bleeding_disorder",
    "active_skin_infection",
    "recent_myocardial_infarction",
    "hypotension",
    "no_consent",
    "allergies",
)
"""What a rule may name in ``history``: a flag of :class:`PatientHistory`, ``no_consent``
(no consent recorded) or ``allergies`` (each allergy matched against the ingredients)."""

_RULE_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


@dataclass(frozen=True)
class ScreeningRule:
    """One configurable screening rule.

    ``history`` lists flags of which any one triggers the rule. With ``applies="all"``
    the rule fires once for any protocol; with ``applies="matching"`` it fires for each
    ingredient whose name, agent class or label contraindications match (``ingredients``,
    ``agent_classes``, ``contraindications``; any one suffices; ``allergies`` matches each
    allergy of the patient against the ingredient's name, class, excipients and allergens).
    ``scope="pretreatment"`` matches the allergies against the protocol's topical
    anaesthetic instead of its ingredients.
    """

    id: str
    severity: Severity
    title: str
    history: tuple[str, ...]
    applies: Applies = "all"
    ingredients: tuple[str, ...] = ()
    agent_classes: tuple[str, ...] = ()
    contraindications: tuple[str, ...] = ()
    scope: Literal["ingredients", "pretreatment"] = "ingredients"
    source: str = ""

    def __post_init__(self) -> None:
        where = f"screening rule {self.id!r}"
        if not _RULE_ID.match(self.id):
            raise SafetyError(f"{where}: id must be lower-case letters, digits, '_', '.' or '-'")
        if self.severity not in SEVERITIES:
            raise SafetyError(
                f"{where}: severity {self.severity!r} is not valid; valid: {', '.join(SEVERITIES)}"
            )
        if self.applies not in APPLIES:
            raise SafetyError(f"{where}: applies must be one of {', '.join(APPLIES)}")
        if self.scope not in ("ingredients", "pretreatment"):
            raise SafetyError(f"{where}: scope must be 'ingredients' or 'pretreatment'")
        if not self.history:
            raise SafetyError(f"{where}: history must name at least one flag")
        unknown = [h for h in self.history if h not in HISTORY_FLAGS]
        if unknown:
            raise SafetyError(
                f"{where}: unknown history flag {', '.join(map(repr, unknown))}; valid: "
                f"{', '.join(HISTORY_FLAGS)}"
            )
        matchers = self.ingredients or self.agent_classes or self.contraindications
        if self.applies == "matching" and not (matchers or "allergies" in self.history):
            raise SafetyError(
                f"{where}: applies='matching' needs ingredients, agent_classes, "
                "contraindications or the 'allergies' history flag"
            )


DEFAULT_RULES: tuple[ScreeningRule, ...] = (
    ScreeningRule(
        id="consent",
        severity="stop",
        title="no consent recorded",
        history=("no_consent",),
        source="clinic practice",
    ),
    ScreeningRule(
        id="skin-infection",
        severity="stop",
        title="active skin infection",
        history=("active_skin_infection",),
        source="drug labels: infection at the injection site (clinical-notes §6)",
    ),
    ScreeningRule(
        id="pregnancy",
        severity="stop",
        title="pregnancy",
        history=("pregnant",),
        source="clinic contraindication lists (clinical-notes §6)",
    ),
    ScreeningRule(
        id="breastfeeding",
        severity="stop",
        title="breastfeeding",
        history=("breastfeeding",),
        contraindications=("breastfeeding",),
        source="clinic lists; Tefamin (aminophylline) label (clinical-notes §2, §6)",
    ),
    ScreeningRule(
        id="allergy",
        severity="stop",
        title="allergy to an ingredient, excipient or allergen",
        history=("allergies",),
        applies="matching",
        source="drug labels: allergy to any ingredient, excipients included (clinical-notes §6)",
    ),
    ScreeningRule(
        id="allergy-anaesthetic",
        severity="warning",
        title="allergy to the topical anaesthetic (optional): do not apply it",
        history=("allergies",),
        applies="matching",
        scope="pretreatment",
        source="EMLA label: lidocaine and prilocaine (clinical-notes §6)",
    ),
    ScreeningRule(
        id="xanthine-myocardial-infarction",
        severity="stop",
        title="xanthine with a recent myocardial infarction",
        history=("recent_myocardial_infarction",),
        applies="matching",
        agent_classes=("xanthine",),
        contraindications=("myocardial infarction",),
        source="Tefamin (aminophylline) label (clinical-notes §2, §6)",
    ),
    ScreeningRule(
        id="xanthine-hypotension",
        severity="stop",
        title="xanthine with hypotension",
        history=("hypotension",),
        applies="matching",
        agent_classes=("xanthine",),
        contraindications=("hypotension",),
        source="Tefamin (aminophylline) label (clinical-notes §2, §6)",
    ),
    ScreeningRule(
        id="bleeding-risk",
        severity="warning",
        title="anticoagulant or antiplatelet drugs, or a bleeding disorder",
        history=("anticoagulants", "antiplatelets", "bleeding_disorder"),
        source="drug labels: caution; many clinics treat it as a contraindication (§6)",
    ),
)
"""The default rules (clinical-notes §6). See docs/safety.md."""


def check_unique_ids(rules: Sequence[ScreeningRule]) -> None:
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise SafetyError(f"two screening rules share the id {rule.id!r}")
        seen.add(rule.id)


def configure_rules(
    rules: Sequence[ScreeningRule] = DEFAULT_RULES,
    *,
    severities: Mapping[str, str] | None = None,
    disabled: Iterable[str] = (),
    extra: Iterable[ScreeningRule] = (),
) -> tuple[ScreeningRule, ...]:
    """A clinic's rule set: change severities by rule id, drop rules, add rules."""
    known = {r.id for r in rules}
    drop = set(disabled)
    for rid in [*drop, *(severities or {})]:
        if rid not in known:
            raise SafetyError(f"unknown screening rule {rid!r}; valid: {', '.join(sorted(known))}")
    sev = dict(severities or {})
    out = [
        replace(r, severity=sev[r.id]) if r.id in sev else r  # type: ignore[arg-type]
        for r in rules
        if r.id not in drop
    ]
    out.extend(extra)
    check_unique_ids(out)
    return tuple(out)


_RULE_FIELDS = {f for f in ScreeningRule.__dataclass_fields__}
_TUPLE_FIELDS = ("history", "ingredients", "agent_classes", "contraindications")


def rules_from_mapping(data: Mapping[str, Any]) -> tuple[ScreeningRule, ...]:
    """Rules from parsed TOML or JSON: ``{"rules": [{id, severity, title, history, ...}]}``.

    A rule whose id is a default rule starts from that rule (so ``{id, severity}`` is
    enough to change a severity); ``{"disabled": [ids]}`` drops default rules."""
    defaults = {r.id: r for r in DEFAULT_RULES}
    entries = data.get("rules", [])
    if not isinstance(entries, list):
        raise SafetyError("rules: expected a list of tables")
    changed: dict[str, ScreeningRule] = {}
    for i, entry in enumerate(entries):
        rule = _rule_from_entry(entry, f"rules[{i}]", defaults)
        if rule.id in changed:
            raise SafetyError(f"rules[{i}]: rule {rule.id!r} is given twice")
        changed[rule.id] = rule
    disabled = data.get("disabled", [])
    if not isinstance(disabled, list) or not all(isinstance(d, str) for d in disabled):
        raise SafetyError("disabled: expected a list of rule ids")
    base = [changed.pop(r.id, r) for r in DEFAULT_RULES]
    return configure_rules(base, disabled=disabled, extra=changed.values())


def _rule_from_entry(
    entry: Any, where: str, defaults: Mapping[str, ScreeningRule]
) -> ScreeningRule:
    if not isinstance(entry, Mapping) or not isinstance(entry.get("id"), str):
        raise SafetyError(f"{where}: expected a table with a string 'id'")
    unknown = sorted(set(entry) - _RULE_FIELDS)
    if unknown:
        raise SafetyError(
            f"{where}: unknown field {', '.join(map(repr, unknown))}; valid: "
            f"{', '.join(sorted(_RULE_FIELDS))}"
        )
    values: dict[str, Any] = dict(entry)
    for name in _TUPLE_FIELDS:
        if name in values:
            items = values[name]
            if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
                raise SafetyError(f"{where}.{name}: expected a list of strings")
            values[name] = tuple(items)
    base = defaults.get(entry["id"])
    try:
        if base is not None:
            return replace(base, **values)
        return ScreeningRule(**values)
    except TypeError as exc:
        raise SafetyError(f"{where}: {exc}") from None
    except SafetyError as exc:
        raise SafetyError(f"{where}: {exc}") from None
