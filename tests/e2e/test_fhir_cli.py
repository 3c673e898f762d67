"""``mesoplan fhir``: protocol export, $apply and import as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

from mesoplan import builtin_protocols, load_protocol
from tests.e2e.conftest import Run
from tests.fhir_check import assert_valid


def test_export_then_import_gives_the_same_protocol(mesoplan: Run, tmp_path: Path) -> None:
    exported = tmp_path / "cellulite.json"
    mesoplan("fhir", "protocol", "cellulite", "--output", str(exported), check=True)
    assert_valid(json.loads(exported.read_text(encoding="utf-8")))
    toml = tmp_path / "clinic" / "cellulite.toml"
    toml.parent.mkdir()
    done = mesoplan("fhir", "import", str(exported), "-o", str(toml), check=True)
    original = builtin_protocols()["cellulite"]
    assert original.content_hash in done.stderr
    assert load_protocol(toml).content_hash == original.content_hash
    listed = mesoplan(
        "protocols", "list", "--format", "json", env={"MESOPLAN_PROTOCOL_PATH": str(toml.parent)}
    )
    assert listed.returncode == 0, listed.stderr


def test_apply_prints_a_care_plan(mesoplan: Run) -> None:
    args = ("fhir", "apply", "hair", "--patient", "p-7", "--start", "2026-02-02")
    done = mesoplan(*args, "--tz", "Europe/Paris", "--time", "10:30", check=True)
    care_plan = json.loads(done.stdout)
    assert_valid(care_plan)
    actions = care_plan["contained"][0]["action"]
    assert actions[0]["timingDateTime"] == "2026-02-02T10:30:00+01:00"
    assert actions[1]["timingDateTime"] == "2026-02-09T10:30:00+01:00"
    assert care_plan["subject"] == {"reference": "Patient/p-7"}
    # the clinic is closed on 9 February: the second session moves to the nearest open day
    closed = mesoplan(*args, "--tz", "Europe/Paris", "--holiday", "2026-02-09", check=True)
    moved = json.loads(closed.stdout)["contained"][0]["action"][1]
    assert moved["timingDateTime"] == "2026-02-10T09:00:00+01:00"


def test_bad_input_gets_one_line_and_exit_2(mesoplan: Run, tmp_path: Path) -> None:
    bad_date = mesoplan("fhir", "apply", "hair", "--patient", "p1", "--start", "02/02/2026")
    assert bad_date.returncode == 2
    assert "--start '02/02/2026' is not a date" in bad_date.stderr
    not_ours = tmp_path / "pd.json"
    not_ours.write_text(json.dumps({"resourceType": "PlanDefinition", "status": "draft"}))
    refused = mesoplan("fhir", "import", str(not_ours))
    assert refused.returncode == 2
    assert "only PlanDefinitions exported by mesoplan" in refused.stderr
    assert "Traceback" not in refused.stderr
