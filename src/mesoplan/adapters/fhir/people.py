"""Organization (the clinic), Practitioner and Patient."""

from __future__ import annotations

from .codes import BASE
from .datatypes import JSON, concept
from .entries import ClinicEntry, PatientEntry, PractitionerEntry
from .refs import Refs

HANDLE_SYSTEM = f"{BASE}/practitioner-handle"
LICENCE_SYSTEM = f"{BASE}/practitioner-licence"
_GENDERS = {"female": "female", "f": "female", "male": "male", "m": "male", "other": "other"}


def organization(clinic: ClinicEntry, refs: Refs) -> JSON:
    return {
        "resourceType": "Organization",
        "id": refs.id("Organization", clinic.key),
        "active": True,
        "name": clinic.name,
    }


def practitioner(entry: PractitionerEntry, refs: Refs) -> JSON:
    identifiers = [{"system": HANDLE_SYSTEM, "value": entry.handle}]
    if entry.licence:
        identifiers.append({"system": LICENCE_SYSTEM, "value": entry.licence})
    return {
        "resourceType": "Practitioner",
        "id": refs.id("Practitioner", entry.key),
        "identifier": identifiers,
        "active": True,
        "name": [{"text": entry.name}],
        "qualification": [{"code": concept(text=entry.role)}],
    }


def gender(sex: str) -> str:
    """The stored sex as FHIR administrative gender (``unknown`` when not one of them)."""
    return _GENDERS.get(sex.strip().lower(), "unknown")


def patient(entry: PatientEntry, refs: Refs) -> JSON:
    out: JSON = {
        "resourceType": "Patient",
        "id": refs.id("Patient", entry.key),
        "active": True,
        "name": [{"use": "official", "family": entry.family_name, "given": [entry.given_name]}],
        "gender": gender(entry.sex),
        "birthDate": entry.birth_date.isoformat(),
        "managingOrganization": refs.to("Organization", entry.clinic_key),
    }
    if entry.identifiers:
        out["identifier"] = [{"system": s, "value": v} for s, v in entry.identifiers]
    telecom = [{"system": "phone", "value": entry.phone}] if entry.phone else []
    if entry.email:
        telecom.append({"system": "email", "value": entry.email})
    if telecom:
        out["telecom"] = telecom
    return out
