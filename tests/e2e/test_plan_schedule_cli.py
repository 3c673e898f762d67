"""``mesoplan plan --start ...``: the course calendar in the plan JSON, text and iCalendar."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events
from jsonschema import Draft202012Validator

from mesoplan.adapters.plan_output import plan_schema

from .conftest import Run

pytestmark = pytest.mark.e2e

HAIR = ("plan", "--protocol", "hair", "--zone", "scalp")
ROME = ("--tz", "Europe/Rome", "--time", "10:00", "--closed", "sat,sun")


def test_without_start_the_plan_has_no_calendar(mesoplan: Run) -> None:
    data = json.loads(mesoplan(*HAIR, "--format", "json", check=True).stdout)
    assert "sessions" not in data and "follow_up" not in data


def test_the_plan_json_gains_sessions_and_follow_up(mesoplan: Run) -> None:
    proc = mesoplan(
        *HAIR, "--format", "json", "--start", "2025-01-06", *ROME,
        "--holiday", "2025-01-13", "--maintenance-months", "3", check=True,
    )  # fmt: skip
    data = json.loads(proc.stdout)
    assert not list(Draft202012Validator(plan_schema()).iter_errors(data))
    assert data["protocol"]["id"] == "hair"  # the plan is still there
    sessions = data["sessions"]
    assert [s["phase"] for s in sessions] == ["induction"] * 4 + ["maintenance"] * 3
    assert sessions[0] == {
        "number": 1,
        "phase": "induction",
        "date": "2025-01-06",
        "start": "2025-01-06T10:00+01:00",
        "window_start": "2025-01-05",
        "window_end": "2025-01-07",
        "protocol": "hair@2.0.0",
    }
    assert sessions[1]["date"] == "2025-01-14"  # the holiday moved it to the later day
    assert [s["date"] for s in sessions[4:]] == ["2025-02-28", "2025-03-28", "2025-04-28"]
    assert sessions[-1]["start"] == "2025-04-28T10:00+02:00"
    assert [f["reason"] for f in data["follow_up"]] == [
        "end-of-course review",
        "adverse-event follow-up, at least 84 days after the last session",
    ]
    assert data["follow_up"][1]["date"] == "2025-07-21"


def test_ics_reads_back_as_the_json_dates(mesoplan: Run, tmp_path: Path) -> None:
    args = ("plan", "--protocol", "cellulite", "--zone", "thigh-left-lateral",
            "--start", "2025-02-03", *ROME)  # fmt: skip
    data = json.loads(mesoplan(*args, "--format", "json", check=True).stdout)
    out = tmp_path / "course.ics"
    proc = mesoplan(*args, "--format", "ics", "--output", str(out), check=True)
    assert "wrote" in proc.stdout
    text = out.read_text(encoding="utf-8")
    cal = icalendar.Calendar.from_ical(text)
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Rome"]
    events = recurring_ical_events.of(cal).between(dt.date(2025, 1, 1), dt.date(2026, 1, 1))
    sessions = sorted(
        (e for e in events if "-session-" in str(e["UID"])), key=lambda e: e.decoded("DTSTART")
    )
    starts = [e.decoded("DTSTART").isoformat(timespec="minutes") for e in sessions]
    assert starts == [s["start"] for s in data["sessions"]]
    assert {s[-6:] for s in starts} == {"+01:00", "+02:00"}
    assert "Zones: thigh-left-lateral" in str(sessions[0]["DESCRIPTION"])


def test_ics_to_stdout(mesoplan: Run) -> None:
    proc = mesoplan(*HAIR, "--format", "ics", "--start", "2025-01-06", check=True)
    assert proc.stdout.startswith("BEGIN:VCALENDAR")
    assert proc.stdout.count("BEGIN:VEVENT") == 12  # 10 sessions, 2 follow-up visits


def test_text_lists_the_sessions(mesoplan: Run) -> None:
    proc = mesoplan(*HAIR, "--start", "2025-01-06", *ROME, check=True)
    assert "Course calendar (Europe/Rome):" in proc.stdout
    assert "Mon 2025-01-06 10:00" in proc.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--start", "2025-02-30"), "valid: a calendar date YYYY-MM-DD"),
        (("--start", "2025-03-03", "--tz", "Europe/Roma"), "did you mean Europe/Rome?"),
        (("--start", "2025-03-03", "--closed", "sa"), "valid: a comma-separated list of mon, tue"),
        (("--start", "2025-03-03", "--time", "9h"), "valid: HH:MM on a 24-hour clock"),
        (("--start", "2025-03-03", "--holiday", "21/04/2025"), "--holiday '21/04/2025'"),
        (("--format", "ics"), "--format ics needs --start YYYY-MM-DD"),
    ],
)
def test_bad_values_give_one_line_and_exit_2(
    mesoplan: Run, args: tuple[str, ...], message: str
) -> None:
    proc = mesoplan(*HAIR, *args)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0]
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_maintenance_months_on_a_protocol_without_maintenance(mesoplan: Run) -> None:
    proc = mesoplan(
        "plan", "--protocol", "face", "--zone", "face", "--start", "2025-03-03",
        "--maintenance-months", "2",
    )  # fmt: skip
    assert proc.returncode == 2
    assert "has no maintenance phase (phases: course)" in proc.stderr


def test_plan_without_start_loads_no_calendar_library(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "sys.argv = ['mesoplan', 'plan', '--protocol', 'hair', '--zone', 'scalp',"
        " '--format', 'json']\n"
        "from mesoplan.entrypoints.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "names = ('icalendar', 'dateutil', 'mesoplan.domain.scheduling')\n"
        "sys.stderr.write(repr(sorted(n for n in names if n in sys.modules)))\n"
    )
    env = {"MESOPLAN_DATA_DIR": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
        env={**_base_env(), **env},
    )  # fmt: skip
    assert proc.stderr.strip().endswith("[]"), proc.stderr


def _base_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("MESOPLAN_")}
