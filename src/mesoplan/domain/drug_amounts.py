"""Drug amounts in mg: what a plan gives of each ingredient, and what a charted session
gave of each substance, against the protocol's maxima.

A plan's mg come from the protocol's mix (``concentration_mg_per_ml`` times each rule's
volume). A charted session's mg come from what was really drawn: each product's volume
times the mg per mL its lot recorded when received, summed by the ingredient it
provides, plus the topical anaesthetic's grams times the mg per g of its contents. A
substance's maximum is the lowest of the ``max_mg_per_session`` and of
``max_mg_per_kg_per_session`` times the patient's weight that the protocol gives for it
(as a mix ingredient and as an anaesthetic content). Pure: the weight is passed in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .protocol import DoseLimit, Protocol
from .safety import Finding, ScreeningResult

_TOLERANCE_MG = 1e-6


@dataclass(frozen=True)
class IngredientAmount:
    """The mg of one ingredient a plan gives: over the whole plan and by area rule
    (``mg_by_rule`` pairs a rule index with its mg). ``mg`` is None when the protocol
    gives no concentration for the ingredient."""

    ingredient: str
    concentration_mg_per_ml: float | None
    mg: float | None
    mg_by_rule: tuple[tuple[int, float], ...]
    max_mg_per_session: float | None
    max_mg_per_kg_per_session: float | None


def plan_drug_amounts(
    protocol: Protocol, rule_volumes_ml: Mapping[int, float]
) -> tuple[IngredientAmount, ...]:
    """mg per ingredient for a plan whose area rules (by index in ``protocol.area_rules``)
    deliver ``rule_volumes_ml``. Every rule injects the same mix, so an ingredient's mg
    in a rule is its concentration times the rule's volume."""
    out = []
    for ing in protocol.ingredients:
        c = ing.concentration_mg_per_ml
        by_rule = (
            tuple(
                (index, round(c * volume, 6)) for index, volume in sorted(rule_volumes_ml.items())
            )
            if c is not None
            else ()
        )
        total = round(c * sum(rule_volumes_ml.values()), 6) if c is not None else None
        out.append(
            IngredientAmount(
                ing.name,
                c,
                total,
                by_rule,
                ing.max_mg_per_session,
                ing.max_mg_per_kg_per_session,
            )
        )
    return tuple(out)


def rule_ingredient_mg(protocol: Protocol, volume_ml: float) -> tuple[tuple[str, float], ...]:
    """mg of each ingredient in one rule's ``volume_ml``, by ingredient name, for the
    ingredients whose concentration in the mix the protocol gives (what a plan's rule
    carries as ``ingredient_mg``)."""
    return tuple(
        (a.ingredient, mg)
        for a in plan_drug_amounts(protocol, {0: volume_ml})
        for _, mg in a.mg_by_rule
    )


# -- charting ----------------------------------------------------------------------


@dataclass(frozen=True)
class Drawn:
    """A product drawn into the mix: the ingredient it provides, the product and its lot
    number, its volume and the lot's mg per mL."""

    ingredient: str
    product: str
    lot_number: str
    volume_ml: float
    mg_per_ml: float | None


@dataclass(frozen=True)
class Applied:
    """The topical anaesthetic applied before the session."""

    name: str
    amount_g: float


@dataclass(frozen=True)
class SubstanceTotal:
    """One substance's mg in a session. ``unknown`` holds the lot numbers that gave it
    in an amount that cannot be counted (a lot without mg per mL)."""

    name: str
    mg: float
    unknown: tuple[str, ...]
    limits: tuple[tuple[DoseLimit, str], ...]
    """The protocol's maxima for the substance, each with where it is declared."""

    def limit_mg(self, weight_kg: float | None) -> float | None:
        """The lowest maximum that applies (None: no maximum, or only per-kg ones and
        no weight)."""
        found = [lim.max_mg_per_session for lim, _ in self.limits if lim.max_mg_per_session]
        if weight_kg is not None:
            found += [
                lim.max_mg_per_kg_per_session * weight_kg
                for lim, _ in self.limits
                if lim.max_mg_per_kg_per_session
            ]
        return min(found) if found else None

    @property
    def needs_weight(self) -> bool:
        return any(lim.max_mg_per_kg_per_session for lim, _ in self.limits)


def _limits(protocol: Protocol) -> dict[str, list[tuple[DoseLimit, str]]]:
    out: dict[str, list[tuple[DoseLimit, str]]] = {}
    for ing in protocol.ingredients:
        if ing.has_maximum:
            out.setdefault(ing.name.casefold(), []).append((ing, f"ingredient {ing.name}"))
    pre = protocol.pretreatment
    for content in (pre.contents or ()) if pre else ():
        if content.has_maximum:
            where = f"{content.name} of {pre.topical_anaesthetic}" if pre else content.name
            out.setdefault(content.name.casefold(), []).append((content, where))
    return out


