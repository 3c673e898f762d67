"""docs/fhir.md kept honest: its examples are valid R4, and every local code system and
extension the code uses is explained there."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.fhir_check import assert_valid

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "fhir.md").read_text(encoding="utf-8")
SOURCE = "\n".join(
    p.read_text(encoding="utf-8") for p in (ROOT / "src/mesoplan/adapters/fhir").glob("*.py")
)
EXAMPLES = re.findall(r"```json\n(.*?)\n```", DOC, flags=re.S)


@pytest.mark.parametrize("index", range(len(EXAMPLES)))
def test_every_example_is_valid_r4(index: int) -> None:
    assert_valid(json.loads(EXAMPLES[index]))


def test_one_example_per_resource_type() -> None:
    kinds = {json.loads(e)["resourceType"] for e in EXAMPLES}
    assert kinds == {
        "PlanDefinition",
        "CarePlan",
        "Organization",
        "Practitioner",
        "Patient",
        "BodyStructure",
        "Procedure",
        "MedicationAdministration",
        "Observation",
        "AdverseEvent",
        "Provenance",
        "AllergyIntolerance",
        "MedicationStatement",
        "Consent",
        "DetectedIssue",
    }


def test_every_local_system_and_extension_is_documented() -> None:
    names = set(re.findall(r'(?:code_system|extension_url)\("([a-z-]+)"\)', SOURCE))
    assert len(names) > 15
    missing = sorted(n for n in names if f"`{n}`" not in DOC)
    assert not missing, f"not explained in docs/fhir.md: {missing}"
