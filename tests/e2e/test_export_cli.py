"""``mesoplan export``: FHIR and CSV from a records database, as a user runs them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tests.e2e.conftest import Run
from tests.fhir_check import assert_valid, unresolved_references


def test_export_fhir_and_csv_from_the_demo_clinic(mesoplan: Run, tmp_path: Path) -> None:
    mesoplan("demo", check=True)
    bundle = json.loads(mesoplan("export", "fhir", "--patient", "1", check=True).stdout)
    assert_valid(bundle)
    assert unresolved_references(bundle) == []
    kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert {"Patient", "Procedure", "MedicationAdministration", "Provenance"} <= kinds

    done = mesoplan("export", "fhir", "--all", "--output", str(tmp_path / "bulk"), check=True)
    manifest = json.loads((tmp_path / "bulk" / "manifest.json").read_text(encoding="utf-8"))
    total = sum(o["count"] for o in manifest["output"])
    assert f"{total:,} resources" in done.stdout
    for output in manifest["output"]:
        for line in (tmp_path / "bulk" / output["url"]).read_text(encoding="utf-8").splitlines():
            assert_valid(json.loads(line))

    uses = mesoplan("export", "csv", "product-uses", check=True).stdout
    rows = list(csv.DictReader(io.StringIO(uses)))
    assert rows and all(r["lot_number"] and r["expiry_date"] for r in rows)
    mesoplan("export", "csv", "--all", "-o", str(tmp_path / "csv"), check=True)
    assert (tmp_path / "csv" / "sessions.csv").exists()


def test_export_errors_are_one_line_and_exit_2(mesoplan: Run, tmp_path: Path) -> None:
    mesoplan("demo", check=True)
    cases = [
        (("export", "fhir"), "give exactly one of --patient ID or --all"),
        (("export", "fhir", "--all"), "--all needs --output DIR"),
        (("export", "fhir", "--patient", "999"), "999"),
        (("export", "csv", "bogus"), "unknown record type 'bogus'"),
    ]
    for args, words in cases:
        done = mesoplan(*args)
        assert done.returncode == 2, (args, done.stderr)
        assert words in done.stderr and "Traceback" not in done.stderr
