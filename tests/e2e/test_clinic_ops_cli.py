"""Running the clinic in the CLI, as subprocesses: a session moved, one missed, the
history of changes; a move the protocol forbids refused with one line."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from .conftest import Run
from .test_records_cli import as_json, ok, refused, setup_clinic


def test_sessions_moved_and_missed_in_the_cli(mesoplan: Run) -> None:
    patient = setup_clinic(mesoplan)
    start = date.today() + timedelta(days=1)
    course = as_json(
        mesoplan,
        "course", "start", str(patient), "--protocol", "cellulite",
        "--zone", "thigh-left-lateral", "--start", start.isoformat(), "--time", "10:00",
    )  # fmt: skip
    cid = str(course["id"])
    to = start + timedelta(days=9)
    moved = as_json(
        mesoplan, "course", "move", cid, "2", "--to", to.isoformat(), "--reason", "away"
    )
    assert moved["sessions"][1]["date"] == to.isoformat()
    assert moved["sessions"][2]["date"] == (to + timedelta(days=7)).isoformat()
    line = refused(
        mesoplan, "course", "move", cid, "3", "--to", to.isoformat(), "--reason", "too soon"
    )
    assert "at least 6 days after session 2" in line
    text = ok(mesoplan, "course", "missed", cid, "3", "--reason", "no show")
    assert "(missed)" in text and "(moved)" in text
    history = ok(mesoplan, "course", "changes", cid)
    assert "2 schedule change(s)" in history
    assert f"moved session 2 {start + timedelta(days=7)} -> {to}: away" in history
    assert "missed session 3" in history and "no show" in history
    forecast = as_json(mesoplan, "stock", "forecast", "--weeks", "2")
    assert forecast["weeks"] == 2 and forecast["sessions"] >= 1
    assert {p["product"] for p in forecast["products"]} == {
        "(no product for tefamine)",
        "(no product for carnitine)",
    }
    today = ok(mesoplan, "worklist", "--date", start.isoformat())
    assert "due today: 1" in today and "Testpatient, Alice: course" in today
    late = as_json(mesoplan, "worklist", "--date", (start + timedelta(days=3)).isoformat())
    assert [(i["patient"], i["number"], i["days_overdue"]) for i in late["overdue"]] == [
        ("Testpatient, Alice", 1, 2)
    ]
    proc = mesoplan("course", "missed", cid, "3", env={"MESOPLAN_PRACTITIONER": "dr-rossi"})
    assert proc.returncode == 2 and "Missing option '--reason'" in proc.stderr


def test_waste_in_the_cli(mesoplan: Run) -> None:
    setup_clinic(mesoplan)
    expiry = (date.today() + timedelta(days=90)).isoformat()
    ok(
        mesoplan,
        "stock", "receive", "Tefamin", "TF-W", "--expiry", expiry, "--quantity", "3",
        "--volume-ml", "1.5", "--ingredient", "aminophylline",
    )  # fmt: skip
    ok(mesoplan, "vial", "open", "Tefamin", "TF-W", "--id", "VW1")
    assert "2 per mL" in ok(mesoplan, "stock", "product", "Tefamin", "--price-per-ml", "2")
    assert "check digit" in refused(
        mesoplan, "stock", "product", "Tefamin", "--gtin", "05012345678901"
    )
    line = refused(
        mesoplan, "vial", "discard", "VW1", "--reason", "dropped", "--volume-left-ml", "nan"
    )
    assert "--volume-left-ml': nan is not a finite number" in line
    line = refused(
        mesoplan, "vial", "discard", "VW1", "--reason", "dropped", "--volume-left-ml", "-1"
    )
    assert "give 0 mL or more" in line
    out = ok(mesoplan, "vial", "discard", "VW1", "--reason", "dropped", "--volume-left-ml", "1.2")
    assert out.strip() == "discarded vial VW1 of Tefamin lot TF-W: 1.2 mL (dropped)"
    out = ok(mesoplan, "stock", "discard", "Tefamin", "TF-W", "--reason", "contaminated")
    assert out.strip() == "discarded 2 unopened unit(s) of Tefamin lot TF-W: 3 mL (contaminated)"
    # a day either side: the clinic's day (Rome) may not be the machine's
    first, last = (date.today() + timedelta(days=d) for d in (-1, 1))
    period = ("--from", first.isoformat(), "--to", last.isoformat())
    report = as_json(mesoplan, "stock", "waste", *period)
    (tef,) = report["products"]
    assert tef["discarded"] == {"dropped": 1.2, "contaminated": 3.0}
    assert (tef["wasted_ml"], tef["cost"]) == (4.2, 8.4)
    assert "total wasted 4.2 mL, cost 8.40" in ok(mesoplan, "stock", "waste", *period)


def test_lot_intake_by_barcode_in_the_cli(mesoplan: Run, tmp_path: Path) -> None:
    setup_clinic(mesoplan)
    expiry = date.today() + timedelta(days=300)
    ok(
        mesoplan,
        "stock", "receive", "Tefamin", "TF-1", "--expiry", expiry.isoformat(), "--quantity", "1",
        "--volume-ml", "1.5",
    )  # fmt: skip
    ok(mesoplan, "stock", "product", "Tefamin", "--gtin", "05012345678900")
    code = f"0105012345678900{'10'}TF-9<GS>17{expiry:%y%m%d}"
    out = ok(mesoplan, "stock", "scan", code)
    assert out.strip() == (
        f"Tefamin (GTIN 05012345678900) lot TF-9, expires {expiry}: not received yet"
    )
    out = ok(mesoplan, "stock", "intake", code, "--quantity", "2", "--volume-ml", "1.5")
    assert out.strip() == f"lot TF-9 of Tefamin: 2 x 1.5 mL, expires {expiry}"
    assert "no GTIN" in refused(mesoplan, "stock", "scan", "17270131")
    assert "not an image" in refused(mesoplan, "stock", "scan", "--photo", str(_text(tmp_path)))
    assert "one of them" in refused(mesoplan, "stock", "scan")


def _text(tmp_path: Path) -> Path:
    path = tmp_path / "label.png"
    path.write_text("not a picture")
    return path


def test_a_calendar_feed_in_the_cli(mesoplan: Run) -> None:
    patient = setup_clinic(mesoplan)
    start = date.today() + timedelta(days=1)
    ok(
        mesoplan,
        "course", "start", str(patient), "--protocol", "cellulite",
        "--zone", "thigh-left-lateral", "--start", start.isoformat(),
    )  # fmt: skip
    made = as_json(mesoplan, "calendar", "add")
    token = made["token"]
    text = ok(mesoplan, "calendar", "show", token)
    assert text.startswith("BEGIN:VCALENDAR") and "SUMMARY:appointment" in text
    assert "Testpatient" not in text and "cellulite" not in text
    assert "the whole clinic, detail none" in ok(mesoplan, "calendar", "list")
    ok(mesoplan, "calendar", "revoke", str(made["feed"]["id"]))
    assert "unknown calendar feed" in refused(mesoplan, "calendar", "show", token)
    assert "valid: none, initials, protocol" in refused(
        mesoplan, "calendar", "add", "--detail", "all"
    )
