"""Every page in the browser, after a course is planned and a session charted: each
answers with the security headers, and Chromium's console reports no Content-Security-
Policy violation on any of them (the journeys check the same through the ``page``
fixture). The policy does hold: an inline script is refused, and so is a frame."""

from __future__ import annotations

import re
from typing import Any

from .conftest import LiveApp, is_csp_violation, log_in, submit

HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


def _records(page: Any, base: str) -> dict[str, str]:
    """A patient with a measurement, a course and a charted session, through the forms."""
    page.goto(f"{base}/app/patients/new")
    page.get_by_label("Family name").fill("Everypage")
    page.get_by_label("Given name").fill("Eva")
    page.get_by_label("Birth date").fill("1982-03-04")
    page.get_by_label("Consent given at").fill("2025-01-10T09:00")
    submit(page, "Add the patient", r"/app/patients/\d+$")
    patient_url = page.url
    page.locator("#m-kind").select_option("waist_circumference_cm")
    page.locator("#m-value").fill("80")
    submit(page, "Add", r"/app/patients/\d+")
    page.goto(f"{patient_url}/courses/new?protocol=cellulite&zone=thigh-left-lateral")
    submit(page, "Approve and start the course", r"/app/courses/\d+$")
    course_url = page.url
    page.get_by_role("link", name="Chart session 1").click()
    page.locator("#use-0_0-volume_ml").fill("1.5")
    page.locator("#use-1_0-volume_ml").fill("2")
    submit(page, "Save the mix and open the map", r"/app/sessions/\d+$")
    return {
        "patient_id": patient_url.rsplit("/", 1)[1],
        "course_id": course_url.rsplit("/", 1)[1],
        "session_id": page.url.rsplit("/", 1)[1].split("?")[0],
        "key": "cellulite@2.0.0",
    }


def _routes_app() -> Any:
    """An app of the same shape as the one served (only its routes are read)."""
    from mesoplan.config import Settings
    from mesoplan.entrypoints.api.app import create_app

    return create_app(Settings(database_url="sqlite://"))


def _check_headers(url: str, headers: dict[str, str]) -> None:
    for name, value in HEADERS.items():
        assert headers.get(name) == value, (url, name, headers.get(name))
    policy = headers.get("content-security-policy", "")
    assert "frame-ancestors 'none'" in policy, (url, policy)
    if headers.get("content-type", "").startswith("text/html"):
        assert "script-src 'self';" in policy and "object-src 'none'" in policy, url
        assert "base-uri 'self'" in policy, url
    if headers.get("content-type", "").startswith("image/svg+xml"):
        assert "script-src 'none'" in policy, url
    assert headers.get("cache-control") == "no-store", url


def test_every_page_has_the_headers_and_breaks_no_policy(live_app: LiveApp, page: Any) -> None:
    from mesoplan.entrypoints.web.app import page_permissions

    seen: list[str] = []
    page.on("console", lambda m: seen.append(m.text) if is_csp_violation(m.text) else None)
    log_in(page, live_app.url)
    ids = _records(page, live_app.url)
    paths = [p for m, p, _ in page_permissions(_routes_app()) if m == "GET"]
    assert len(paths) >= 15
    for path in paths:
        url = live_app.url + path.format(**ids)
        if url.endswith(".pdf"):  # a download, not a page: ask for it with the same cookies
            r = page.request.get(url)
            assert r.ok and r.body().startswith(b"%PDF"), url
            _check_headers(url, r.headers)
            continue
        response = page.goto(url)
        assert response is not None and response.ok, (url, response and response.status)
        page.wait_for_load_state("load")
        _check_headers(url, response.all_headers())
        assert not seen, (url, seen)
    api = page.request.get(f"{live_app.url}/patients")
    _check_headers("/patients", api.headers)


def test_the_policy_refuses_an_inline_script_and_a_frame(live_app: LiveApp, browser: Any) -> None:
    context = browser.new_context()
    try:
        pg = context.new_page()
        refused: list[str] = []
        pg.on("console", lambda m: refused.append(m.text) if is_csp_violation(m.text) else None)
        pg.goto(f"{live_app.url}/app/login")
        pg.evaluate(  # markup with an inline handler, as a stored payload would bring
            """() => document.body.insertAdjacentHTML('beforeend',
                   '<img src="data:," onload="window.ran = true" alt="">')"""
        )
        pg.wait_for_timeout(300)
        assert pg.evaluate("() => window.ran === undefined")
        assert any(re.search(r"inline event handler", m) for m in refused), refused
        refused.clear()
        log_in(pg, live_app.url)
        neighbour = "http://127.0.0.1:9/"  # another port of the same host (answered here)
        framing = f'<iframe src="{live_app.url}/app/dashboard" title="framed"></iframe>'
        pg.route(neighbour, lambda route: route.fulfill(body=framing, content_type="text/html"))
        pg.goto(neighbour)
        pg.wait_for_timeout(1000)
        # the framed page is not shown: Chromium puts its error page in the frame
        framed = [f for f in pg.frames if f != pg.main_frame]
        assert len(framed) == 1 and framed[0].url.startswith("chrome-error://"), framed
        assert "Today" not in framed[0].content()
    finally:
        context.close()
