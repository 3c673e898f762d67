"""The face protocol in the browser: plan the forehead with a wider spacing and a point
added by clicking the chart, chart a session with a moved point (the panel, then a click
on the map), undo with "all done", sign, and fetch the printable documents. Also: an
assistant may not chart, and a clinic protocol with mistakes shows its errors by line."""

from __future__ import annotations

import re
from typing import Any

from .conftest import NURSE, LiveApp, assert_accessible, log_in, submit


def click_between_points(page: Any, scope: str, first_index: int = 0) -> None:
    """Click the chart halfway between two neighbouring points (inside the zone, on no
    point)."""
    chart = page.locator(f"{scope} svg.chart").first
    chart.scroll_into_view_if_needed()
    marks = page.locator(f"{scope} a.pt .pt-mark")
    first, second = (marks.nth(first_index + i).bounding_box() for i in (0, 1))
    x = (first["x"] + second["x"] + first["width"]) / 2
    y = (first["y"] + second["y"] + first["height"]) / 2
    box = chart.bounding_box()
    chart.click(position={"x": x - box["x"], "y": y - box["y"]})


def _new_patient(page: Any) -> None:
    page.get_by_role("link", name="Patients").click()
    page.get_by_role("link", name="Add a patient").click()
    page.get_by_label("Family name").fill("Facetest")
    page.get_by_label("Given name").fill("Bruna")
    page.get_by_label("Birth date").fill("1979-02-03")
    page.get_by_label("Consent given at").fill("2025-01-10T09:00")
    submit(page, "Add the patient", r"/app/patients/\d+$")


def _dense_face(page: Any) -> None:
    """The whole face (1,771 points) is drawn as a picture; a click on a point removes it."""
    patient_url = page.url
    page.goto(f"{patient_url}/courses/new?protocol=face&zone=face")
    assert page.locator("#map a.pt").count() == 0
    marks = page.locator("#map .pt-mark")
    assert marks.count() == 1771
    with page.expect_navigation():
        marks.nth(900).click()
    assert "1770 points" in page.locator("#map p").first.inner_text()
    assert page.get_by_text(re.compile(r"Removed point at face:")).is_visible()
    page.goto(patient_url)


def _plan_forehead(page: Any) -> None:
    page.get_by_role("link", name="Plan a new course").click()
    page.get_by_label(re.compile("Facial rejuvenation")).check()
    page.get_by_role("button", name="Next: zones").click()
    page.get_by_label("Forehead").check()
    page.get_by_role("button", name="Next: plan the map").click()
    page.get_by_label(re.compile(r"^Spacing \(cm\)")).fill("1")
    page.get_by_role("button", name="Update the plan").click()
    before = int(re.search(r"(\d+) points", page.locator("#map p").first.inner_text())[1])
    assert 50 < before < 120
    # a click on an empty spot of the chart, between two points, adds a point there
    with page.expect_navigation():
        click_between_points(page, "#map")
    assert page.get_by_text(re.compile(r"Added point at forehead:")).is_visible()
    after = int(re.search(r"(\d+) points", page.locator("#map p").first.inner_text())[1])
    assert after == before + 1
    assert_accessible(page)
    submit(page, "Approve and start the course", r"/app/courses/\d+$")


def _chart(page: Any) -> None:
    page.get_by_role("link", name="Chart session 1").click()
    assert "DM-1" in page.locator("#use-0_0-lot").inner_text()
    page.locator("#use-0_0-volume_ml").fill("3")
    submit(page, "Save the mix and open the map", r"/app/sessions/\d+$")
    page.locator("#charting a.pt").nth(5).click()
    page.get_by_role("heading", name="Point forehead:5").wait_for()
    click_between_points(page, "#charting", 2)  # 0 and 1 have the added point between
    assert page.get_by_role("radio", name="moved").is_checked()
    page.get_by_role("button", name="Chart point").click()
    page.get_by_text(re.compile(r"charted\.")).wait_for()
    assert re.search(r"1\s+moved", page.locator("#map p").first.inner_text())
    assert_accessible(page)
    page.get_by_role("button", name="All done as planned").click()
    assert re.search(r"0\s+moved", page.locator("#map p").first.inner_text())
    page.get_by_role("button", name="Sign session 1").click()
    record = page.request.get(page.url.split("?")[0] + "/record.pdf")
    assert record.headers["content-type"] == "application/pdf"
    assert record.body().startswith(b"%PDF")


def test_face_course_with_moved_point_and_documents(live_app: LiveApp, page: Any) -> None:
    log_in(page, live_app.url)
    _new_patient(page)
    _dense_face(page)
    _plan_forehead(page)
    course_url = page.url
    for doc in ("plan.pdf", "consent.pdf"):
        response = page.request.get(f"{course_url}/{doc}")
        assert response.ok and response.body().startswith(b"%PDF")
    _chart(page)


def test_assistant_cannot_chart_and_protocol_errors_show_lines(
    live_app: LiveApp, page: Any
) -> None:
    log_in(page, live_app.url, NURSE)
    page.get_by_role("link", name="Protocols").click()
    assert page.get_by_role("heading", name="Upload a clinic protocol").count() == 0
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Cellulite")).click()
    assert page.get_by_role("heading", name="Patient information").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Stock").click()
    assert page.get_by_role("cell", name="TF-B").first.is_visible()
    assert_accessible(page)
    response = page.request.post(f"{live_app.url}/app/courses/1/sessions", form={"x": "1"})
    assert response.status == 403
    page.context.clear_cookies()
    log_in(page, live_app.url, "admin-web")
    page.get_by_role("link", name="Protocols").click()
    bad = 'format_version = 1\nid = "clinic-x"\nversion = "1.0"\ntitle = ""\n'
    page.get_by_label("or paste its text").fill(bad)
    page.get_by_role("button", name="Check and upload").click()
    issues = page.locator(".protocol-issues").inner_text()
    assert "line 4" in issues and "title" in issues
    assert_accessible(page)
