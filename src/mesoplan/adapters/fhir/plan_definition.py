"""A protocol as an R4 PlanDefinition, with one contained ActivityDefinition per area rule.

What a receiver reads: the citations (``relatedArtifact``), the phases as actions with
their timing, each area rule's route, body sites, volume, spacing and depth, the mix as a
contained Medication, the expected outcomes as goals and the expected reactions. What
mesoplan reads back: the ``protocol-json`` extension, the protocol's canonical JSON,
whose SHA-256 is the ``identifier`` (so an import gives the identical protocol).
"""

from __future__ import annotations

import re

from ...domain.protocol import (
    AreaRule,
    ExpectedOutcome,
    ExpectedReaction,
    Ingredient,
    Phase,
    Protocol,
    Range,
    Source,
)
from .codes import (
    ATC,
    CONTENT_HASH_SYSTEM,
    GROUP_SITES,
    MEASURE_SYSTEM,
    MEASURES,
    MESOTHERAPY,
    PLAN_ACTION_SYSTEM,
    PLAN_DEFINITION_TYPE,
    PROCEDURE_SYSTEM,
    REACTION_SYSTEM,
    ROUTES,
    SNOMED,
    ZONE_GROUP_SYSTEM,
    canonical,
    extension_url,
)
from .datatypes import JSON, coding, complex_extension, concept, extension, fhir_id, quantity

PROTOCOL_JSON_URL = extension_url("protocol-json")
MIX_ID = "mix"


def plan_definition_id(protocol: Protocol) -> str:
    return fhir_id(f"{protocol.id}-{protocol.version}")


def plan_definition_canonical(protocol: Protocol) -> str:
    """``url|version``: how a CarePlan names the PlanDefinition it instantiates."""
    return f"{canonical('PlanDefinition', protocol.id)}|{protocol.version}"


def plan_definition(protocol: Protocol) -> JSON:
    """The PlanDefinition of ``protocol`` as a JSON dict."""
    rules = [activity_definition(protocol, rule) for rule in protocol.area_rules]
    out: JSON = {
        "resourceType": "PlanDefinition",
        "id": plan_definition_id(protocol),
        "contained": [mix_medication(protocol), *rules],
        "extension": [
            extension(PROTOCOL_JSON_URL, valueString=protocol.canonical_json()),
            *(reaction_extension(r) for r in protocol.expected_reactions),
        ],
        "url": canonical("PlanDefinition", protocol.id),
        "identifier": [{"system": CONTENT_HASH_SYSTEM, "value": protocol.content_hash}],
        "version": protocol.version,
        "name": computable_name(protocol.id),
        "title": protocol.title,
        "type": concept(coding(PLAN_DEFINITION_TYPE, "clinical-protocol", "Clinical Protocol")),
        "status": "active",
        "description": "\n\n".join(t for t in (protocol.summary, protocol.disclaimer) if t)
        or protocol.title,
        "purpose": f"Indication: {protocol.indication}. {protocol.patient_information.for_whom}",
        "usage": protocol.patient_information.what_to_expect,
        "topic": [concept(text=protocol.indication)],
        "relatedArtifact": [citation(s) for s in protocol.sources],
        "goal": [goal(o) for o in protocol.expected_outcomes],
        "action": [
            phase_action(protocol, i, phase, rules) for i, phase in enumerate(protocol.phases)
        ],
    }
    if not out["goal"]:
        del out["goal"]
    return out


def computable_name(protocol_id: str) -> str:
    """``face_v2`` -> ``FaceV2``: the computer-friendly name FHIR asks for."""
    name = "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", protocol_id))
    return name if name[:1].isalpha() else f"P{name}"


def citation(source: Source) -> JSON:
    out: JSON = {"type": "citation", "label": source.id, "citation": source.citation}
    if source.note:
        out["display"] = source.note
    if source.url:
        out["url"] = source.url
    return out


