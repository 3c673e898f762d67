"""The outcome plot: an SVG per patient, deterministic, text kept as text."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest

from mesoplan import Measurement, PhotoRef, builtin_protocols, course_review
from mesoplan.adapters.outcome_plot import outcome_plot_svg

SVG = "{http://www.w3.org/2000/svg}"


def measurements() -> list[Measurement]:
    out = [
        Measurement(
            "thigh_circumference_cm",
            datetime(2024, 5, 6 + 7 * i, 9),
            56.0 - 0.4 * i,
            site=site,
            height_above_kneecap_cm=18,
        )
        for i in range(4)
        for site in ("left", "right")
    ]
    out.append(Measurement("cellulite_stage_nurnberger_muller", datetime(2024, 5, 6), 2))
    out.append(Measurement("cellulite_stage_nurnberger_muller", datetime(2024, 5, 27), 1))
    ref = PhotoRef("photos/P-1/2024-05-06-front.jpg", "Canon R6 50 mm", "softbox", "front")
    out.append(Measurement("photo", datetime(2024, 5, 6, 9), photo=ref))
    return out


def texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def test_plot_is_valid_svg_with_one_panel_per_kind_and_a_legend() -> None:
    ms = measurements()
    review = course_review(builtin_protocols()["cellulite"], ms)
    svg = outcome_plot_svg(ms, title="Patient P-1 (fake)", review=review)
    assert svg.startswith("<?xml")
    all_text = texts(svg)
    assert "Patient P-1 (fake)" in all_text
    assert any(t.startswith("thigh_circumference_cm (lower is better)") for t in all_text)
    assert any(t.startswith("cellulite_stage_nurnberger_muller") for t in all_text)
    assert "left: as expected; right: as expected" in "\n".join(all_text)
    assert "left, 18 cm above kneecap" in all_text
    assert "photo" in all_text
    assert {"0", "1", "2", "3"} <= set(all_text)  # the stage axis ticks


def test_plot_is_deterministic_and_has_no_date() -> None:
    a = outcome_plot_svg(measurements())
    b = outcome_plot_svg(list(reversed(measurements())))
    assert a == b
    assert "<dc:date>" not in a


@pytest.mark.parametrize(
    ("ms", "message"),
    [
        ([], "no measurements yet"),
        (
            [Measurement("photo", datetime(2024, 5, 6), photo=PhotoRef("a.jpg", "c", "l", "p"))],
            "1 photo(s), no measured values",
        ),
    ],
)
def test_plot_without_values_says_so(ms: list[Measurement], message: str) -> None:
    assert message in texts(outcome_plot_svg(ms))


def test_a_single_aware_measurement_plots() -> None:
    svg = outcome_plot_svg([Measurement("gais", datetime(2024, 5, 6, tzinfo=UTC), 3)])
    assert "gais (lower is better)" in texts(svg)


def test_importing_the_adapter_does_not_import_matplotlib() -> None:
    code = "import sys, mesoplan.adapters.outcome_plot; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
