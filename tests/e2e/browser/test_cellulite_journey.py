"""A practitioner's day in the browser: log in, add a patient, plan a cellulite course on
both lateral thighs, chart session 1 with two lots, mark two points skipped, sign, record
a redness lasting two days and see it flagged, recall one lot and find the patient.
Every page visited passes axe-core with no serious or critical violation; the dashboard,
plan and charting screenshots go to build/screenshots/ (`make screenshots`: docs/screenshots/)."""

from __future__ import annotations

import re
from typing import Any

from .conftest import SCREENSHOTS, LiveApp, assert_accessible, log_in, submit


def _add_patient(page: Any, base: str) -> None:
    page.get_by_role("link", name="Patients").click()
    assert_accessible(page)
    page.get_by_role("link", name="Add a patient").click()
    page.get_by_label("Family name").fill("Testarossa")
    page.get_by_label("Given name").fill("Maria")
    page.get_by_label("Birth date").fill("1984-05-06")
    page.get_by_label("Sex").select_option("female")
    page.get_by_label("Consent given at").fill("2025-01-10T09:00")
    assert_accessible(page)
    submit(page, "Add the patient", r"/app/patients/\d+$")
    assert page.get_by_role("heading", name="Testarossa, Maria").is_visible()
    assert_accessible(page)
    # the weight, which the anaesthetic's lidocaine maximum (4.5 mg/kg) needs at charting
    page.get_by_label("Kind").select_option("body_weight_kg")
    page.get_by_label("Value").fill("62")
    page.get_by_role("button", name="Add", exact=True).click()
    page.wait_for_load_state()
    assert "body weight" in page.locator("#measurements").inner_text()


def _plan_course(page: Any) -> None:
    page.get_by_role("link", name="Plan a new course").click()
    page.get_by_label(re.compile("Cellulite")).check()
    page.get_by_role("button", name="Next: zones").click()
    # one thigh by clicking its drawing (the chart), the other by its checkbox
    page.locator('.overview-zone[data-zone="thigh-left-lateral"]').click()
    assert page.get_by_label("Left thigh, lateral aspect").is_checked()
    page.get_by_label("Right thigh, lateral aspect").check()
    assert_accessible(page)
    page.get_by_role("button", name="Next: plan the map").click()
    summary = page.locator("#map p").first.inner_text()
    assert "50 points, 10 mL" in summary
    assert page.locator("#map a.pt").count() == 50
    page.locator("#map").screenshot(path=str(SCREENSHOTS / "plan.png"))
    assert_accessible(page)
    # remove one point by selecting it: it is listed, and can be put back
    page.locator("#map a.pt").first.click()
    assert page.get_by_text(re.compile(r"Removed point at thigh-left-lateral:")).is_visible()
    submit(page, "Approve and start the course", r"/app/courses/\d+$")
    assert page.get_by_role("heading", name=re.compile(r"cellulite@2\.0\.0")).is_visible()
    assert_accessible(page)


def _chart_session(page: Any) -> None:
    page.get_by_role("link", name="Chart session 1").click()
    page.locator("#use-0_0-lot").select_option("Tefamin|TF-A")
    page.locator("#use-0_0-vial").select_option("VA")
    page.locator("#use-0_0-volume_ml").fill("0.75")
    page.locator("#use-0_1-lot").select_option("Tefamin|TF-B")
    page.locator("#use-0_1-vial").select_option("VB")
    page.locator("#use-0_1-volume_ml").fill("0.75")
    page.locator("#use-1_0-lot").select_option("Carnitine|CN-1")
    page.locator("#use-1_0-vial").select_option("VC")
    page.locator("#use-1_0-volume_ml").fill("2")
    page.get_by_label("Topical anaesthetic").fill("EMLA cream")
    page.get_by_label("Amount (g)").fill("5")
    assert_accessible(page)
    submit(page, "Save the mix and open the map", r"/app/sessions/\d+$")
    products = page.locator("table").first.inner_text()
    assert "TF-A" in products and "TF-B" in products and "VA" in products
    for n in (0, 1):
        page.locator("#charting a.pt").nth(n * 7).click()
        page.get_by_role("radio", name="skipped").check()
        page.get_by_role("button", name="Chart point").click()
        page.get_by_text(re.compile(r"charted\.")).wait_for()
    assert re.search(r"48\s+done,\s+2\s+skipped", page.locator("#map p").first.inner_text())
    page.locator("#charting a.pt").nth(3).focus()
    page.locator("#charting").screenshot(path=str(SCREENSHOTS / "charting.png"))
    assert_accessible(page)
    page.get_by_role("button", name="Sign session 1").click()
    assert page.get_by_text(re.compile("signed by dr-web")).first.is_visible()


def _redness(page: Any) -> None:
    page.get_by_label("Kind").select_option("redness")
    page.get_by_label("Zone").select_option("thigh-left-lateral")
    page.get_by_label("Lasted").fill("2")
    page.get_by_label("Unit").select_option("days")
    page.get_by_role("button", name="Record the reaction").click()
    reaction = page.locator("#reactions .error").first
    assert "flagged" in reaction.inner_text()
    assert "longer than protocol cellulite expects" in reaction.inner_text()
    assert_accessible(page)


def _dashboard(page: Any) -> None:
    page.get_by_role("link", name="Dashboard").click()
    flagged = page.locator(".flagged-reaction").first.inner_text()
    assert "redness" in flagged and "Testarossa, Maria" in flagged
    assert "CN-SOON" in page.get_by_role("region", name=re.compile("Lots expiring")).inner_text()
    page.screenshot(path=str(SCREENSHOTS / "dashboard.png"), full_page=True)
    assert_accessible(page)


def _recall(page: Any) -> None:
    page.get_by_role("link", name="Recall").click()
    page.get_by_label("Lot number").fill("TF-A")
    page.get_by_role("button", name="Who received it?").click()
    assert page.get_by_role("heading", name=re.compile(r"Lot TF-A: 1 patient")).is_visible()
    page.get_by_label("Reason for the recall").fill("supplier notice: particles in vials")
    page.get_by_role("button", name="Recall lot TF-A").click()
    assert page.get_by_role("status").inner_text().startswith("Lot TF-A is recalled")
    assert_accessible(page)
    page.get_by_role("link", name="Testarossa, Maria").click()
    assert page.get_by_role("heading", name="Testarossa, Maria").is_visible()


def test_cellulite_course_from_login_to_recall(live_app: LiveApp, page: Any) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(f"{live_app.url}/app/login")
    assert_accessible(page)
    log_in(page, live_app.url)
    assert_accessible(page)
    _add_patient(page, live_app.url)
    _plan_course(page)
    _chart_session(page)
    _redness(page)
    _dashboard(page)
    _recall(page)
