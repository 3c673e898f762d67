"""The protocol model as stdlib dataclasses: same content and hashes whichever way it is
built, the same rules when built directly, and no pydantic to use it."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from mesoplan.domain.checked import FieldError, build
from mesoplan.domain.protocol import (
    AreaRule,
    DepthRange,
    DoseRange,
    Phase,
    PointCap,
    Protocol,
    Range,
    Route,
    SpacingRange,
    VolumeRange,
)
from mesoplan.domain.protocol_text import parse_protocol_text, protocol_from_data
from mesoplan.protocols.library import BUILTIN_IDS, builtin_protocols, export_builtin_text

# The content hashes of the built-ins: a change to the model or its canonical JSON that
# moves one of these would orphan every course snapshot stored under the old hash.
HASHES = {
    "cellulite": "sha256:c5c249e7019d9a71eed905132ca9da249c68ee0e8d1b8c742530e065e54684ed",
    "face": "sha256:a3094a0b49c2c6b9322324ede9da5e31b4166429aaaf829e3cfcd7cdc812220b",
    "hair": "sha256:c381face34379ec8d67db41a9fa78a2ca29d3613a1bb0bf28719ef5b5733fe64",
}
# The format 1 built-ins (1.0.0): courses stored before format 2 hold these snapshots.
V1_HASHES = {
    "cellulite": "sha256:7fa2dc770d5285113f06a3f331e137f14acd87a7b74245790f21e0c8cefec73f",
    "face": "sha256:cbfa7ea042c74f7afa2dcabd15025e4a17c3b88ce1fde6c5da2b2e7051a6d0ec",
    "hair": "sha256:718fe8df977398109b9ae791a9f5156396dba297e1d0a12afd35e8de88147882",
}
V1_DIR = Path(__file__).resolve().parents[1] / "protocols_v1"


P_FACE_RULE = builtin_protocols()["face"].area_rules[0]


def data(protocol_id: str) -> dict[str, Any]:
    return tomllib.loads(export_builtin_text(protocol_id))


def rng(low: float, default: float, high: float) -> Range:
    return Range(min=low, default=default, max=high, source="article")


@pytest.mark.parametrize("protocol_id", BUILTIN_IDS)
def test_builtin_hashes_are_pinned(protocol_id: str) -> None:
    assert builtin_protocols()[protocol_id].content_hash == HASHES[protocol_id]


@pytest.mark.parametrize("protocol_id", BUILTIN_IDS)
def test_format_1_content_keeps_its_hash(protocol_id: str) -> None:
    """A stored format 1 snapshot reads back as format 1 with its old hash: the fields
    format 2 added are left out of its canonical JSON."""
    content = tomllib.loads((V1_DIR / f"{protocol_id}-1.0.0.toml").read_text("utf-8"))
    v1 = protocol_from_data(content)
    assert v1.format_version == 1
    assert v1.content_hash == V1_HASHES[protocol_id]
    assert protocol_from_data(json.loads(v1.canonical_json())).content_hash == v1.content_hash
    assert build(Protocol, content).content_hash == V1_HASHES[protocol_id]
    assert "dose_per_point_ml" not in v1.canonical_json()


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
        (lambda d: d.update(format_version=3), "expected one of (1, 2)"),
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
            spacing_cm=SpacingRange(min=1, default=2, max=3, source="x"),
            depth_mm=DepthRange(min=1, default=2, max=3, source="x"),
            volume_ml=VolumeRange(min=1, default=2, max=3, source="x"),
        )
    assert info.value.field == "groups"
    with pytest.raises(FieldError, match="required field is missing") as info:
        dataclasses.replace(
            builtin_protocols()["face"],
            area_rules=(dataclasses.replace(P_FACE_RULE, dose_per_point_ml=None),),
        )
    assert info.value.path == ("area_rules", 0, "dose_per_point_ml")
    with pytest.raises(FieldError, match=r"a dose per point below 0\.001 mL is not plausible"):
        DoseRange(min=0.0005, default=0.001, max=0.002, source="x")
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
