"""FHIR R4 (4.0.1): mesoplan's protocols, courses and records as FHIR JSON.

Each builder returns the JSON dict of one resource, built directly from domain objects
(no FHIR model objects on the export path: bulk export must be fast). The mapping, the
code systems and one example per resource are in docs/fhir.md.
"""

from .apply import apply_care_plan
from .plan_definition import plan_definition, plan_definition_canonical
from .protocol_import import protocol_from_plan_definition, protocol_toml

__all__ = [
    "apply_care_plan",
    "plan_definition",
    "plan_definition_canonical",
    "protocol_from_plan_definition",
    "protocol_toml",
]
