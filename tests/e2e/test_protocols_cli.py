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
    text = text.replace('version = "2.0.0"', 'version = "2.0.0"\nid_typo = 1', 1)
    text = text.replace('route = "intradermal"', 'route = "intramuscular"', 1)
    text = text.replace("max_points = 50", "max_points = 0", 1)
    bad = tmp_path / "bad.toml"
    bad.write_text(text)
    proc = mesoplan("protocols", "validate", str(good), str(bad))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert f"{good}: ok (cellulite 2.0.0, sha256:" in proc.stdout
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


V1 = Path(__file__).resolve().parents[1] / "protocols_v1"


def test_a_format_1_file_validates_with_a_warning_and_upgrades_keeping_comments(
    mesoplan: Run, tmp_path: Path
) -> None:
    old = tmp_path / "cellulite-1.toml"
    old.write_text((V1 / "cellulite-1.0.0.toml").read_text())
    proc = mesoplan("protocols", "validate", str(old), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    [result] = json.loads(proc.stdout)
    assert result["valid"] and result["format_version"] == 2
    [converted] = [w for w in result["warnings"] if w["field"] == "format_version"]
    assert converted["line"] == 7 and "converted on load to format 2" in converted["message"]
    assert "0.0537 mL a point" in converted["message"]

    out = tmp_path / "cellulite-2.toml"
    done = mesoplan("protocols", "upgrade", str(old), "--output", str(out))
    assert done.returncode == 0, done.stderr
    text = out.read_text()
    assert "format_version = 2\n" in text
    assert "volume_ml" not in text
    assert 'budget_ml = { min = 5.0, default = 10.0, max = 10.0, source = "article"' in text
    assert "dose_per_point_ml = {min = 0.0537, default = 0.0537, max = 0.0537" in text
    # every comment of the file is still there, in its place
    comments = [ln for ln in old.read_text().splitlines() if ln.startswith("#")]
    assert comments == [ln for ln in text.splitlines() if ln.startswith("#")]
    check = mesoplan("protocols", "validate", str(out), "--format", "json")
    [upgraded] = json.loads(check.stdout)
    assert upgraded["valid"] and upgraded["hash"] == result["hash"]
    assert not [w for w in upgraded["warnings"] if w["field"] == "format_version"]
    again = mesoplan("protocols", "upgrade", str(out))
    assert again.returncode == 0 and "already format 2, unchanged" in again.stdout


def test_upgrade_of_a_broken_file_is_exit_2_with_lines(mesoplan: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text((V1 / "face-1.0.0.toml").read_text().replace("route = ", "route_x = ", 1))
    before = bad.read_text()
    proc = mesoplan("protocols", "upgrade", str(bad))
    assert proc.returncode == 2
    assert re.search(rf"{re.escape(str(bad))}:\d+: area_rules\[0\]\.route_x", proc.stderr)
    assert bad.read_text() == before


def test_validate_reports_a_syntax_error_and_a_bad_byte_at_their_lines(
    mesoplan: Run, tmp_path: Path
) -> None:
    text = mesoplan("protocols", "export", "face", check=True).stdout
    syntax = tmp_path / "syntax.toml"
    syntax.write_text(text.replace('title = "Facial', "title = Facial", 1))
    latin = tmp_path / "latin.toml"
    latin.write_bytes(text.encode().replace(b"rejuvenation", b"r\xe9juvenation", 1))
    proc = mesoplan("protocols", "validate", str(syntax), str(latin))
    assert proc.returncode == 2
    line = next(n for n, ln in enumerate(text.splitlines(), 1) if ln.startswith("title ="))
    assert f"{syntax}:{line}: TOML syntax error" in proc.stderr
    first = next(n for n, ln in enumerate(text.splitlines(), 1) if "rejuvenation" in ln)
    assert f"{latin}:{first}: file is not UTF-8 text: byte 0xe9" in proc.stderr
