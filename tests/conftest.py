"""Test-wide settings: hypothesis profiles and the rule that CI never skips integration tests."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile(
    "ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("fuzz", max_examples=5000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

_skipped_integration: list[str] = []
_skipped_browser: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    where = report.nodeid.replace(os.sep, "/")
    if report.skipped and ("tests/integration" in where or "tests/chaos" in where):
        _skipped_integration.append(report.nodeid)
    if report.skipped and "tests/e2e/browser" in report.nodeid.replace(os.sep, "/"):
        _skipped_browser.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if os.environ.get("MESOPLAN_REQUIRE_INTEGRATION") and _skipped_integration:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(
                "MESOPLAN_REQUIRE_INTEGRATION is set but these integration tests were "
                "skipped: " + ", ".join(_skipped_integration),
                red=True,
            )
        session.exitstatus = 1
    if os.environ.get("MESOPLAN_REQUIRE_BROWSER") and _skipped_browser:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(
                "MESOPLAN_REQUIRE_BROWSER is set but these browser tests were skipped: "
                + ", ".join(_skipped_browser),
                red=True,
            )
        session.exitstatus = 1
