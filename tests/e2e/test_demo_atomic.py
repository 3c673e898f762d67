"""`mesoplan demo` is one transaction: killed (SIGKILL) at any moment it leaves either
nothing of the demo clinic or all of it, and running it again then works."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

KILL_AFTER_S = (0.4, 0.8, 1.2, 1.6, 2.0, 2.6, 3.2)
"""From start-up (imports, schema creation) to the last signature."""
WHOLE = {"clinic": 1, "patient": 3, "course": 3, "treatment_session": 9}


def _demo(data: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MESOPLAN_")}
    env["MESOPLAN_DATA_DIR"] = str(data)
    return subprocess.Popen(
        [sys.executable, "-m", "mesoplan", "demo"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _counts(path: Path) -> dict[str, int] | None:
    """The demo's rows, or None when the schema is not there (killed before it was made)."""
    if not path.exists():
        return None
    con = sqlite3.connect(path)
    try:
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
        if not set(WHOLE) <= names:
            assert "alembic_version" not in names, f"a schema made by half: {sorted(names)}"
            return None
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in WHOLE}
    finally:
        con.close()


@pytest.mark.parametrize("after_s", KILL_AFTER_S)
def test_a_killed_demo_leaves_nothing_or_everything(tmp_path: Path, after_s: float) -> None:
    data = tmp_path / "data"
    proc = _demo(data)
    time.sleep(after_s)
    finished = proc.poll() is not None
    if not finished:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    counts = _counts(data / "mesoplan.sqlite")
    empty = {t: 0 for t in WHOLE}
    assert counts in (None, empty, WHOLE), f"killed after {after_s} s: partial demo {counts}"
    if counts != WHOLE:
        again = _demo(data)
        _, err = again.communicate(timeout=120)
        assert again.returncode == 0, err.decode()
        assert _counts(data / "mesoplan.sqlite") == WHOLE
