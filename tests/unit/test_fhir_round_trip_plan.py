"""A course's protocol exported as a PlanDefinition, imported as a TOML protocol and
planned again gives the identical plan JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import mesoplan
from mesoplan import builtin_protocols, load_protocol
from mesoplan.adapters.fhir import plan_definition, protocol_from_plan_definition, protocol_toml
from mesoplan.adapters.plan_output import plan_to_json
from mesoplan.domain.anatomy import zones_in_group

PROTOCOLS = builtin_protocols()


@pytest.mark.parametrize("pid", sorted(PROTOCOLS))
def test_plan_from_the_imported_protocol_is_identical(pid: str, tmp_path: Path) -> None:
    protocol = PROTOCOLS[pid]
    zones = [zones_in_group(group)[0] for group in protocol.groups if zones_in_group(group)]
    assert zones, f"no catalogue zone for {pid}"
    exported = json.dumps(plan_definition(protocol))
    toml = tmp_path / f"{pid}.toml"
    toml.write_text(protocol_toml(protocol_from_plan_definition(json.loads(exported))))
    imported = load_protocol(toml)
    before = plan_to_json(mesoplan.plan(protocol, zones))
    after = plan_to_json(mesoplan.plan(imported, zones))
    assert after == before
    assert json.loads(after)["protocol"]["hash"] == protocol.content_hash
