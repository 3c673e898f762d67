"""Check FHIR JSON the way a receiving system would: the official R4 JSON schema and the
fhir.resources models.

The schema (``tests/fhir_schema/fhir.schema.json``) is loaded once into a ``referencing``
registry; each resource type gets one cached validator whose schema is only a ``$ref`` to
``#/definitions/<Type>`` of the full document, so a Patient is checked against the Patient
definition instead of the ``oneOf`` over every resource type.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft6Validator
from jsonschema.validators import extend
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT6

SCHEMA_PATH = Path(__file__).resolve().parent / "fhir_schema" / "fhir.schema.json"
SCHEMA_ID = "http://hl7.org/fhir/json-schema/4.0"


@cache
def _registry() -> Registry[Any]:
    document = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert document["id"] == SCHEMA_ID
    return Registry().with_resource(SCHEMA_ID, Resource(contents=document, specification=DRAFT6))


@cache
def resource_types() -> frozenset[str]:
    document = _registry().contents(SCHEMA_ID)
    return frozenset(document["discriminator"]["mapping"])


_ONE_OF = Draft6Validator.VALIDATORS["oneOf"]


def _one_of(validator: Any, one_of: Any, instance: Any, schema: Any) -> Any:
    """``oneOf`` that goes straight to the branch a resource's ``resourceType`` names when
    the branches are the schema's ``ResourceList`` (Bundle entries, contained resources).

    The same verdict as plain ``oneOf``: every resource definition requires
    ``resourceType`` with a ``const`` of its own name, so no other branch can match.
    Without the shortcut every branch is walked, and nested resources make a Bundle take
    seconds to check.
    """
    kind = instance.get("resourceType") if isinstance(instance, dict) else None
    target = {"$ref": f"#/definitions/{kind}"}
    if isinstance(kind, str) and kind in resource_types() and target in one_of:
        yield from validator.descend(instance, target, schema_path=one_of.index(target))
        return
    yield from _ONE_OF(validator, one_of, instance, schema)


_Validator = extend(Draft6Validator, {"oneOf": _one_of})


@cache
def validator_for(resource_type: str) -> Any:
    """One validator per resource type, built on first use and kept."""
    if resource_type not in resource_types():
        raise AssertionError(f"{resource_type!r} is not an R4 resource type")
    schema = {"$ref": f"{SCHEMA_ID}#/definitions/{resource_type}"}
    return _Validator(schema, registry=_registry())


def schema_errors(resource: Mapping[str, Any]) -> list[str]:
    """Every schema error of one resource, as ``path: message`` lines."""
    validator = validator_for(str(resource.get("resourceType")))
    return [
        f"{'/'.join(map(str, err.absolute_path)) or '<root>'}: {err.message}"
        for err in sorted(validator.iter_errors(resource), key=lambda e: list(e.absolute_path))
    ]


def parse_model(resource: Mapping[str, Any]) -> Any:
    """Parse with the fhir.resources R4B model of the resource's type (raises if invalid)."""
    from fhir.resources.R4B import get_fhir_model_class

    model = get_fhir_model_class(str(resource["resourceType"]))
    return model.model_validate(dict(resource))


def assert_valid(resource: Mapping[str, Any]) -> None:
    """The resource validates against the R4 schema and parses with its R4B model.

    A Bundle's entries are first checked one by one against their own type (clear
    messages), then the Bundle as a whole (whose entries go through the schema's
    ``ResourceList``)."""
    if resource.get("resourceType") == "Bundle":
        for entry in resource.get("entry", []):
            assert_valid(entry["resource"])
    errors = schema_errors(resource)
    assert not errors, f"{resource.get('resourceType')} fails the R4 schema:\n" + "\n".join(
        errors[:20]
    )
    parse_model(resource)


def assert_all_valid(resources: Iterable[Mapping[str, Any]]) -> int:
    count = 0
    for resource in resources:
        assert_valid(resource)
        count += 1
    return count


def unresolved_references(bundle: Mapping[str, Any]) -> list[str]:
    """References inside a Bundle's resources that name no entry's fullUrl (contained
    ``#id`` references and canonical URLs are not checked here)."""
    full_urls = {entry["fullUrl"] for entry in bundle.get("entry", [])}
    missing: list[str] = []
    for entry in bundle.get("entry", []):
        for ref in _references(entry["resource"]):
            if not ref.startswith("#") and ref not in full_urls:
                missing.append(ref)
    return missing


def _references(node: Any) -> Iterable[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference" and isinstance(value, str):
                yield value
            else:
                yield from _references(value)
    elif isinstance(node, list):
        for item in node:
            yield from _references(item)
