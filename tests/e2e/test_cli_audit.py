"""Every write command of the CLI, listed from its own command registry, appends exactly
one entry to the audit chain; reading a patient through the CLI appends an access entry;
`audit verify` checks the chain and every signed session."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from mesoplan.entrypoints.cli.app import write_commands

from .conftest import Run

NOW = datetime.now(UTC).isoformat(timespec="seconds")
EXPIRY = (date.today() + timedelta(days=365)).isoformat()
DR = {"MESOPLAN_PRACTITIONER": "dr-rossi"}
MIX = ("--use", "Tefamin=TF-A1@V-A:0.75", "--use", "Carnitine=CN-7@V-C:2.5")

# Each write command in an order where what it needs exists already (ids are the
# database's, counted from 1). A command may appear more than once.
RECIPES: list[tuple[str, ...]] = [
    ("clinic", "add", "Test Clinic", "--tz", "Europe/Rome"),
    ("practitioner", "add", "dr-rossi", "--name", "Dr Anna Rossi"),
    ("practitioner", "add", "dr-bianchi", "--name", "Dr B", "--role", "medical_director"),
    ("patient", "add", "--family", "Testpatient", "--given", "Alice", "--birth", "1985-06-01",
     "--sex", "female", "--consent", "now"),
    ("patient", "add", "--family", "Mistaken", "--given", "Bob", "--birth", "1990-01-01",
     "--sex", "male", "--consent", "now"),
    ("patient", "history", "1", "--allergy", "lidocaine", "--consent", "now"),
    ("patient", "delete", "2", "--reason", "registered twice"),
    ("stock", "receive", "Tefamin", "TF-A1", "--expiry", EXPIRY, "--quantity", "5",
     "--volume-ml", "1.5", "--ingredient", "aminophylline", "--class", "xanthine",
     "--mg-per-ml", "160"),
    ("stock", "receive", "Carnitine", "CN-7", "--expiry", EXPIRY, "--quantity", "3",
     "--volume-ml", "5", "--ingredient", "carnitine"),
    ("vial", "open", "Tefamin", "TF-A1", "--id", "V-A"),
    ("vial", "open", "Carnitine", "CN-7", "--id", "V-C"),
    ("course", "start", "1", "--protocol", "cellulite", "--zone", "thigh-left-lateral",
     "--start", date.today().isoformat()),
    ("session", "record", "1", *MIX),
    ("session", "correct", "1", "--notes", "Tolerated well."),
    ("session", "sign", "1"),
    ("session", "cosign", "1", "--as", "dr-bianchi"),
    ("session", "addendum", "1", "--text", "Called: fine."),
    ("session", "record", "1", *MIX, "--override", "course-min-interval=charted twice by mistake"),
    ("session", "delete", "2", "--reason", "charted twice"),
    ("reaction", "add", "1", "--kind", "redness", "--zone", "thigh-left-lateral",
     "--onset", NOW, "--duration-days", "1", "--resolved"),
    ("measure", "add", "1", "thigh_circumference_cm", "58", "--site", "left",
     "--height-cm", "18"),
    ("recall", "--lot", "TF-A1", "--mark", "--reason", "supplier recall"),
    ("audit", "open-clinic", "Second Clinic", "--username", "admin2", "--name", "Admin Two"),
]  # fmt: skip


def _command(args: tuple[str, ...]) -> str:
    return " ".join(args[:2]) if args[0] not in ("recall",) else args[0]


def _entries(db: Path) -> list[tuple[int, int, str, str]]:
    with sqlite3.connect(db) as con:
        q = "SELECT clinic_id, seq, actor, action FROM audit_entry ORDER BY id"
        return list(con.execute(q))


def test_every_write_command_appends_one_audit_entry(mesoplan: Run, tmp_path: Path) -> None:
    assert {_command(r) for r in RECIPES} == set(write_commands())
    mesoplan("db", "upgrade", check=True)
    db = tmp_path / "data" / "mesoplan.sqlite"
    env = DR | {"MESOPLAN_NEW_PASSWORD": "a long enough password"}
    for args in RECIPES:
        before = _entries(db)
        mesoplan(*args, env=env, check=True)
        after = _entries(db)
        assert len(after) == len(before) + 1, args
        clinic, _, who, action = after[-1]
        assert clinic == (2 if args[0] == "audit" else 1)
        if args[0] != "audit":
            assert action == f"mesoplan {_command(args)}"
            assert who == (
                "dr-bianchi" if "dr-bianchi" in args[2:] and "--as" in args else "dr-rossi"
            )
    assert {clinic for clinic, *_ in _entries(db)} == {1, 2}
    verified = json.loads(mesoplan("audit", "verify", "--json", check=True).stdout)
    assert [(r["clinic_id"], r["intact"], r["sessions"]) for r in verified] == [
        (1, True, 1),
        (2, True, 0),
    ]
    # a read leaves no audit entry, and an access entry
    before = _entries(db)
    mesoplan("patient", "show", "1", env=DR, check=True)
    assert _entries(db) == before
    log = json.loads(
        mesoplan("audit", "access", "--clinic", "1", "--format", "json", check=True).stdout
    )
    assert [(e["who"], e["entrypoint"], e["action"], e["patient_id"]) for e in log] == [
        ("dr-rossi", "cli", "recall listing", 1),  # recall --mark listed who received it
        ("dr-rossi", "cli", "read patient record", 1),
    ]
    shown = mesoplan("session", "show", "1", env=DR, check=True).stdout
    assert "DOES NOT VERIFY" not in shown
