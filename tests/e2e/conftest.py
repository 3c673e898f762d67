"""End-to-end helpers: run the ``mesoplan`` command as a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def mesoplan(tmp_path: Path) -> Run:
    """Run ``python -m mesoplan ARGS`` with a private data dir; returns the finished process."""

    def run(
        *args: str, env: dict[str, str] | None = None, check: bool = False, input: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("MESOPLAN_")}
        full_env["MESOPLAN_DATA_DIR"] = str(tmp_path / "data")
        full_env["COLUMNS"] = "200"
        full_env.update(env or {})
        proc = subprocess.run(
            [sys.executable, "-m", "mesoplan", *args],
            capture_output=True,
            text=True,
            env=full_env,
            input=input,
            timeout=120,
        )
        if check and proc.returncode != 0:
            raise AssertionError(f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
        return proc

    return run
