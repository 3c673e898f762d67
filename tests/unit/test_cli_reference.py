"""docs/cli-reference.md is generated from the commands' help and must be current."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "cli_reference.py"


def test_cli_reference_is_current() -> None:
    spec = importlib.util.spec_from_file_location("cli_reference", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    expected = module.render()
    assert module.DOC.read_text(encoding="utf-8") == expected, (
        "docs/cli-reference.md is out of date: run `make docs`"
    )
    for command in ("mesoplan plan", "mesoplan protocols validate", "mesoplan session record"):
        assert f"## `{command}`" in expected
