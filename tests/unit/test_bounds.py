"""The plausible range of record values (domain.bounds) and username normalisation."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mesoplan.domain import bounds
from mesoplan.domain.bounds import FieldError
from mesoplan.domain.record_errors import RefusedError
from mesoplan.services.accounts import normalise_username

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
TRAPEZE = [[-5.0, 0.0], [5.0, 0.0], [7.0, 40.0], [-7.0, 40.0]]


@pytest.mark.parametrize(
    ("text", "newlines", "found"),
    [
        ("Rossi", False, None),
        ("Nul\u0000Name", False, "U+0000"),
        ("a\u001bb", False, "U+001B"),
        ("a\u007f", False, "U+007F"),
        ("a\u0085", False, "U+0085"),
        ("a\ud800", False, "U+D800"),
        ("line\nline", False, "U+000A"),
        ("line\nline", True, None),
        ("tab\there", True, "U+0009"),
        ("CR\r\n", True, "U+000D"),
        ("Müller 李 😀", False, None),
    ],
)
def test_control_characters(text: str, newlines: bool, found: str | None) -> None:
    assert bounds.control_character(text, newlines=newlines) == found


def test_dates_and_datetimes_out_of_the_calendar_range() -> None:
    assert bounds.date_in_range(date(1900, 1, 1)) == date(1900, 1, 1)
    for bad in (date(1899, 12, 31), date(2200, 1, 1), date(1, 1, 1), date(9999, 12, 31)):
        with pytest.raises(ValueError, match="out of range"):
            bounds.date_in_range(bad)
    plus14 = timezone(timedelta(hours=14))
    with pytest.raises(ValueError, match="out of range"):
        bounds.datetime_in_range(datetime(1, 1, 1, tzinfo=plus14))


@given(st.datetimes(timezones=st.timezones()))
def test_an_accepted_datetime_converts_to_utc(at: datetime) -> None:
    try:
        bounds.datetime_in_range(at)
    except ValueError:
        return
    assert at.astimezone(UTC).year >= 1899


def test_events_happen_after_birth_and_not_in_the_future() -> None:
    birth = date(1985, 4, 2)
    bounds.check_event_time(datetime(1985, 4, 2, 0, 30, tzinfo=UTC), birth, NOW, "taken_at")
    bounds.check_event_time(NOW + timedelta(minutes=5), birth, NOW, "taken_at")
    with pytest.raises(FieldError, match="before the patient's birth") as info:
        bounds.check_event_time(datetime(1985, 4, 1, 23, tzinfo=UTC), birth, NOW, "taken_at")
    assert info.value.field == "taken_at"
    with pytest.raises(FieldError, match="in the future"):
        bounds.check_event_time(NOW + timedelta(minutes=5, seconds=1), birth, NOW, "at")
    with pytest.raises(FieldError, match="time zone"):
        bounds.check_event_time(datetime(2025, 1, 1), birth, NOW, "at")
    bounds.check_event_time(NOW + timedelta(days=1), birth, None, "at")  # no clock bound


def test_birth_dates() -> None:
    bounds.check_birth_date(date(1900, 1, 1), NOW.date())
    bounds.check_birth_date(NOW.date(), NOW.date())
    for bad in (date(1899, 12, 31), NOW.date() + timedelta(days=1)):
        with pytest.raises(FieldError):
            bounds.check_birth_date(bad, NOW.date())


def test_a_course_starts_within_five_years() -> None:
    today = NOW.date()
    window = timedelta(days=bounds.COURSE_START_WINDOW_DAYS)
    bounds.check_course_start(today - window, today)
    bounds.check_course_start(today + window, today)
    for bad in (today - window - timedelta(days=1), today + window + timedelta(days=1)):
        with pytest.raises(FieldError, match="within five years"):
            bounds.check_course_start(bad, today)


@pytest.mark.parametrize(
    ("x", "y", "ok"),
    [(0, 20, True), (8.9, 40, True), (0, -1.9, True), (0, -2.1, False), (1e6, -1e6, False),
     (-500, 900, False)],
)  # fmt: skip
def test_a_point_lies_in_its_zone_or_within_one_spacing(x: float, y: float, ok: bool) -> None:
    if ok:
        bounds.check_point_position(TRAPEZE, 2.0, x, y, "changes/0")
    else:
        with pytest.raises(FieldError, match="outside the zone") as info:
            bounds.check_point_position(TRAPEZE, 2.0, x, y, "changes/0")
        assert info.value.field == "changes/0"


@pytest.mark.parametrize(
    ("doc", "where"),
    [
        ({"zones": [{"zone": "a\u0000"}]}, "/zones/0/zone"),
        ({"a/b": {"k\u0001": 1}}, "/a~1b"),
        ({"n": 2**60}, "/n"),
        ({"x": [1.0, float("nan")]}, "/x/1"),
        ({"x": float("inf")}, "/x"),
    ],
)
def test_free_form_documents_name_their_first_fault(doc: dict[str, object], where: str) -> None:
    with pytest.raises(FieldError) as info:
        bounds.check_json_value(doc)
    assert info.value.field == where


def test_a_clean_document_and_deep_nesting() -> None:
    bounds.check_json_value({"zones": [{"zone": "z", "points": [[1.5, 2], True, None]}]})
    deep: object = []
    for _ in range(100):
        deep = [deep]
    with pytest.raises(FieldError, match="nested too deeply"):
        bounds.check_json_value(deep)


@pytest.mark.parametrize(
    ("raw", "name"),
    [("dr-rossi", "dr-rossi"), ("  dr-rossi\n", "dr-rossi"), ("admin\n", "admin"),
     ("a.b_c-9", "a.b_c-9")],
)  # fmt: skip
def test_usernames_are_trimmed(raw: str, name: str) -> None:
    assert normalise_username(raw) == name


@pytest.mark.parametrize(
    "raw", ["Dr-Rossi", "dr rossi", "-dr", "", "a" * 65, "dr\u0000", "caf\u0065\u0301", "é"]
)
def test_usernames_outside_the_character_set_are_refused(raw: str) -> None:
    with pytest.raises(RefusedError, match="lower-case"):
        normalise_username(raw)
