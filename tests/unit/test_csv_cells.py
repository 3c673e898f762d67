"""CSV cells that a spreadsheet would run as formulas are written as text (OWASP)."""

from __future__ import annotations

import pytest

from mesoplan.adapters.csv_export import neutralise


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_formula_start_gets_a_leading_quote(start: str) -> None:
    assert neutralise(f"{start}HYPERLINK()") == f"'{start}HYPERLINK()"


@pytest.mark.parametrize("cell", ["Rossi", "2025-03-10T09:30:00+01:00", "a=b", " =x", "", "'="])
def test_other_text_is_unchanged(cell: str) -> None:
    assert neutralise(cell) == cell


@pytest.mark.parametrize("cell", [-1.5, -3, 0, True, None])
def test_numbers_stay_numbers(cell: object) -> None:
    assert neutralise(cell) is cell
