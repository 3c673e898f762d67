"""A PlanDefinition back into a clinic protocol (and the protocol as TOML text).

mesoplan's PlanDefinitions carry the protocol's canonical JSON in the ``protocol-json``
extension and its SHA-256 as the ``identifier``; the import validates that JSON with the
protocol model and checks it against the hash, the ``url``, the ``version`` and the
``title``, so what comes back is the protocol that was exported, byte for byte.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ...domain.errors import Issue, ProtocolError
from ...domain.protocol import Protocol
from ...domain.protocol_text import protocol_from_data
from .codes import CONTENT_HASH_SYSTEM, canonical
from .plan_definition import PROTOCOL_JSON_URL


def protocol_from_plan_definition(
    resource: Mapping[str, Any], source: str = "<PlanDefinition>"
) -> Protocol:
    """The protocol a mesoplan PlanDefinition was exported from.

    Raises :class:`ProtocolError` (file ``source``, field as a FHIR path) when ``resource``
    is not a PlanDefinition, has no ``protocol-json`` extension, or was changed after export.
    """

    def problem(field: str, message: str) -> ProtocolError:
        return ProtocolError([Issue(field=field, message=message, file=source)])

    kind = resource.get("resourceType")
    if kind != "PlanDefinition":
        raise problem("resourceType", f"expected a PlanDefinition, got {kind!r}")
    text = _protocol_json(resource)
    if text is None:
        raise problem(
            "extension",
            f"no {PROTOCOL_JSON_URL} extension: only PlanDefinitions exported by mesoplan "
            "(which carry the protocol's canonical JSON) can be imported",
        )
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise problem("extension", f"the protocol-json extension is not JSON: {exc}") from None
    protocol = protocol_from_data(data, filename=f"{source} (protocol-json extension)")
    for field, message in _mismatches(resource, protocol):
        raise problem(field, message)
    return protocol


def _protocol_json(resource: Mapping[str, Any]) -> str | None:
    for ext in resource.get("extension", []):
        if isinstance(ext, Mapping) and ext.get("url") == PROTOCOL_JSON_URL:
            value = ext.get("valueString")
            return value if isinstance(value, str) else None
    return None


def _mismatches(resource: Mapping[str, Any], protocol: Protocol) -> list[tuple[str, str]]:
    """Visible fields that disagree with the embedded protocol: an edit after export."""
    out: list[tuple[str, str]] = []
    hashes = [
        i.get("value")
        for i in resource.get("identifier", [])
        if isinstance(i, Mapping) and i.get("system") == CONTENT_HASH_SYSTEM
    ]
    if hashes and hashes[0] != protocol.content_hash:
        out.append(
            (
                "identifier",
                f"content hash {hashes[0]} does not match the embedded protocol "
                f"({protocol.content_hash}): the protocol-json extension was edited",
            )
        )
    expected = {
        "url": canonical("PlanDefinition", protocol.id),
        "version": protocol.version,
        "title": protocol.title,
    }
    for field, value in expected.items():
        if field in resource and resource[field] != value:
            out.append(
                (
                    field,
                    f"is {resource[field]!r} but the embedded protocol has {value!r}: change "
                    "a protocol in its TOML file (with a new version), not in the FHIR resource",
                )
            )
    return out


def protocol_toml(protocol: Protocol, origin: str | None = None) -> str:
    """``protocol`` as a protocol file that loads back to the same content hash."""
    import tomli_w

    data = protocol.to_dict(exclude_none=True)
    header = [
        f"# Protocol {protocol.key}, {protocol.content_hash}",
        *([f"# Imported from {origin}"] if origin else []),
        "# mesoplan plans and documents; this file is not medical advice.",
        "",
    ]
    return "\n".join(header) + tomli_w.dumps(data)
