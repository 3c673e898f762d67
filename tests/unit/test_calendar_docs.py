"""docs/calendar.md stays true to the code: JSON keys, window defaults, CLI options."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from mesoplan import builtin_protocols, schedule_course
from mesoplan.adapters.schedule_json import schedule_json
from mesoplan.domain.clinic_calendar import WindowSettings
from mesoplan.entrypoints.cli import schedule_options

DOC = (Path(__file__).resolve().parents[2] / "docs" / "calendar.md").read_text("utf-8")


def test_every_json_key_is_documented() -> None:
    data = schedule_json(schedule_course(builtin_protocols()["face"], dt.date(2025, 1, 6)))
    keys = set(data) | set(data["sessions"][0]) | set(data["follow_up"][0])
    assert keys == {
        "sessions",
        "follow_up",
        "number",
        "phase",
        "date",
        "start",
        "window_start",
        "window_end",
        "protocol",
        "reason",
    }
    for key in keys:
        assert f"`{key}`" in DOC or f'"{key}"' in DOC, key


def test_window_defaults_are_documented() -> None:
    steps = WindowSettings().steps
    assert [(s.max_interval_days, s.days) for s in steps[:2]] == [(7, 1), (14, 3)]
    assert steps[-1].days == 7
    for days in (1, 3, 7):
        assert f"±{days} day" in DOC


def test_cli_options_and_defaults_are_documented() -> None:
    for option in ("--start", "--time", "--tz", "--closed", "--holiday", "--maintenance-months"):
        assert f"`{option}`" in DOC
    assert f"`{schedule_options.DEFAULT_TIME}`" in DOC
    assert f"`{schedule_options.DEFAULT_ZONE}`" in DOC
    assert "the later day is tried first" in DOC
