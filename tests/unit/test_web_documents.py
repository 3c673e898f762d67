"""What the pages draw and print: the interactive chart, the plan form's query, the PDFs."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from mesoplan.adapters.pdf import (
    DocumentHeader,
    consent_sheet_pdf,
    course_plan_pdf,
    session_record_pdf,
)
from mesoplan.adapters.plan_output import plan_to_dict
from mesoplan.adapters.schedule_json import schedule_json
from mesoplan.domain.planner import plan
from mesoplan.domain.scheduling import schedule_course
from mesoplan.entrypoints.web import chart
from mesoplan.entrypoints.web.planning import PlanForm
from mesoplan.protocols import builtin_protocols

CELLULITE = builtin_protocols()["cellulite"]
HEADER = DocumentHeader("Test Clinic", "Doe, Jane", "1980-01-01", "Course plan 1", "ref")


def thighs() -> dict[str, Any]:
    return plan_to_dict(plan(CELLULITE, ["thigh-left-lateral", "thigh-right-lateral"]))


def test_every_point_is_a_labelled_link_and_a_status_changes_its_mark() -> None:
    doc = thighs()
    statuses = {"thigh-left-lateral:0": {"id": "thigh-left-lateral:0", "status": "skipped"}}
    html = chart.plan_panels(doc, statuses, href_of=lambda pid: f"/p?point={pid}")
    assert html.count('<a class="pt"') == 50
    assert 'aria-label="Point thigh-left-lateral:0: skipped' in html
    assert html.count('class="pt-mark" stroke=') == 1  # one cross, the skipped point
    assert len(re.findall(r'<svg class="chart" role="group"', html)) == 2
    assert 'data-zone="thigh-right-lateral"' in html
    picture = chart.plan_panels(doc)
    assert "<a " not in picture and picture.count("<title>") == 50


def test_the_plan_form_round_trips_and_toggles_removed_points() -> None:
    query = [
        ("protocol", "cellulite@2.0.0"),
        ("zone", "thigh-left-lateral"),
        ("m.thigh_length_cm", "38"),
        ("vol.thighs", "8"),
        ("remove", "thigh-left-lateral:1:2"),
        ("add_zone", "thigh-left-lateral"),
        ("add_x", "0.5"),
        ("add_y", "20"),
    ]
    f = PlanForm.parse(query)
    assert f.zones == ["thigh-left-lateral"] and f.measurements == {"thigh_length_cm": "38"}
    assert f.add == ["thigh-left-lateral:0.5:20"] and f.volumes == {"thighs": "8"}
    assert PlanForm.parse(f.items()).items() == f.items()
    assert "remove=" not in f.toggled("remove", "thigh-left-lateral:1:2")
    assert f.toggled("remove", "z:3:4").count("remove=") == 2


def test_the_three_documents_are_pdfs_and_the_same_input_gives_the_same_bytes() -> None:
    doc = thighs()
    sched = schedule_json(schedule_course(CELLULITE, datetime(2025, 3, 3, tzinfo=UTC).date()))
    first = course_plan_pdf(HEADER, doc, sched)
    assert first.startswith(b"%PDF") and first == course_plan_pdf(HEADER, doc, sched)
    points = [
        {
            "id": p["id"],
            "status": "skipped" if i < 2 else "done",
            "x_cm": p["x_cm"],
            "y_cm": p["y_cm"],
        }
        for i, p in enumerate(doc["zones"][0]["points"])
    ]
    session = {
        "number": 1,
        "performed_at": "2025-03-03T10:00:00+00:00",
        "practitioner": "dr-x",
        "points": {
            "planned": 50,
            "done": 48,
            "skipped": 2,
            "moved": 0,
            "added": 0,
            "planned_volume_ml": 10,
            "delivered_volume_ml": 9.6,
        },
        "uses": [
            {
                "product": "Tefamin",
                "provides": "tefamine",
                "lot_number": "TF-1",
                "expiry_date": "2026-01-01",
                "vial": "V1",
                "volume_ml": 1.5,
            }
        ],
        "signed_at": None,
        "addenda": [],
    }
    record = session_record_pdf(HEADER, doc, points, session)
    consent = consent_sheet_pdf(HEADER, CELLULITE)
    for pdf in (record, consent):
        assert pdf.startswith(b"%PDF") and b"%%EOF" in pdf[-10:]
    assert len(re.findall(rb"/Type /Page\b", first)) >= 1