def group_site(group: str) -> JSON:
    codings = [coding(ZONE_GROUP_SYSTEM, group)]
    if group in GROUP_SITES:
        code, display = GROUP_SITES[group]
        codings.insert(0, coding(SNOMED, code, display))
    return concept(*codings, text=group)


def route_concept(route: str) -> JSON:
    code, display, _ = ROUTES[route]
    return concept(coding(SNOMED, code, display), text=route)


def rule_id(rule: AreaRule) -> str:
    return "rule-" + "-".join(rule.groups)


def _dosage(rule: AreaRule) -> JSON:
    """How much: a format 2 rule's dose per injection and session budget, or a format 1
    rule's volume per session."""
    where = (
        f"shared by the zones of {', '.join(rule.groups)}; points "
        f"{_num(rule.spacing_cm.default)} cm apart, {_num(rule.depth_mm.default)} mm deep"
    )
    amount: Range
    if rule.dose_per_point_ml is None:
        amount, per = rule.budget, "per session"
        text = (
            f"{rule.route}, {_num(amount.default)} mL per session "
            f"({_num(amount.min)} to {_num(amount.max)} mL) {where}"
        )
    else:
        amount, per = rule.dose_per_point_ml, "per injection"
        budget = rule.budget
        text = (
            f"{rule.route}, {_num(amount.default)} mL per injection ({_num(amount.min)} to "
            f"{_num(amount.max)} mL), at most {_num(budget.default)} mL per session "
            f"({_num(budget.min)} to {_num(budget.max)} mL) {where}"
        )
    return {
        "text": text,
        "route": route_concept(rule.route),
        "doseAndRate": [
            {
                "type": concept(text=per),
                "doseRange": {
                    "low": quantity(amount.min, "ml"),
                    "high": quantity(amount.max, "ml"),
                },
            }
        ],
        "maxDosePerAdministration": quantity(amount.max, "ml"),
    }


def activity_definition(protocol: Protocol, rule: AreaRule) -> JSON:
    """One area rule: where, by which route, how much per injection and per session, how
    far apart and deep."""
    amounts = (
        [range_extension("volume_ml", rule.volume_ml)]
        if rule.volume_ml is not None
        else [
            range_extension("dose_per_point_ml", rule.dose),
            range_extension("budget_ml", rule.budget),
        ]
    )
    caps = [
        complex_extension(
            extension_url("point-cap"),
            [
                *([{"url": "group", "valueCode": cap.group}] if cap.group else []),
                {"url": "maxPoints", "valuePositiveInt": cap.max_points},
            ],
        )
        for cap in rule.point_caps
    ]
    return {
        "resourceType": "ActivityDefinition",
        "id": rule_id(rule),
        "extension": [
            range_extension("spacing_cm", rule.spacing_cm),
            range_extension("depth_mm", rule.depth_mm),
            *amounts,
            *caps,
            extension(extension_url("slow-diffusing-depth"), valueCode=rule.slow_diffusing_depth),
        ],
        "url": canonical("ActivityDefinition", f"{protocol.id}-{'-'.join(rule.groups)}"),
        "version": protocol.version,
        "title": f"Mesotherapy over {', '.join(rule.groups)}",
        "status": "active",
        "kind": "MedicationRequest",
        "code": concept(coding(PROCEDURE_SYSTEM, *MESOTHERAPY), text=MESOTHERAPY[1]),
        "productReference": {"reference": f"#{MIX_ID}"},
        "bodySite": [group_site(g) for g in rule.groups],
        "dosage": [_dosage(rule)],
    }


def _num(value: float) -> str:
    return f"{value:g}"


def range_extension(name: str, value: Range) -> JSON:
    """A protocol range (min, default, max with its source) as a complex extension."""
    unit = name.rsplit("_", 1)[1]
    parts: list[JSON] = [
        {"url": "quantity", "valueCode": name},
        {"url": "min", "valueQuantity": quantity(value.min, unit)},
        {"url": "default", "valueQuantity": quantity(value.default, unit)},
        {"url": "max", "valueQuantity": quantity(value.max, unit)},
        {"url": "source", "valueString": value.source},
    ]
    return complex_extension(extension_url("range"), parts)