def session_totals(
    protocol: Protocol, drawn: Sequence[Drawn], applied: Applied | None
) -> tuple[tuple[SubstanceTotal, ...], tuple[str, ...]]:
    """Every substance's mg in a session, and the anaesthetics whose contents are not
    known (one that is not the protocol's ``topical_anaesthetic``)."""
    names: dict[str, str] = {}
    mg: dict[str, float] = {}
    unknown: dict[str, list[str]] = {}

    def add(name: str, amount: float | None, lot_number: str) -> None:
        key = name.casefold()
        names.setdefault(key, name)
        mg[key] = mg.get(key, 0.0) + (amount or 0.0)
        if amount is None:
            unknown.setdefault(key, []).append(lot_number)

    for d in drawn:
        amount = None if d.mg_per_ml is None else d.volume_ml * d.mg_per_ml
        add(d.ingredient, amount, d.lot_number)
    strange: tuple[str, ...] = ()
    if applied is not None:
        pre = protocol.pretreatment
        if pre is not None and pre.topical_anaesthetic.casefold() == applied.name.casefold():
            for content in pre.contents or ():
                add(content.name, applied.amount_g * content.mg_per_g, applied.name)
        else:
            strange = (applied.name,)
    limits = _limits(protocol)
    totals = tuple(
        SubstanceTotal(
            names[k], round(mg[k], 6), tuple(unknown.get(k, ())), tuple(limits.get(k, ()))
        )
        for k in names
    )
    return totals, strange


def check_drug_amounts(
    protocol: Protocol,
    drawn: Sequence[Drawn],
    applied: Applied | None,
    weight_kg: float | None,
) -> ScreeningResult:
    """Stops for a session above a substance's maximum (``drug-max-dose``), for an amount
    of a limited substance that cannot be counted (``drug-amount-unknown``) and for a
    per-kg maximum without the patient's weight (``drug-weight-unknown``)."""
    totals, strange = session_totals(protocol, drawn, applied)
    limited = [t for t in totals if t.limits]
    findings: list[Finding] = []
    if strange and _limits(protocol):
        findings.append(_strange_anaesthetic(protocol, strange[0]))
    for t in limited:
        findings += [_unknown(t, what) for what in t.unknown]
    weighed = [t for t in limited if t.needs_weight and (t.mg > 0 or t.unknown)]
    if weighed and weight_kg is None:
        findings.append(
            Finding(
                "drug-weight-unknown",
                "stop",
                f"{', '.join(t.name for t in weighed)} has a maximum per kg of body weight, "
                "and the patient has no body_weight_kg measurement on or before the session: "
                "record the weight",
            )
        )
    for t in limited:
        limit = t.limit_mg(weight_kg)
        if limit is not None and t.mg > limit + _TOLERANCE_MG:
            findings.append(_over(t, limit, weight_kg))
    return ScreeningResult(tuple(findings))


def _strange_anaesthetic(protocol: Protocol, name: str) -> Finding:
    expected = protocol.pretreatment.topical_anaesthetic if protocol.pretreatment else None
    hint = f" (the protocol's is {expected})" if expected else ""
    return Finding(
        "drug-amount-unknown",
        "stop",
        f"the topical anaesthetic {name!r} is not the protocol's{hint}: what it holds is "
        "not known, so its mg cannot be totalled against the protocol's maxima",
        name,
    )


def _unknown(t: SubstanceTotal, lot_number: str) -> Finding:
    return Finding(
        "drug-amount-unknown",
        "stop",
        f"lot {lot_number} has no mg per mL recorded: its {t.name} cannot be totalled "
        f"against the maximum ({_describe_limits(t)}); record the lot's mg per mL",
        lot_number,
    )


def _over(t: SubstanceTotal, limit: float, weight_kg: float | None) -> Finding:
    return Finding(
        "drug-max-dose",
        "stop",
        f"{t.name}: {t.mg:g} mg in this session, above its maximum of {limit:g} mg "
        f"({_describe_limits(t, weight_kg)})",
        t.name,
    )


def _describe_limits(t: SubstanceTotal, weight_kg: float | None = None) -> str:
    parts = []
    for lim, where in t.limits:
        if lim.max_mg_per_session is not None:
            parts.append(f"{lim.max_mg_per_session:g} mg a session")
        if lim.max_mg_per_kg_per_session is not None:
            per_kg = f"{lim.max_mg_per_kg_per_session:g} mg/kg"
            if weight_kg is not None:
                per_kg += f" x {weight_kg:g} kg"
            parts.append(per_kg)
        parts[-1] += f", {where}, source {lim.max_dose_source}"
    return "; ".join(parts)


__all__ = [
    "Applied",
    "Drawn",
    "IngredientAmount",
    "SubstanceTotal",
    "check_drug_amounts",
    "plan_drug_amounts",
    "rule_ingredient_mg",
    "session_totals",
]
