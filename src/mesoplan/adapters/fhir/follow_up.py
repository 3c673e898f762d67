"""What follows a session: Observation per outcome measurement, AdverseEvent per
reaction, Provenance per signature."""

from __future__ import annotations

import base64

from ...domain.outcomes import kind as measurement_kind
from .codes import (
    MEASURE_SYSTEM,
    OBSERVATION_CATEGORY,
    PROVENANCE_PARTICIPANT,
    REACTION_SYSTEM,
    SIGNATURE_TYPE,
    UCUM,
    extension_url,
)
from .datatypes import JSON, coding, concept, extension, instant, number, quantity
from .entries import MeasurementEntry, ReactionEntry, SignatureEntry
from .plan_definition import measure_concept
from .refs import Refs

AE_SEVERITY = "http://terminology.hl7.org/CodeSystem/adverse-event-severity"
AE_OUTCOME = "http://terminology.hl7.org/CodeSystem/adverse-event-outcome"
_UCUM_UNITS = {"cm": ("cm", "cm"), "hairs/cm²": ("/cm2", "/cm2")}

SIGNATURE_TYPES = {
    # role -> (ASTM E1762 signature type, display, provenance participant type)
    "author": ("1.2.840.10065.1.12.1.1", "Author's Signature", "author"),
    "cosigner": ("1.2.840.10065.1.12.1.5", "Verification Signature", "verifier"),
    "addendum": ("1.2.840.10065.1.12.1.15", "Addendum Signature", "author"),
}


def _component(name: str, **value: object) -> JSON:
    return {"code": concept(coding(MEASURE_SYSTEM, name), text=name), **value}


def observation(entry: MeasurementEntry, refs: Refs) -> JSON:
    """One outcome measurement: a UCUM quantity, an integer on a scale, or a photo."""
    m = entry.measurement
    k = measurement_kind(m.kind)
    out: JSON = {
        "resourceType": "Observation",
        "id": refs.id("Observation", entry.key),
        "status": "final",
        "category": [concept(coding(OBSERVATION_CATEGORY, "exam", "Exam"))],
        "code": measure_concept(m.kind),
        "subject": refs.to("Patient", entry.patient_key),
        "effectiveDateTime": instant(m.taken_at),
        "performer": [refs.to("Practitioner", entry.practitioner_key)],
    }
    if entry.course_key is not None:
        out["basedOn"] = [refs.to("CarePlan", entry.course_key)]
    if m.photo is not None:
        out["valueString"] = m.photo.file
        out["component"] = [
            _component(name, valueString=getattr(m.photo, name))
            for name in ("camera", "lighting", "pose")
        ]
    elif m.value is not None and k.unit in _UCUM_UNITS:
        unit, code = _UCUM_UNITS[k.unit]
        out["valueQuantity"] = {
            "value": number(m.value),
            "unit": unit,
            "system": UCUM,
            "code": code,
        }
    elif m.value is not None:
        out["valueInteger"] = int(m.value)
        if int(m.value) in k.labels:
            out["interpretation"] = [concept(text=k.labels[int(m.value)])]
    if m.note:
        out["note"] = [{"text": m.note}]
    if m.site:
        out["bodySite"] = concept(text=m.site)
    if m.height_above_kneecap_cm is not None:
        height = quantity(m.height_above_kneecap_cm, "cm")
        out.setdefault("component", []).append(
            _component("height_above_kneecap_cm", valueQuantity=height)
        )
    return out


def adverse_event(entry: ReactionEntry, refs: Refs) -> JSON:
    r = entry.reaction
    extensions: list[JSON] = []
    if r.duration_min is not None:
        extensions.append(
            extension(extension_url("duration"), valueDuration=quantity(r.duration_min, "min"))
        )
    if entry.zone_key is not None:
        zone = refs.to("BodyStructure", entry.zone_key, display=r.zone)
        extensions.append(extension(extension_url("zone"), valueReference=zone))
    else:
        extensions.append(extension(extension_url("zone"), valueString=r.zone))
    extensions += [extension(extension_url("reaction-flag"), valueString=f) for f in entry.flags]
    if r.note:
        extensions.append(extension(extension_url("note"), valueString=r.note))
    out: JSON = {
        "resourceType": "AdverseEvent",
        "id": refs.id("AdverseEvent", entry.key),
        "extension": extensions,
        "actuality": "actual",
        "event": concept(coding(REACTION_SYSTEM, r.kind), text=r.kind.replace("_", " ")),
        "subject": refs.to("Patient", entry.patient_key),
        "date": instant(r.onset),
        "recordedDate": instant(entry.recorded_at),
        "severity": concept(coding(AE_SEVERITY, r.severity.value)),
        "outcome": concept(
            coding(AE_OUTCOME, "resolved" if r.resolved else "ongoing"),
        ),
        "suspectEntity": [{"instance": refs.to("Procedure", entry.session_key)}],
    }
    if entry.recorder_key is not None:
        out["recorder"] = refs.to("Practitioner", entry.recorder_key)
    return out


def provenance(entry: SignatureEntry, refs: Refs) -> JSON:
    """A signature on a session (the author's, a co-signature or a signed addendum)."""
    sig_code, sig_display, agent_type = SIGNATURE_TYPES[entry.role]
    who = refs.to("Practitioner", entry.practitioner_key)
    out: JSON = {
        "resourceType": "Provenance",
        "id": refs.id("Provenance", entry.key),
        "target": [refs.to("Procedure", entry.session_key)],
        "recorded": instant(entry.signed_at),
        "agent": [{"type": concept(coding(PROVENANCE_PARTICIPANT, agent_type)), "who": who}],
        "signature": [
            {
                "type": [coding(SIGNATURE_TYPE, sig_code, sig_display)],
                "when": instant(entry.signed_at),
                "who": who,
                "data": base64.b64encode(entry.signature.encode("utf-8")).decode("ascii"),
            }
        ],
    }
    if entry.text:
        out["extension"] = [extension(extension_url("addendum"), valueString=entry.text)]
    return out
