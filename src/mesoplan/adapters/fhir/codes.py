"""Code systems, extension URLs and the codes mesoplan's FHIR resources use.

Standard codes are taken from public FHIR material (docs/fhir.md lists them with their
meaning). Where no standard code exists (zone groups and zones, mesotherapy itself, most
outcome measures, reaction kinds, plan actions), a local code system under
:data:`BASE` is used and named as such; docs/fhir.md explains each.
"""

from __future__ import annotations

from typing import Final

BASE: Final = "https://mesoplan.org/fhir"
"""Namespace of mesoplan's canonical URLs: identifiers, not addresses a receiver fetches."""

SNOMED: Final = "http://snomed.info/sct"
LOINC: Final = "http://loinc.org"
UCUM: Final = "http://unitsofmeasure.org"
ATC: Final = "http://www.whocc.no/atc"
V3_ROUTE: Final = "http://terminology.hl7.org/CodeSystem/v3-RouteOfAdministration"
PLAN_DEFINITION_TYPE: Final = "http://terminology.hl7.org/CodeSystem/plan-definition-type"
OBSERVATION_CATEGORY: Final = "http://terminology.hl7.org/CodeSystem/observation-category"
PROVENANCE_PARTICIPANT: Final = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
SIGNATURE_TYPE: Final = "urn:iso-astm:E1762-95:2013"


def code_system(name: str) -> str:
    """URL of a local code system, e.g. ``code_system("zone-group")``."""
    return f"{BASE}/CodeSystem/{name}"


def extension_url(name: str) -> str:
    """URL of a mesoplan extension, e.g. ``extension_url("protocol-json")``."""
    return f"{BASE}/StructureDefinition/{name}"


def canonical(resource_type: str, ident: str) -> str:
    return f"{BASE}/{resource_type}/{ident}"


ZONE_GROUP_SYSTEM: Final = code_system("zone-group")
ZONE_SYSTEM: Final = code_system("zone")
PROCEDURE_SYSTEM: Final = code_system("procedure")
MEASURE_SYSTEM: Final = code_system("measure")
REACTION_SYSTEM: Final = code_system("reaction")
PLAN_ACTION_SYSTEM: Final = code_system("plan-action")
CONTENT_HASH_SYSTEM: Final = code_system("protocol-content-hash")
SCREENING_SYSTEM: Final = code_system("screening")
SAFETY_RULE_SYSTEM: Final = code_system("safety-rule")

MESOTHERAPY: Final = ("mesotherapy-session", "Mesotherapy session (intradermal microinjections)")
"""No SNOMED CT code for mesotherapy was found: a local code."""

ROUTES: Final[dict[str, tuple[str, str, str]]] = {
    # route -> (SNOMED CT code, SNOMED display, HL7 v3 route code)
    "intradermal": ("372464004", "Intradermal route", "IDINJ"),
    "subcutaneous": ("34206005", "Subcutaneous route", "SQ"),
}

GROUP_SITES: Final[dict[str, tuple[str, str]]] = {
    # zone group -> SNOMED CT body structure; groups without a code carry only the local one
    "thighs": ("68367000", "Thigh structure"),
    "hips": ("29836001", "Hip region structure"),
    "stomach": ("818981001", "Abdomen structure"),
    "buttocks": ("46862004", "Buttock structure"),
    "face": ("89545001", "Face structure"),
    "scalp": ("41695006", "Scalp structure"),
}

SKIN_SITES: Final[dict[str, tuple[str, str]]] = {
    # zone kind -> SNOMED CT skin structure (the layer mesotherapy injects)
    "scalp": ("43067004", "Skin structure of scalp"),
    "face": ("73897004", "Skin structure of face"),
    "thigh_anterior": ("61248009", "Skin structure of anterior thigh"),
    "thigh_posterior": ("4578000", "Skin structure of posterior thigh"),
    "thigh_medial": ("73958006", "Skin structure of medial thigh"),
    "buttock": ("22180002", "Skin structure of buttock"),
    "abdomen": ("75093004", "Skin structure of abdomen"),
}

MEASURES: Final[dict[str, tuple[str, str, str]]] = {
    # measure -> (system, code, display); only LOINC/SNOMED codes found in public material
    "waist_circumference_cm": (LOINC, "8280-0", "Waist Circumference at umbilicus by Tape measure"),
    "body_weight_kg": (LOINC, "29463-7", "Body weight"),
    "thigh_circumference_cm": (
        SNOMED,
        "413171006",
        "Lower limb circumference (observable entity)",
    ),
}
"""Measures with a standard code; every other measure uses :data:`MEASURE_SYSTEM` alone.
Thigh circumference has no LOINC code: the local code is primary and the SNOMED CT lower
limb circumference observable is added as a broader second coding."""
