"""Browser tests: the app served by uvicorn on a free loopback port (a fresh SQLite
database per test module), driven by Playwright through Debian's chromium, headless.

Without /usr/bin/chromium every test here is skipped with the reason; CI sets
MESOPLAN_REQUIRE_BROWSER=1 so that a skip fails the run (tests/conftest.py).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("MESOPLAN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).with_name("axe.min.js")
SCREENSHOTS = Path(
    os.environ.get("MESOPLAN_SCREENSHOTS") or Path(__file__).parents[3] / "build" / "screenshots"
)
"""Where the journeys save their screenshots: build/ (never a tracked file); `make
screenshots` points this at docs/screenshots to refresh the ones the docs show."""
SCREENSHOTS.mkdir(parents=True, exist_ok=True)
PASSWORD = "browser-pass-1"
DR, NURSE = "dr-web", "nurse-web"

pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _seed(engine: Any) -> None:
    """A clinic, a practitioner and an assistant who log in, and stock for every protocol."""
    from mesoplan.adapters.db import session_factory
    from mesoplan.adapters.db.audit import Actor
    from mesoplan.services import stock
    from mesoplan.services.accounts import NewUser, PasswordPolicy, create_user, open_clinic
    from mesoplan.services.scoped import ClinicUnitOfWork
    from mesoplan.services.unit_of_work import UnitOfWork

    cheap = PasswordPolicy(1, 8, 1)
    admin = NewUser("admin-web", "Admin Web", "admin", PASSWORD)
    view = open_clinic(
        UnitOfWork.from_engine(engine), "Browser Clinic", "Europe/Rome", admin, cheap
    )
    sessions = session_factory(engine)
    with UnitOfWork.from_engine(engine) as uow:
        clinic_id = uow.people.practitioner(view.handle).clinic_id

    def scoped() -> ClinicUnitOfWork:
        return ClinicUnitOfWork(sessions, clinic_id, Actor("test seed", "seed"))

    create_user(scoped(), NewUser(DR, "Dr Web Tester", "practitioner", PASSWORD), cheap)
    create_user(scoped(), NewUser(NURSE, "Nurse Web", "assistant", PASSWORD), cheap)
    today = date.today()
    products = {
        "Tefamin": stock.NewProduct("Tefamin", "drug", "aminophylline", "xanthine"),
        "Carnitine": stock.NewProduct("Carnitine", "drug", "carnitine"),
        "DMAE": stock.NewProduct("DMAE", "drug", "DMAE"),
    }
    lots = [
        ("Tefamin", "TF-A", 200, 1.5, "VA"),
        ("Tefamin", "TF-B", 300, 1.5, "VB"),
        ("Carnitine", "CN-1", 300, 5.0, "VC"),
        ("Carnitine", "CN-SOON", 10, 5.0, None),
        ("DMAE", "DM-1", 300, 5.0, "VD"),
    ]
    for product, lot, days, volume, vial in lots:
        strength = 160.0 if product == "Tefamin" else None  # 240 mg in 1.5 mL
        expiry = today + timedelta(days=days)
        stock.receive_stock(scoped(), DR, products[product], lot, expiry, 5, volume, None, strength)
        if vial:
            stock.open_vial(scoped(), DR, product, lot, vial)


@dataclass
class LiveApp:
    url: str
    engine: Any


@pytest.fixture(scope="module")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    """The whole app (REST API and pages) on a free loopback port, its own database."""
    import uvicorn

    from mesoplan.adapters.db import make_engine
    from mesoplan.adapters.db.migrate import upgrade
    from mesoplan.config import Settings
    from mesoplan.entrypoints.api.app import create_app
    from mesoplan.entrypoints.api.settings import ApiSettings
    from mesoplan.services.accounts import PasswordPolicy

    folder = tmp_path_factory.mktemp("browser-db")
    settings = Settings(data_dir=folder, database_url=f"sqlite:///{folder / 'web.sqlite'}")
    engine = make_engine(settings.resolved_database_url())
    upgrade(engine)
    _seed(engine)
    api = ApiSettings(passwords=PasswordPolicy(1, 8, 1), docs=False)
    app = create_app(settings, api, engine=engine)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the app did not start")
        time.sleep(0.05)
    yield LiveApp(f"http://127.0.0.1:{port}", engine)
    server.should_exit = True
    thread.join(timeout=10)
    engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"no chromium at {CHROMIUM}: install Debian's chromium to run browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def is_csp_violation(text: str) -> bool:
    """Whether a console message is Chromium reporting a Content-Security-Policy refusal."""
    return "Content Security Policy" in text or "Content-Security-Policy" in text


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A tablet-sized page (768 x 1024, portrait). Afterwards: no JavaScript error, and no
    Content-Security-Policy violation reported on Chromium's console."""
    context = browser.new_context(viewport={"width": 768, "height": 1024})
    context.set_default_timeout(15_000)
    pg = context.new_page()
    errors: list[str] = []
    csp: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("console", lambda m: csp.append(m.text) if is_csp_violation(m.text) else None)
    yield pg
    context.close()
    assert not errors, f"JavaScript errors: {errors}"
    assert not csp, f"Content-Security-Policy violations: {csp}"


def log_in(page: Any, base: str, username: str = DR) -> None:
    page.goto(f"{base}/app/login")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/app/dashboard")


def check_accessibility(page: Any) -> list[dict[str, Any]]:
    """axe-core on the current page: the serious and critical violations. axe is
    evaluated through the DevTools protocol: the page's policy lets no inline script in."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    bad = [v for v in result if v.get("impact") in ("serious", "critical")]
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"][:3]]}
        for v in bad
    ]


def submit(page: Any, button: str, url: str) -> None:
    """Click a submit button and wait for ``url`` (a regex); a refusal shows its message."""
    import re

    page.get_by_role("button", name=button).click()
    page.wait_for_load_state()
    alerts = page.get_by_role("alert")
    if not re.search(url, page.url):
        said = alerts.first.inner_text() if alerts.count() else page.inner_text("body")[:600]
        raise AssertionError(f"{button!r} was refused at {page.url}: {said}")
    page.wait_for_url(re.compile(url))


def assert_accessible(page: Any) -> None:
    bad = check_accessibility(page)
    assert not bad, f"{page.url}: {bad}"
