"""``mesoplan plan`` with a built-in protocol starts fast: it loads no validation library,
no ORM, no web framework and no calendar library."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("pydantic", "pydantic_core", "sqlalchemy", "fastapi", "starlette", "icalendar")

CODE = """
import json, sys
sys.argv = ['mesoplan', *json.loads(sys.argv[1])]
from mesoplan.entrypoints.cli import main
try:
    main()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
top = sorted({m.split('.')[0] for m in sys.modules})
sys.stderr.write('\\nMODULES ' + json.dumps({'code': code, 'top': top}) + '\\n')
"""


def loaded(args: list[str], tmp_path: Path) -> tuple[dict[str, object], str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MESOPLAN_")}
    env["MESOPLAN_DATA_DIR"] = str(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-c", CODE, json.dumps(args)],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    marker = [ln for ln in proc.stderr.splitlines() if ln.startswith("MODULES ")]
    assert marker, proc.stderr
    return json.loads(marker[-1][len("MODULES ") :]), proc.stdout


@pytest.mark.parametrize(
    ("protocol", "zone"), [("cellulite", "thigh-left-lateral"), ("face", "face")]
)
def test_plan_with_a_builtin_loads_no_heavy_library(
    protocol: str, zone: str, tmp_path: Path
) -> None:
    args = ["plan", "--protocol", protocol, "--zone", zone, "--format", "json"]
    result, stdout = loaded(args, tmp_path)
    assert result["code"] in (0, None)
    assert json.loads(stdout)["protocol"]["id"] == protocol
    assert not set(HEAVY) & set(result["top"]), result["top"]  # type: ignore[call-overload]


def test_plan_with_a_protocol_file_still_validates_it(tmp_path: Path) -> None:
    from mesoplan.protocols.library import export_builtin_text

    bad = tmp_path / "bad.toml"
    bad.write_text(export_builtin_text("cellulite").replace("max_points = 50", "max_points = 0"))
    args = ["plan", "--protocol-file", str(bad), "--zone", "thigh-left-lateral"]
    result, _ = loaded(args, tmp_path)
    assert result["code"] == 2
    assert "pydantic" in result["top"]  # type: ignore[operator]
