"""Running the clinic from the web pages: a session moved and one marked missed from the
course page, the history shown; a bad move answered on the page with the reason."""

from __future__ import annotations

import re
from datetime import timedelta

from .test_web_pages import Site, _course, _patient, log_in, site

__all__ = ["site"]


def test_a_session_is_moved_and_marked_missed_from_the_course_page(site: Site) -> None:
    csrf = log_in(site)
    course_id = _course(site, csrf, _patient(site, csrf))
    page = site.client.get(f"/app/courses/{course_id}").text
    assert f"/app/courses/{course_id}/schedule/move" in page
    assert "<script>" not in page and "onclick" not in page
    today = site.clock.now.date()
    to = today + timedelta(days=9)
    r = site.client.post(
        f"/app/courses/{course_id}/schedule/move",
        data={"csrf_token": csrf, "session": "2", "to_date": to.isoformat(), "reason": "away"},
    )
    assert r.status_code == 303, r.text
    page = site.client.get(f"/app/courses/{course_id}").text
    assert "moved" in page and f"{today + timedelta(days=7)} → {to}" in page and "away" in page
    close = today + timedelta(days=2)
    r = site.client.post(
        f"/app/courses/{course_id}/schedule/move",
        data={"csrf_token": csrf, "session": "2", "to_date": close.isoformat(), "reason": "x"},
    )
    assert r.status_code == 422 and "Not rescheduled" in r.text and "at least 6 days" in r.text
    r = site.client.post(
        f"/app/courses/{course_id}/schedule/missed",
        data={"csrf_token": csrf, "session": "3", "reason": "no show"},
    )
    assert r.status_code == 303, r.text
    page = site.client.get(f"/app/courses/{course_id}").text
    assert "missed" in page and "no show" in page
    r = site.client.post(
        f"/app/courses/{course_id}/schedule/missed", data={"session": "3", "reason": "x"}
    )
    assert r.status_code == 403


def test_the_dashboard_lists_overdue_sessions_and_the_week(site: Site) -> None:
    csrf = log_in(site)
    _course(site, csrf, _patient(site, csrf))
    board = site.client.get("/app/dashboard").text
    assert "No session is overdue." in board and "No follow-up visit is due." in board
    site.clock.advance(days=3)
    log_in(site)  # the login of three days ago has expired
    board = site.client.get("/app/dashboard").text
    week = board[board.index('id="h-week"') : board.index('id="h-follow"')]
    assert "Pagetest, Anna" in week and "session 2" in week
    overdue = board[board.index('id="h-overdue"') : board.index('id="h-week"')]
    assert "Pagetest, Anna" in overdue and "session 1" in overdue
    assert "2 days past its window" in overdue


def test_stock_is_discarded_from_the_dashboard(site: Site) -> None:
    csrf = log_in(site)
    board = site.client.get("/app/dashboard").text
    expiring = board[board.index('id="h-expiring"') : board.index('id="h-vials"')]
    assert "TF-OLD" in expiring and "Discard the lot" in expiring
    lot_id = re.search(r"/app/stock/lots/(\d+)/discard", expiring)
    assert lot_id
    r = site.client.post(
        f"/app/stock/lots/{lot_id[1]}/discard", data={"csrf_token": csrf, "reason": "lost"}
    )
    assert r.status_code == 422 and "Not discarded" in r.text and "valid: expired" in r.text
    r = site.client.post(
        f"/app/stock/lots/{lot_id[1]}/discard", data={"csrf_token": csrf, "reason": "expired"}
    )
    assert r.status_code == 303, r.text
    board = site.client.get("/app/dashboard").text
    assert "TF-OLD" not in board[board.index('id="h-expiring"') : board.index('id="h-vials"')]


def test_the_forecast_page(site: Site) -> None:
    csrf = log_in(site)
    _course(site, csrf, _patient(site, csrf))
    page = site.client.get("/app/stock/forecast")
    assert page.status_code == 200 and "4 scheduled sessions not yet charted" in page.text
    assert "of carnitine" not in page.text and "Carnitine" in page.text
    assert site.client.get("/app/stock/forecast?weeks=99").status_code == 422
    assert "/app/stock/forecast" in site.client.get("/app/stock").text
