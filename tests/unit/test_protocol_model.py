"""The protocol model as stdlib dataclasses: same content and hashes whichever way it is
built, the same rules when built directly, and no pydantic to use it."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
import tomllib
from typing import Any

import pytest

from mesoplan.domain.checked import FieldError, build
from mesoplan.domain.protocol import AreaRule, Phase, PointCap, Protocol, Range, Route
from mesoplan.domain.protocol_text import parse_protocol_text, protocol_from_data
from mesoplan.protocols.library import BUILTIN_IDS, builtin_protocols, export_builtin_text

# The content hashes of the built-ins: a change to the model or its canonical JSON that
# moves one of these would orphan every course snapshot stored under the old hash.
HASHES = {
    "cellulite": "sha256:e65aff0873ceb4865cf6210b4774db18649ebb19ee72d8317eade586c1cc8ef9",
    "face": "sha256:380ea5c1a4e8afe2e8abc017787c1255dbbfad9c85c0f5526f3e5e4a434e1039",
    "hair": "sha256:f39de466a9296e5721a0069f93e0d5e0201a15dc20e3d7212a0faefeabf486eb",
}


def data(protocol_id: str) -> dict[str, Any]:
    return tomllib.loads(export_builtin_text(protocol_id))


def rng(low: float, default: float, high: float) -> Range:
    return Range(min=low, default=default, max=high, source="article")


@pytest.mark.parametrize("protocol_id", BUILTIN_IDS)
def test_builtin_hashes_are_pinned(protocol_id: str) -> None:
    assert builtin_protocols()[protocol_id].content_hash == HASHES[protocol_id]


@pytest.mark.parametrize("protocol_id", BUILTIN_IDS)
def test_typed_constructor_and_pydantic_give_the_same_protocol(protocol_id: str) -> None:
    fast = build(Protocol, data(protocol_id))
    validated = parse_protocol_text(export_builtin_text(protocol_id))
    assert fast == validated
    assert fast.canonical_json() == validated.canonical_json()
    assert fast.content_hash == validated.content_hash == HASHES[protocol_id]


@pytest.mark.parametrize("protocol_id", BUILTIN_IDS)
def test_to_dict_round_trips_through_both_paths(protocol_id: str) -> None:
    p = builtin_protocols()[protocol_id]
    content = p.to_dict()
    assert content["area_rules"][0]["route"] in ("intradermal", "subcutaneous")
    assert isinstance(content["phases"], list)
    assert json.loads(json.dumps(content)) == content
    assert build(Protocol, content) == p == protocol_from_data(content)
    slim = p.to_dict(exclude_none=True)
    assert "None" not in repr(slim) and protocol_from_data(slim) == p


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (lambda d: d.update(id_typo=1), "unknown field(s) id_typo"),
        (lambda d: d.pop("title"), "missing field(s) title"),
        (lambda d: d.update(follow_up_days="84"), "expected int"),
        (lambda d: d.update(follow_up_days=True), "expected int"),
        (lambda d: d["area_rules"][0].update(route="intramuscular"), "not a valid Route"),
        (lambda d: d["area_rules"][0]["spacing_cm"].update(min="2"), "expected float"),
        (lambda d: d.update(format_version=2), "expected one of (1,)"),
        (lambda d: d.update(phases={}), "expected a list"),
    ],
)
def test_typed_constructor_is_strict(change: Any, fragment: str) -> None:
    d = data("cellulite")
    change(d)
    with pytest.raises(ValueError, match=re.escape(fragment)):
        build(Protocol, d)


def test_typed_constructor_runs_the_model_checks() -> None:
    d = data("cellulite")
    d["area_rules"][0]["point_caps"][0]["max_points"] = 0
    with pytest.raises(FieldError, match="greater than 0") as info:
        build(Protocol, d)
    assert info.value.field == "max_points"


def test_direct_construction_checks_the_same_rules() -> None:
    with pytest.raises(ValueError, match="min <= default <= max"):
        rng(1.0, 3.0, 2.0)
    with pytest.raises(ValueError, match="min must be greater than 0"):
        rng(0.0, 1.0, 2.0)
    with pytest.raises(ValueError, match="exactly one of sessions"):
        Phase(name="p", interval_days=7, min_days_between=6, source="x")
    with pytest.raises(FieldError, match="unknown zone group 'belly'") as info:
        AreaRule(
            groups=("belly",),
            route=Route.INTRADERMAL,
            spacing_cm=rng(1, 2, 3),
            depth_mm=rng(1, 2, 3),
            volume_ml=rng(1, 2, 3),
        )
    assert info.value.field == "groups"
    with pytest.raises(FieldError, match="at least 1 character"):
        PointCap(max_points=3, source="")
    with pytest.raises(FieldError, match="version must look like"):
        dataclasses.replace(builtin_protocols()["face"], version="one")


def test_the_model_is_frozen_and_hashable() -> None:
    p = builtin_protocols()["hair"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.version = "2"  # type: ignore[misc]
    assert {p: 1}[build(Protocol, data("hair"))] == 1


def test_using_a_builtin_protocol_loads_no_pydantic() -> None:
    code = (
        "import sys\n"
        "from mesoplan.protocols.library import builtin_protocols\n"
        "p = builtin_protocols()['cellulite']\n"
        "p.content_hash, p.to_dict(), p.rule_for_group('thighs')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pydantic'))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
