"""``mesoplan protocols`` as a subprocess."""

from __future__ import annotations

import json
import re
from pathlib import Path

from .conftest import Run


def test_list_json(mesoplan: Run) -> None:
    rows = json.loads(mesoplan("protocols", "list", "--format", "json", check=True).stdout)
    assert [r["id"] for r in rows] == ["cellulite", "face", "hair"]
    assert all(r["hash"].startswith("sha256:") for r in rows)
    assert rows[0]["groups"] == ["thighs", "hips", "stomach"]


def test_list_text_and_show_text(mesoplan: Run) -> None:
    out = mesoplan("protocols", "list", check=True).stdout
    assert "cellulite" in out and "face" in out and "hair" in out
    show = mesoplan("protocols", "show", "cellulite", check=True).stdout
    assert "tefamine" in show and "2 cm" in show and "[article]" in show


def test_show_json_has_every_number(mesoplan: Run) -> None:
    data = json.loads(mesoplan("protocols", "show", "face", "--format", "json", check=True).stdout)
    rule = data["area_rules"][0]
    assert rule["spacing_cm"]["min"] == 0.1 and rule["spacing_cm"]["max"] == 1.0
    assert rule["depth_mm"]["min"] == 0.2 and rule["depth_mm"]["max"] == 0.6
    assert data["phases"][0]["sessions"] == 10


def test_unknown_protocol_is_one_line_exit_2(mesoplan: Run) -> None:
    proc = mesoplan("protocols", "show", "botox")
    assert proc.returncode == 2
    assert proc.stderr.strip() == "error: unknown protocol 'botox'; valid: cellulite, face, hair"
    assert "Traceback" not in proc.stderr


def test_validate_three_mistakes(mesoplan: Run, tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    assert mesoplan("protocols", "export", "cellulite", "--output", str(good)).returncode == 0
    text = good.read_text()
    text = text.replace('version = "1.0.0"', 'version = "1.0.0"\nid_typo = 1', 1)
    text = text.replace('route = "intradermal"', 'route = "intramuscular"', 1)
    text = text.replace("max_points = 50", "max_points = 0", 1)
    bad = tmp_path / "bad.toml"
    bad.write_text(text)
    proc = mesoplan("protocols", "validate", str(good), str(bad))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert f"{good}: ok (cellulite 1.0.0, sha256:" in proc.stdout
    lines = [ln for ln in proc.stderr.splitlines() if ln.startswith(str(bad))]
    assert len(lines) == 3
    for line in lines:
        assert re.match(rf"{re.escape(str(bad))}:\d+: \S+: .+", line), line
    assert any("id_typo" in ln and "unknown field" in ln for ln in lines)
    assert any("area_rules[0].route" in ln and "'intradermal'" in ln for ln in lines)
    assert any("point_caps[0].max_points" in ln for ln in lines)
    assert proc.stderr.strip().endswith("3 errors found")


def test_validate_json(mesoplan: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('id = "x"\n')
    proc = mesoplan("protocols", "validate", str(bad), "--format", "json")
    assert proc.returncode == 2
    [result] = json.loads(proc.stdout)
    assert result["valid"] is False
    assert {e["field"] for e in result["errors"]} >= {"version", "title", "sources"}


def test_clinic_protocol_folder(mesoplan: Run, tmp_path: Path) -> None:
    folder = tmp_path / "protocols"
    folder.mkdir()
    text = mesoplan("protocols", "export", "hair", check=True).stdout
    mine = text.replace('id = "hair"', 'id = "clinic-hair"').replace(
        "duration_months = 6", "duration_months = 9"
    )
    (folder / "clinic-hair.toml").write_text(mine)
    env = {"MESOPLAN_PROTOCOL_PATH": str(folder)}
    rows = json.loads(mesoplan("protocols", "list", "--format", "json", env=env, check=True).stdout)
    assert [r["id"] for r in rows] == ["cellulite", "clinic-hair", "face", "hair"]
    exported = mesoplan("protocols", "export", "clinic-hair", env=env, check=True).stdout
    assert exported == mine
    # the same id and version with other content is refused
    (folder / "copy.toml").write_text(mine.replace("duration_months = 9", "duration_months = 10"))
    proc = mesoplan("protocols", "list", env=env)
    assert proc.returncode == 2
    assert "different content" in proc.stderr
