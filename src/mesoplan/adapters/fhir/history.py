"""A patient's safety history: AllergyIntolerance per allergy, MedicationStatement per
medication, one Observation of the screening answers, Consent when consent was given;
and a DetectedIssue per safety rule knowingly overridden."""

from __future__ import annotations

from collections.abc import Iterator

from .codes import OBSERVATION_CATEGORY, SAFETY_RULE_SYSTEM, SCREENING_SYSTEM
from .datatypes import JSON, coding, concept, instant
from .entries import HistoryEntry, OverrideEntry
from .refs import Refs

ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"

Keyed = tuple[str, str, JSON]


def history_resources(entry: HistoryEntry, refs: Refs) -> Iterator[Keyed]:
    """``(resource type, key, resource)`` for each resource of the history."""
    patient = refs.to("Patient", entry.patient_key)
    recorder = refs.to("Practitioner", entry.recorder_key)
    recorded = instant(entry.recorded_at)
    for i, allergy in enumerate(entry.allergies):
        key = f"{entry.key}:allergy:{i}"
        yield (
            "AllergyIntolerance",
            key,
            {
                "resourceType": "AllergyIntolerance",
                "id": refs.id("AllergyIntolerance", key),
                "clinicalStatus": concept(coding(ALLERGY_CLINICAL, "active", "Active")),
                "code": concept(text=allergy),
                "patient": patient,
                "recordedDate": recorded,
                "recorder": recorder,
            },
        )
    for i, medication in enumerate(entry.medications):
        key = f"{entry.key}:medication:{i}"
        yield (
            "MedicationStatement",
            key,
            {
                "resourceType": "MedicationStatement",
                "id": refs.id("MedicationStatement", key),
                "status": "active",
                "medicationCodeableConcept": concept(text=medication),
                "subject": patient,
                "dateAsserted": recorded,
                "informationSource": recorder,
            },
        )
    yield "Observation", f"{entry.key}:screening", screening(entry, refs)
    if entry.consent_given_at is not None:
        yield "Consent", f"{entry.key}:consent", consent(entry, refs)


def screening(entry: HistoryEntry, refs: Refs) -> JSON:
    """The screening answers as one Observation with a boolean component each."""
    return {
        "resourceType": "Observation",
        "id": refs.id("Observation", f"{entry.key}:screening"),
        "status": "final",
        "category": [concept(coding(OBSERVATION_CATEGORY, "social-history", "Social History"))],
        "code": concept(coding(SCREENING_SYSTEM, "safety-screening"), text="safety screening"),
        "subject": refs.to("Patient", entry.patient_key),
        "effectiveDateTime": instant(entry.recorded_at),
        "performer": [refs.to("Practitioner", entry.recorder_key)],
        "component": [
            {"code": concept(coding(SCREENING_SYSTEM, name), text=name), "valueBoolean": value}
            for name, value in entry.flags
        ],
    }


def consent(entry: HistoryEntry, refs: Refs) -> JSON:
    assert entry.consent_given_at is not None
    return {
        "resourceType": "Consent",
        "id": refs.id("Consent", f"{entry.key}:consent"),
        "status": "active",
        "scope": concept(coding(CONSENT_SCOPE, "treatment", "Treatment")),
        "category": [concept(text="consent to mesotherapy treatment")],
        "patient": refs.to("Patient", entry.patient_key),
        "dateTime": instant(entry.consent_given_at),
        "performer": [refs.to("Patient", entry.patient_key)],
        "policyRule": concept(text="the clinic's consent to treatment"),
    }


def detected_issue(entry: OverrideEntry, refs: Refs) -> JSON:
    """A finding of the safety screening (or a lot or vial check) that the practitioner
    overrode: the rule, what it was about, and the reason as the mitigation."""
    author = refs.to("Practitioner", entry.practitioner_key)
    implicated = []
    if entry.course_key is not None:
        implicated.append(refs.to("CarePlan", entry.course_key))
    if entry.session_key is not None:
        implicated.append(refs.to("Procedure", entry.session_key))
    out: JSON = {
        "resourceType": "DetectedIssue",
        "id": refs.id("DetectedIssue", entry.key),
        "status": "final",
        "code": concept(coding(SAFETY_RULE_SYSTEM, entry.code), text=entry.code),
        "patient": refs.to("Patient", entry.patient_key),
        "identifiedDateTime": instant(entry.at),
        "author": author,
        "implicated": implicated,
        "detail": entry.subject,
        "mitigation": [
            {
                "action": concept(text=f"overridden: {entry.reason}"),
                "date": instant(entry.at),
                "author": author,
            }
        ],
    }
    if not implicated:
        del out["implicated"]
    return out
