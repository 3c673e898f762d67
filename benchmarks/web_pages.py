"""Web page speed: how long the pages of the demo clinic take to render, in process (no
network), on a fresh SQLite database, against a baseline measured in the same run: a
bare route of the same app that returns a small HTML page (the cost of routing, the
session cookie check aside).

Prints p50 and p99 in milliseconds per page over --runs requests, and the ratio of p50 to
the baseline's p50. The dense page is the face plan (1,771 points, each a link).

    python benchmarks/web_pages.py [--runs 30]
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.responses import HTMLResponse
from fastapi.testclient import TestClient

from mesoplan.config import Settings
from mesoplan.entrypoints.api.app import create_app
from mesoplan.entrypoints.web.demo import DEMO_PASSWORD, DEMO_USER, ensure_demo

PAGES = {
    "dashboard": "/app/dashboard",
    "patients": "/app/patients",
    "patient": "/app/patients/1",
    "outcome plot (SVG)": "/app/patients/1/outcomes.svg",
    "cellulite plan": "/app/patients/1/courses/new?protocol=cellulite&zone=thigh-left-lateral"
    "&zone=thigh-right-lateral",
    "face plan (1771 points)": "/app/patients/2/courses/new?protocol=face&zone=face",
    "session map": "/app/sessions/1",
    "chart a session": "/app/courses/1/sessions/new",
    "stock": "/app/stock",
    "recall by lot": "/app/recall?lot=DEMO-TF1",
    "course plan PDF": "/app/courses/1/plan.pdf",
    "session record PDF": "/app/sessions/1/record.pdf",
}


def timed(call: Callable[[], Any], runs: int) -> list[float]:
    call()  # warm up: templates compiled, caches filled
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        out.append((time.perf_counter() - start) * 1000)
    return out


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def client_for(folder: Path) -> TestClient:
    settings = Settings(data_dir=folder, database_url=f"sqlite:///{folder / 'bench.sqlite'}")
    ensure_demo(settings.resolved_database_url())
    app = create_app(settings)

    @app.get("/bench-baseline", include_in_schema=False)
    def baseline() -> HTMLResponse:
        return HTMLResponse("<!doctype html><title>x</title><p>hello</p>")

    client = TestClient(app)
    page = client.get("/app/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    form = {"csrf_token": token[1], "username": DEMO_USER, "password": DEMO_PASSWORD}
    assert client.post("/app/login", data=form).status_code == 200
    return client


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        client = client_for(Path(tmp))
        base = timed(lambda: client.get("/bench-baseline"), args.runs)
        base50 = statistics.median(base)
        print(f"{'page':<26}{'p50 ms':>9}{'p99 ms':>9}{'x baseline':>12}")
        print(f"{'bare HTML route':<26}{base50:>9.1f}{p(base, 0.99):>9.1f}{1.0:>12.1f}")
        for name, url in PAGES.items():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            ms = timed(lambda url=url: client.get(url), args.runs)
            p50 = statistics.median(ms)
            print(f"{name:<26}{p50:>9.1f}{p(ms, 0.99):>9.1f}{p50 / base50:>12.1f}")


if __name__ == "__main__":
    main()
