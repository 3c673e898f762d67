"""Format 1 to format 2: converted on load with a warning, or rewritten by ``upgrade``
keeping the comments; both give the same protocol."""

from __future__ import annotations

from pathlib import Path

import pytest

from mesoplan.domain.protocol_text import read_protocol_text
from mesoplan.domain.protocol_upgrade import round_down_dose, upgrade_protocol
from mesoplan.protocols.library import builtin_protocols, export_builtin_text
from mesoplan.protocols.upgrade import upgrade_text

V1 = Path(__file__).resolve().parents[1] / "protocols_v1"
IDS = ("cellulite", "face", "hair")


def v1_text(pid: str) -> str:
    return (V1 / f"{pid}-1.0.0.toml").read_text("utf-8")


@pytest.mark.parametrize("pid", IDS)
def test_a_format_1_file_is_converted_on_load_with_a_warning(pid: str) -> None:
    read = read_protocol_text(v1_text(pid), f"{pid}.toml")
    p = read.protocol
    assert (p.format_version, p.version) == (2, "1.0.0")
    assert all(r.volume_ml is None and r.dose_per_point_ml is not None for r in p.area_rules)
    [warning] = [w for w in read.warnings if w.field == "format_version"]
    assert warning.line == 7 and "converted on load to format 2" in warning.message


@pytest.mark.parametrize("pid", ["face", "hair"])
def test_the_conversion_derives_the_builtin_doses(pid: str) -> None:
    """The same arithmetic made the 2.0.0 built-ins from the 1.0.0 ones."""
    converted = read_protocol_text(v1_text(pid)).protocol.area_rules[0]
    builtin = builtin_protocols()[pid].area_rules[0]
    assert converted.budget_ml == builtin.budget_ml
    d, b = converted.dose, builtin.dose
    assert (d.min, d.default, d.max) == (b.min, b.default, b.max)


def test_the_cellulite_conversion_counts_the_capped_whole_area() -> None:
    # thighs: 720 lattice points capped at 50, hips 136: 10 mL / 186 = 0.0537 mL;
    # stomach: 5 mL / 124 points (the navel kept out) = 0.0403 mL
    rules = read_protocol_text(v1_text("cellulite")).protocol.area_rules
    assert [r.dose.default for r in rules] == [0.0537, 0.0403]
    assert [r.budget.default for r in rules] == [10.0, 5.0]


def test_derived_doses_round_down_and_keep_the_floor() -> None:
    assert round_down_dose(3 / 1873) == 0.0016
    assert round_down_dose(0.00999) == 0.0099
    assert round_down_dose(0.00008) == 0.001
    assert round_down_dose(0.2) == 0.2


@pytest.mark.parametrize("pid", IDS)
def test_upgrade_keeps_every_comment_and_gives_the_converted_protocol(pid: str) -> None:
    old = v1_text(pid)
    new = upgrade_text(old, f"{pid}.toml")
    comments = [line for line in old.splitlines() if line.lstrip().startswith("#")]
    assert comments == [line for line in new.splitlines() if line.lstrip().startswith("#")]
    upgraded = read_protocol_text(new)
    assert not [w for w in upgraded.warnings if w.field == "format_version"]
    on_load = read_protocol_text(old).protocol
    assert upgraded.protocol.content_hash == on_load.content_hash
    assert upgrade_protocol(upgraded.protocol) is upgraded.protocol


def test_upgrade_without_a_format_line_and_of_a_format_2_file() -> None:
    old = v1_text("hair").replace("format_version = 1\n", "", 1)
    new = upgrade_text(old)
    assert new.index("format_version = 2") < new.index("[[sources]]")
    assert read_protocol_text(new).protocol.format_version == 2
    current = export_builtin_text("face")
    assert upgrade_text(current) == current