def mix_medication(protocol: Protocol) -> JSON:
    return {
        "resourceType": "Medication",
        "id": MIX_ID,
        "code": concept(text="Mesotherapy mix: " + ", ".join(protocol.ingredient_names())),
        "ingredient": [ingredient(i) for i in protocol.ingredients],
    }


def ingredient(item: Ingredient) -> JSON:
    codings = [coding(ATC, item.atc_code)] if item.atc_code else []
    return {
        "itemCodeableConcept": concept(*codings, text=item.name),
        "isActive": item.role == "active",
    }


def reaction_extension(reaction: ExpectedReaction) -> JSON:
    parts: list[JSON] = [
        {"url": "kind", "valueCoding": coding(REACTION_SYSTEM, reaction.kind)},
        {"url": "usualDuration", "valueDuration": quantity(reaction.usual_duration_min, "min")},
        {"url": "maxDuration", "valueDuration": quantity(reaction.max_duration_min, "min")},
    ]
    if reaction.condition is not None:
        parts += [{"url": "mixContains", "valueString": n} for n in reaction.condition.mix_contains]
    return complex_extension(extension_url("expected-reaction"), parts)


def measure_concept(measure: str) -> JSON:
    codings = [coding(MEASURE_SYSTEM, measure)]
    if measure in MEASURES:
        system, code, display = MEASURES[measure]
        standard = coding(system, code, display)
        # thigh circumference: the local code is primary, the SNOMED one broader
        codings = [standard, *codings] if system != SNOMED else [*codings, standard]
    return concept(*codings, text=measure)


def goal(outcome: ExpectedOutcome) -> JSON:
    return {
        "description": concept(text=outcome.description),
        "target": [
            {
                "measure": measure_concept(outcome.measure),
                "detailCodeableConcept": concept(text=outcome.direction),
            }
        ],
    }


def phase_timing(phase: Phase) -> JSON:
    repeat: JSON = {"frequency": 1}
    if phase.interval_days is not None:
        repeat |= {"period": phase.interval_days, "periodUnit": "d"}
    else:
        repeat |= {"period": phase.interval_months, "periodUnit": "mo"}
    if phase.sessions is not None:
        repeat["count"] = phase.sessions
    elif phase.duration_months is not None:
        repeat["boundsDuration"] = quantity(phase.duration_months, "months")
    elif phase.duration_days is not None:
        repeat["boundsDuration"] = quantity(phase.duration_days, "days")
    return {"repeat": repeat}


def _min_interval(phase: Phase) -> JSON:
    if phase.min_interval_months is not None:
        return extension(
            extension_url("min-interval-months"),
            valueDuration=quantity(phase.min_interval_months, "months"),
        )
    return extension(
        extension_url("min-days-between"), valueDuration=quantity(phase.min_days or 0, "days")
    )


def phase_action(protocol: Protocol, index: int, phase: Phase, rules: list[JSON]) -> JSON:
    """A phase: its timing, the minimum gap, and one sub-action per area rule."""
    out: JSON = {
        "id": phase.name,
        "extension": [_min_interval(phase)],
        "title": f"{phase.name} phase",
        "code": [concept(coding(PLAN_ACTION_SYSTEM, "phase", "Phase of sessions"))],
        "timingTiming": phase_timing(phase),
        "action": [
            {"title": rule["title"], "definitionCanonical": f"#{rule['id']}"} for rule in rules
        ],
    }
    if phase.note:
        out["description"] = phase.note
    if index > 0:
        before = protocol.phases[index - 1]
        unit = "days" if phase.interval_days is not None else "months"
        interval = phase.interval_days or phase.interval_months or 0
        out["relatedAction"] = [
            {
                "actionId": before.name,
                "relationship": "after-end",
                "offsetDuration": quantity(interval, unit),
            }
        ]
    return out
