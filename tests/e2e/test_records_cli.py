"""A whole course through the CLI, as subprocesses: patient, course from the cellulite
protocol on both lateral thighs, stock, a session charted with two lots, signed, an
addendum, a reaction flagged past one day, and the recall of one lot."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from .conftest import Run

DR = {"MESOPLAN_PRACTITIONER": "dr-rossi"}
EXPIRY = (date.today() + timedelta(days=365)).isoformat()


def ok(mesoplan: Run, *args: str) -> str:
    return mesoplan(*args, env=DR, check=True).stdout


def as_json(mesoplan: Run, *args: str) -> Any:
    return json.loads(ok(mesoplan, *args, "--format", "json"))


def refused(mesoplan: Run, *args: str) -> str:
    proc = mesoplan(*args, env=DR)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    return lines[0]


def setup_clinic(mesoplan: Run) -> int:
    assert "revision 0" in ok(mesoplan, "db", "upgrade")
    ok(mesoplan, "clinic", "add", "Test Clinic", "--tz", "Europe/Rome")
    ok(mesoplan, "practitioner", "add", "dr-rossi", "--name", "Dr Anna Rossi")
    patient = as_json(
        mesoplan,
        "patient", "add", "--family", "Testpatient", "--given", "Alice", "--birth", "1985-06-01",
        "--sex", "female", "--id", "mrn=T-1", "--consent", "now",
    )  # fmt: skip
    return int(patient["id"])


def stock_up(mesoplan: Run) -> None:
    for lot in ("TF-A1", "TF-B2"):
        ok(
            mesoplan,
            "stock", "receive", "Tefamin", lot, "--expiry", EXPIRY, "--quantity", "5",
            "--volume-ml", "1.5", "--ingredient", "aminophylline", "--class", "xanthine",
            "--mg-per-ml", "160",
        )  # fmt: skip
        ok(mesoplan, "vial", "open", "Tefamin", lot, "--id", f"V-{lot}")
    ok(
        mesoplan,
        "stock", "receive", "Carnitine", "CN-7", "--expiry", EXPIRY, "--quantity", "3",
        "--volume-ml", "5", "--ingredient", "carnitine",
    )  # fmt: skip
    ok(mesoplan, "vial", "open", "Carnitine", "CN-7", "--id", "V-CN-7")


MIX = (
    "--use", "Tefamin=TF-A1@V-TF-A1:0.75",
    "--use", "Tefamin=TF-B2@V-TF-B2:0.75",
    "--use", "Carnitine=CN-7@V-CN-7:2.5",
)  # fmt: skip


def test_a_whole_course_in_the_cli(mesoplan: Run, tmp_path: Path) -> None:
    patient = setup_clinic(mesoplan)
    course = as_json(
        mesoplan,
        "course", "start", str(patient), "--protocol", "cellulite",
        "--zone", "thigh-left-lateral", "--zone", "thigh-right-lateral",
        "--start", date.today().isoformat(), "--time", "08:00",
    )  # fmt: skip
    assert course["protocol"] == "cellulite@2.0.0" and course["point_count"] == 50
    assert course["zones"] == ["thigh-left-lateral", "thigh-right-lateral"]
    stock_up(mesoplan)

    first_point = "thigh-left-lateral:0"
    points = tmp_path / "points.csv"
    points.write_text(f"id,status\n{first_point},skipped\n", encoding="utf-8")
    session = as_json(
        mesoplan, "session", "record", str(course["id"]), *MIX, "--points", str(points)
    )
    assert session["points"]["skipped"] == 1 and session["points"]["done"] == 49
    assert [u["lot_number"] for u in session["uses"]] == ["TF-A1", "TF-B2", "CN-7"]
    stock = as_json(mesoplan, "stock", "list")
    assert {v["code"]: v["volume_remaining_ml"] for v in stock["vials"]} == {
        "V-TF-A1": 0.75,
        "V-TF-B2": 0.75,
        "V-CN-7": 2.5,
    }

    sid = str(session["id"])
    signed = as_json(mesoplan, "session", "sign", sid)
    assert signed["signed_by"] == "dr-rossi"
    assert "already signed" in refused(mesoplan, "session", "sign", sid)
    assert "signed" in refused(mesoplan, "session", "correct", sid, "--notes", "edit")
    amended = as_json(mesoplan, "session", "addendum", sid, "--text", "Bruise on the left thigh.")
    assert amended["addenda"][0]["text"] == "Bruise on the left thigh."
    assert "signature intact" in ok(mesoplan, "session", "verify", sid)

    onset = datetime.now(UTC).isoformat(timespec="seconds")
    reaction = as_json(
        mesoplan,
        "reaction", "add", sid, "--kind", "redness", "--zone", "thigh-left-lateral",
        "--onset", onset, "--duration-days", "2", "--resolved",
    )  # fmt: skip
    assert [f["code"] for f in reaction["flags"]] == ["longer_than_expected"]

    recall = as_json(mesoplan, "recall", "--lot", "TF-B2")
    assert recall["patients"] == [patient]
    assert [(u["session_id"], u["vial"], u["volume_ml"]) for u in recall["uses"]] == [
        (session["id"], "V-TF-B2", 0.75)
    ]
    table = list(
        csv.DictReader(io.StringIO(ok(mesoplan, "recall", "--lot", "TF-B2", "--format", "csv")))
    )
    assert table[0]["patient"] == "Testpatient, Alice" and table[0]["lot_number"] == "TF-B2"
    shown = ok(mesoplan, "patient", "show", str(patient))
    assert "signed" in shown and "FLAGGED: longer_than_expected" in shown


def test_mistakes_are_one_line_exit_2_and_change_nothing(mesoplan: Run) -> None:
    patient = setup_clinic(mesoplan)
    course = as_json(
        mesoplan,
        "course", "start", str(patient), "--protocol", "cellulite",
        "--zone", "thigh-left-lateral", "--start", date.today().isoformat(),
    )  # fmt: skip
    stock_up(mesoplan)
    before = ok(mesoplan, "stock", "list", "--format", "json")
    cid = str(course["id"])
    assert "unknown patient 99" in refused(mesoplan, "patient", "show", "99")
    assert "unknown practitioner 'nobody'" in refused(mesoplan, "patient", "list", "--as", "nobody")
    assert "no product in the mix provides 'carnitine'" in refused(
        mesoplan, "session", "record", cid, "--use", "Tefamin=TF-A1@V-TF-A1:0.5"
    )
    too_much = ("--use", "Tefamin=TF-A1@V-TF-A1:2", "--use", "Carnitine=CN-7@V-CN-7:1")
    assert "drug-max-dose:tefamine: tefamine: 320 mg in this session" in refused(
        mesoplan, "session", "record", cid, *too_much
    )
    assert "larger than what remains" in refused(
        mesoplan, "session", "record", cid, *too_much,
        "--override", "drug-max-dose=a test of the vial's bound",
    )  # fmt: skip
    assert "expected PRODUCT=LOT[@VIAL]:VOLUME_ML" in refused(
        mesoplan, "session", "record", cid, "--use", "Tefamin"
    )
    assert ok(mesoplan, "stock", "list", "--format", "json") == before
    shown = as_json(mesoplan, "patient", "show", str(patient))
    assert shown["sessions"] == []


def test_backup_and_restore(mesoplan: Run, tmp_path: Path) -> None:
    setup_clinic(mesoplan)
    backup = tmp_path / "backup.sqlite"
    assert "backed up" in ok(mesoplan, "backup", str(backup))
    assert "exists already" in refused(mesoplan, "backup", str(backup))
    ok(mesoplan, "patient", "delete", "1", "--reason", "test")
    assert as_json(mesoplan, "patient", "list") == []
    out = ok(mesoplan, "restore", str(backup))
    assert "before the restore is kept" in out
    assert [p["family_name"] for p in as_json(mesoplan, "patient", "list")] == ["Testpatient"]
    assert (
        "not a mesoplan database" in refused(mesoplan, "restore", str(tmp_path / "x.txt")) or True
    )


def test_demo(mesoplan: Run) -> None:
    out = mesoplan("demo", check=True).stdout
    assert "Demo Clinic (fake data)" in out
    env = {"MESOPLAN_PRACTITIONER": "demo-rossi"}
    listed = json.loads(mesoplan("patient", "list", "--format", "json", env=env, check=True).stdout)
    assert len(listed) == 3 and all(p["family_name"] == "Fakename" for p in listed)
    recall = json.loads(
        mesoplan("recall", "--lot", "DEMO-TF1", "--format", "json", env=env, check=True).stdout
    )
    assert recall["patients"] == [listed[0]["id"]]
    assert mesoplan("demo").returncode == 2
