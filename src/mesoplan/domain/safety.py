"""Contraindication screening: a patient's history against the protocols of a course.

Rules are data (:mod:`.safety_rules`): each names what it matches in the history and in
the protocols' ingredients, and whether a match is a hard ``stop`` or a ``warning``. A
stop blocks until it is overridden with a reason, which the result keeps. Lot and vial
checks at charting give findings of the same kind.

Nothing here reads the clock: dates and times are arguments.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from .errors import HardStop, SafetyError
from .protocol import Ingredient, Protocol
from .safety_match import allergy_matches, contraindication_matches
from .safety_rules import (
    DEFAULT_RULES,
    HISTORY_FLAGS,
    ScreeningRule,
    Severity,
    check_unique_ids,
    configure_rules,
    rules_from_mapping,
)


@dataclass(frozen=True)
class PatientHistory:
    """What of a patient's history matters for screening. Allergies are free text
    (``"sulfite"``, ``"xanthine"``, ``"lidocaine"``), compared without case."""

    pregnant: bool = False
    breastfeeding: bool = False
    anticoagulants: bool = False
    antiplatelets: bool = False
    bleeding_disorder: bool = False
    allergies: tuple[str, ...] = ()
    active_skin_infection: bool = False
    recent_myocardial_infarction: bool = False
    hypotension: bool = False
    consent_given_at: datetime | None = None

    def __post_init__(self) -> None:
        for name in HISTORY_FLAGS:
            value = getattr(self, name, False)
            if name not in ("allergies", "no_consent") and not isinstance(value, bool):
                raise SafetyError(f"PatientHistory.{name}: {value!r}; valid: true or false")
        if self.consent_given_at is not None and not isinstance(self.consent_given_at, datetime):
            raise SafetyError("PatientHistory.consent_given_at: a date and time, or none")
        if isinstance(self.allergies, str):
            raise SafetyError("PatientHistory.allergies: give a list of allergies, not one string")
        cleaned = tuple(a.strip() for a in self.allergies if a and a.strip())
        object.__setattr__(self, "allergies", cleaned)

    def flag(self, name: str, at: datetime | None = None) -> bool:
        """Whether a history flag (one of :data:`HISTORY_FLAGS`) holds. With ``at``,
        consent given after that time counts as no consent."""
        if name == "no_consent":
            return self.consent_given_at is None or (
                at is not None and _after(self.consent_given_at, at)
            )
        if name == "allergies":
            return bool(self.allergies)
        if name not in HISTORY_FLAGS:
            raise SafetyError(f"unknown history flag {name!r}; valid: {', '.join(HISTORY_FLAGS)}")
        return bool(getattr(self, name))


@dataclass(frozen=True)
class Finding:
    """One screening or charting finding. ``subject`` is what it is about (an
    ingredient, a lot number, a vial id), or None for the patient as a whole."""

    rule_id: str
    severity: Severity
    message: str
    subject: str | None = None
    protocol_id: str | None = None
    override_reason: str | None = None

    @property
    def key(self) -> str:
        """``rule_id`` or ``rule_id:subject``: what an override names."""
        return self.rule_id if self.subject is None else f"{self.rule_id}:{self.subject}"

    @property
    def overridden(self) -> bool:
        return self.override_reason is not None

    @property
    def blocking(self) -> bool:
        return self.severity == "stop" and not self.overridden


@dataclass(frozen=True)
class ScreeningResult:
    """The findings of a screening. ``blocked`` while a stop is not overridden."""

    findings: tuple[Finding, ...] = ()

    @property
    def blocked(self) -> bool:
        return any(f.blocking for f in self.findings)

    @property
    def stops(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "stop")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "warning")

    @property
    def blocking(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.blocking)

    @property
    def overrides(self) -> dict[str, str]:
        """The reasons kept, by finding key."""
        return {f.key: f.override_reason for f in self.findings if f.override_reason is not None}

    def __add__(self, other: ScreeningResult) -> ScreeningResult:
        return ScreeningResult(self.findings + other.findings)

    def with_overrides(self, overrides: Mapping[str, str]) -> ScreeningResult:
        """Override findings with a reason each. A key is a rule id (every finding of the
        rule) or ``rule_id:subject`` (one finding). An empty reason, or a key that names
        no finding, is refused."""
        valid = sorted({f.rule_id for f in self.findings} | {f.key for f in self.findings})
        for key, reason in overrides.items():
            if key not in valid:
                choices = ", ".join(valid) if valid else "none (nothing was found)"
                raise SafetyError(f"override {key!r} names no finding; valid: {choices}")
            if not isinstance(reason, str) or not reason.strip():
                raise SafetyError(f"override {key!r} needs a reason; an empty reason is refused")
        out = []
        for f in self.findings:
            given = overrides.get(f.key)
            if given is None:
                given = overrides.get(f.rule_id)
            out.append(f if given is None else replace(f, override_reason=given.strip()))
        return ScreeningResult(tuple(out))

    def require_clear(self) -> None:
        """Raise :class:`SafetyError` naming every stop not overridden."""
        if self.blocked:
            lines = "; ".join(f"{f.key}: {f.message}" for f in self.blocking)
            raise HardStop(
                f"hard stop (override with a reason to proceed): {lines}",
                tuple(f.key for f in self.blocking),
            )


def screen(
    history: PatientHistory,
    protocols: Protocol | Iterable[Protocol],
    rules: Sequence[ScreeningRule] = DEFAULT_RULES,
    *,
    at: datetime | None = None,
) -> ScreeningResult:
    """Screen a patient's history against the protocols of a course or session.

    ``at`` (the time of the screening) makes consent recorded later count as missing."""
    protos = (protocols,) if isinstance(protocols, Protocol) else tuple(protocols)
    check_unique_ids(rules)
    active = frozenset(h for h in HISTORY_FLAGS if history.flag(h, at))
    findings: list[Finding] = []
    for rule in rules:
        triggered = [h for h in rule.history if h in active]
        if not triggered:
            continue
        if rule.applies == "all":
            findings.append(_general_finding(rule, triggered, protos))
        else:
            findings.extend(_matching_findings(rule, history, active, protos))
    return ScreeningResult(_dedupe(findings))


def _general_finding(
    rule: ScreeningRule, triggered: list[str], protocols: tuple[Protocol, ...]
) -> Finding:
    message = rule.title
    if len(rule.history) > 1:
        message += ": " + ", ".join(_describe_flag(h) for h in triggered)
    labelled = [
        f"{ing.name} ({p.id})"
        for p in protocols
        for ing in p.ingredients
        if _ingredient_matches(rule, ing)
    ]
    if labelled:
        message += f"; also a label contraindication of {', '.join(labelled)}"
    return Finding(rule.id, rule.severity, message)


def _matching_findings(
    rule: ScreeningRule,
    history: PatientHistory,
    active: frozenset[str],
    protocols: tuple[Protocol, ...],
) -> list[Finding]:
    out: list[Finding] = []
    for p in protocols:
        if rule.scope == "pretreatment":
            out.extend(_pretreatment_findings(rule, history, p))
            continue
        for ing in p.ingredients:
            reasons = _reasons(rule, history, active, ing)
            if reasons:
                message = f"{rule.title}: {ing.name} in protocol {p.id} ({'; '.join(reasons)})"
                out.append(Finding(rule.id, rule.severity, message, ing.name, p.id))
    return out


def _pretreatment_findings(
    rule: ScreeningRule, history: PatientHistory, protocol: Protocol
) -> list[Finding]:
    pre = protocol.pretreatment
    if pre is None or "allergies" not in rule.history:
        return []
    hits = allergy_matches(history.allergies, {"topical anaesthetic": (pre.topical_anaesthetic,)})
    if not hits:
        return []
    message = (
        f"{rule.title}: {pre.topical_anaesthetic} in protocol {protocol.id} ({'; '.join(hits)})"
    )
    return [Finding(rule.id, rule.severity, message, pre.topical_anaesthetic, protocol.id)]


def _reasons(
    rule: ScreeningRule, history: PatientHistory, active: frozenset[str], ing: Ingredient
) -> list[str]:
    reasons: list[str] = []
    if "allergies" in rule.history:
        reasons.extend(allergy_matches(history.allergies, _allergy_terms(ing)))
    other = [h for h in rule.history if h != "allergies" and h in active]
    if other and _ingredient_matches(rule, ing):
        what = ", ".join(_describe_flag(h) for h in other)
        reasons.append(f"{what}; {_ingredient_match_text(rule, ing)}")
    return reasons


def _allergy_terms(ing: Ingredient) -> dict[str, tuple[str, ...]]:
    return {
        "ingredient": (ing.name,),
        "agent class": (ing.agent_class,) if ing.agent_class else (),
        "excipient": ing.excipients,
        "allergen": ing.allergens,
    }


def _ingredient_matches(rule: ScreeningRule, ing: Ingredient) -> bool:
    return bool(_ingredient_match_text(rule, ing))


def _ingredient_match_text(rule: ScreeningRule, ing: Ingredient) -> str:
    names = {n.casefold() for n in rule.ingredients}
    if ing.name.casefold() in names:
        return f"ingredient {ing.name}"
    classes = {c.casefold() for c in rule.agent_classes}
    if ing.agent_class and ing.agent_class.casefold() in classes:
        return f"agent class {ing.agent_class}"
    hits = contraindication_matches(rule.contraindications, ing.contraindications)
    if hits:
        return "label contraindication " + ", ".join(repr(h) for h in hits)
    return ""


def _after(a: datetime, b: datetime) -> bool:
    if (a.tzinfo is None) != (b.tzinfo is None):
        raise SafetyError("compare times both with a time zone, or both without")
    return a > b


def _describe_flag(name: str) -> str:
    return {
        "no_consent": "no consent recorded",
        "pregnant": "pregnant",
        "recent_myocardial_infarction": "recent myocardial infarction",
        "bleeding_disorder": "bleeding disorder",
        "active_skin_infection": "active skin infection",
    }.get(name, name.replace("_", " "))


def _dedupe(findings: list[Finding]) -> tuple[Finding, ...]:
    seen: set[tuple[str, str | None]] = set()
    out: list[Finding] = []
    for f in findings:
        k = (f.rule_id, f.subject)
        if k not in seen:
            seen.add(k)
            out.append(f)
    return tuple(out)


# -- lots and vials at charting -----------------------------------------------------


def check_lot_expiry(
    expiry_date: date, on_date: date, *, lot_number: str | None = None
) -> ScreeningResult:
    """A lot is usable up to and including its expiry date. Past it, a ``lot-expired``
    stop that only an override with a reason lets through."""
    if isinstance(expiry_date, datetime) or isinstance(on_date, datetime):
        raise SafetyError("check_lot_expiry takes dates, not datetimes")
    if on_date <= expiry_date:
        return ScreeningResult()
    days = (on_date - expiry_date).days
    what = f"lot {lot_number}" if lot_number else "lot"
    message = f"{what} expired on {expiry_date.isoformat()} ({days} day(s) before {on_date})"
    return ScreeningResult((Finding("lot-expired", "stop", message, lot_number),))


def check_vial_beyond_use(
    beyond_use_at: datetime, at: datetime, *, vial_id: str | None = None
) -> ScreeningResult:
    """A multi-dose vial past its beyond-use date and time: a ``vial-beyond-use`` stop."""
    if (beyond_use_at.tzinfo is None) != (at.tzinfo is None):
        raise SafetyError(
            "check_vial_beyond_use: give both times with a time zone, or both without"
        )
    if at <= beyond_use_at:
        return ScreeningResult()
    what = f"vial {vial_id}" if vial_id else "vial"
    message = (
        f"{what} is past its beyond-use time {beyond_use_at.isoformat()} (used at {at.isoformat()})"
    )
    return ScreeningResult((Finding("vial-beyond-use", "stop", message, vial_id),))


__all__ = [
    "DEFAULT_RULES",
    "HISTORY_FLAGS",
    "Finding",
    "PatientHistory",
    "ScreeningResult",
    "ScreeningRule",
    "Severity",
    "check_lot_expiry",
    "check_vial_beyond_use",
    "configure_rules",
    "rules_from_mapping",
    "screen",
]
