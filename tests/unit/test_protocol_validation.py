"""Protocol text validation: every error at once, with line and field; hashing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mesoplan import ProtocolError, parse_protocol_text
from mesoplan.domain.protocol_text import read_protocol_text
from mesoplan.protocols.library import ProtocolLibrary, export_builtin_text, load_protocol

CELLULITE = export_builtin_text("cellulite")


def line_of(text: str, needle: str, start: int = 0) -> int:
    """1-based line number of the first line at or after ``start`` containing ``needle``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if number > start and needle in line:
            return number
    raise AssertionError(needle)


def errors(text: str) -> list[tuple[int | None, str, str]]:
    with pytest.raises(ProtocolError) as info:
        parse_protocol_text(text, filename="clinic.toml")
    assert all(i.file == "clinic.toml" for i in info.value.issues)
    return [(i.line, i.field, i.message) for i in info.value.issues]


def test_three_mistakes_are_all_reported_with_line_and_field() -> None:
    text = CELLULITE.replace(
        'spacing_cm = { min = 2.0, default = 2.0, max = 2.0, source = "article" }',
        'spacing_mm = { min = 2.0, default = 2.0, max = 2.0, source = "article" }',
        1,
    )
    text = text.replace('groups = ["stomach"]', 'groups = ["stomach", "belly"]')
    text = text.replace("max_points = 50", "max_points = -5")
    found = errors(text)
    assert len(found) == 3
    by_field = {field: (line, msg) for line, field, msg in found}
    assert by_field["area_rules[0].spacing_mm"][0] == line_of(text, "spacing_mm")
    assert "spacing_cm" in by_field["area_rules[0].spacing_mm"][1]
    assert by_field["area_rules[1].groups[1]"][0] == line_of(text, '"belly"')
    assert "valid groups: thighs" in by_field["area_rules[1].groups[1]"][1]
    cap = by_field["area_rules[0].point_caps[0].max_points"]
    assert cap[0] == line_of(text, "max_points = -5")
    assert "greater than 0" in cap[1]


@pytest.mark.parametrize(
    ("old", "new", "field", "fragment"),
    [
        (
            'depth_mm = { min = 1.0, default = 1.5, max = 2.0, source = "article", note',
            'depth_mm = { min = 1.0, default = 2.5, max = 2.0, source = "article", note',
            "area_rules[0].depth_mm",
            "min <= default <= max",
        ),
        (
            'depth_mm = { min = 1.0, default = 1.5, max = 2.0, source = "article", note',
            'depth_mm = { min = 0, default = 1.5, max = 2.0, source = "article", note',
            "area_rules[0].depth_mm",
            "greater than 0",
        ),
        ('route = "intradermal"', 'route = "intramuscular"', "area_rules[0].route", "intradermal"),
        ("interval_days = 7", "interval_weeks = 1", "phases[0].interval_weeks", "unknown unit"),
        ("follow_up_days = 84", "follow_up_days = 30", "follow_up_days", "84"),
        ('version = "2.0.0"', 'version = "one"', "version", "1.2.3"),
        ("sessions = 4", "sessions = 4\nduration_months = 2", "phases[0]", "exactly one"),
        (
            'source = "article"\nnote = "\'As many',
            'source = "the web"\nnote = "\'As many',
            "",
            "source",
        ),
    ],
)
def test_single_mistakes(old: str, new: str, field: str, fragment: str) -> None:
    assert old in CELLULITE, old
    text = CELLULITE.replace(old, new, 1)
    found = errors(text)
    assert found, "expected an error"
    line, got_field, message = found[0]
    assert got_field.startswith(field)
    assert fragment in message
    assert line is not None and line >= 1


def test_three_errors_in_one_rule_are_three_errors_with_their_lines() -> None:
    text = CELLULITE.replace('groups = ["stomach"]', 'groups = ["stomach", "belly"]', 1)
    text = text.replace(
        'spacing_cm = { min = 2.0, default = 2.0, max = 2.0, source = "article" }\n'
        'depth_mm = { min = 1.0, default = 1.5, max = 2.0, source = "article", note = '
        '"default: midpoint of the article\'s range" }\n# "Five',
        'spacing_cm = { min = 0.01, default = 2.0, max = 2.0, source = "article" }\n'
        'depth_mm = { min = 1.0, default = 2.5, max = 2.0, source = "article", note = '
        '"default: midpoint of the article\'s range" }\n# "Five',
        1,
    )
    found = errors(text)
    assert [(line, field) for line, field, _ in found] == [
        (line_of(text, '"belly"'), "area_rules[1].groups[1]"),
        (line_of(text, "min = 0.01"), "area_rules[1].spacing_cm.min"),
        (line_of(text, "default = 2.5"), "area_rules[1].depth_mm"),
    ]
    assert "valid groups" in found[0][2]
    assert "0.05 to 10 cm" in found[1][2]
    assert "min <= default <= max" in found[2][2]


def rule_text(**fields: str) -> str:
    """The cellulite file with fields of its stomach rule replaced."""
    text = CELLULITE
    start = text.index('groups = ["stomach"]')
    head, tail = text[:start], text[start:]
    for name, value in fields.items():
        line = next(line for line in tail.splitlines() if line.startswith(f"{name} ="))
        tail = tail.replace(line, f"{name} = {value}", 1)
    return head + tail


def stomach_errors(**fields: str) -> list[tuple[int | None, str, str]]:
    return errors(rule_text(**fields))


RANGE = 'source = "article"'


@pytest.mark.parametrize(
    ("name", "value", "field", "fragment"),
    [
        (
            "spacing_cm",
            f"{{ min = 0.04, default = 2.0, max = 2.0, {RANGE} }}",
            "spacing_cm.min",
            "0.05 to 10 cm",
        ),
        (
            "spacing_cm",
            f"{{ min = 2.0, default = 2.0, max = 10.5, {RANGE} }}",
            "spacing_cm.max",
            "0.05 to 10 cm",
        ),
        (
            "depth_mm",
            f"{{ min = 0.05, default = 1.0, max = 1.5, {RANGE} }}",
            "depth_mm.min",
            "0.1 to 30 mm",
        ),
        (
            "depth_mm",
            f"{{ min = 1.0, default = 1.0, max = 31, {RANGE} }}",
            "depth_mm.max",
            "0.1 to 30 mm",
        ),
        (
            "budget_ml",
            f"{{ min = 2.5, default = 5.0, max = 101, {RANGE} }}",
            "budget_ml.max",
            "0 to 100 mL",
        ),
        (
            "budget_ml",
            f"{{ min = 2.5, default = inf, max = inf, {RANGE} }}",
            "budget_ml.default",
            "finite",
        ),
        (
            "budget_ml",
            f"{{ min = nan, default = 5.0, max = 5.0, {RANGE} }}",
            "budget_ml.min",
            "finite",
        ),
        (
            "budget_ml",
            f"{{ min = 0, default = 5.0, max = 5.0, {RANGE} }}",
            "budget_ml",
            "greater than 0",
        ),
        (
            "budget_ml",
            f"{{ min = 6, default = 5.0, max = 5.0, {RANGE} }}",
            "budget_ml",
            "min <= default <= max",
        ),
        (
            "dose_per_point_ml",
            f"{{ min = 0.0005, default = 0.2, max = 0.2, {RANGE} }}",
            "dose_per_point_ml.min",
            "0.001 to 100 mL",
        ),
        (
            "dose_per_point_ml",
            f"{{ min = 0.2, default = 0.2, max = 200, {RANGE} }}",
            "dose_per_point_ml.max",
            "0.001 to 100 mL",
        ),
        (
            "dose_per_point_ml",
            f"{{ min = 0.2, default = 0.1, max = 0.3, {RANGE} }}",
            "dose_per_point_ml",
            "min <= default <= max",
        ),
    ],
)
def test_plausible_bounds(name: str, value: str, field: str, fragment: str) -> None:
    text = rule_text(**{name: value})
    found = errors(text)
    # 31 mm is also past the stomach's dermis: both are reported
    assert len(found) == (2 if value.endswith("max = 31, " + RANGE + " }") else 1)
    [line] = [n for n, f, m in found if f == f"area_rules[1].{field}" and fragment in m]
    assert line == line_of(text, f"{name} = {value}")


def test_at_most_100_sessions_and_10_years_of_follow_up() -> None:
    [(line, field, message)] = errors(CELLULITE.replace("sessions = 4", "sessions = 101", 1))
    assert (field, line) == ("phases[0].sessions", line_of(CELLULITE, "sessions = 4"))
    assert "less than or equal to 100" in message
    long = CELLULITE.replace("duration_months = 3", "duration_months = 60", 1)
    [(_, field, message)] = errors(long)
    assert "at most 100" in message
    [(line, field, message)] = errors(
        CELLULITE.replace("follow_up_days = 84", "follow_up_days = 3651")
    )
    assert field == "follow_up_days" and "3650" in message
    assert line == line_of(CELLULITE, "follow_up_days = 84")


def test_every_interval_is_at_least_a_day() -> None:
    [(_, field, message)] = errors(CELLULITE.replace("interval_days = 7", "interval_days = 0", 1))
    assert field == "phases[0].interval_days" and "greater than 0" in message


def test_an_intradermal_depth_past_the_dermis_is_an_error_and_near_it_a_warning() -> None:
    # the thigh's dermis ends 1.9 mm deep (skin table): 2.0 mm is within 0.2 mm of it
    read = read_protocol_text(CELLULITE, "c.toml")
    [warning] = read.warnings
    assert (
        warning.field == "area_rules[0].depth_mm.max" and "may pass the dermis" in warning.message
    )
    assert warning.line == line_of(CELLULITE, "depth_mm = { min = 1.0")
    deep = CELLULITE.replace(
        'depth_mm = { min = 1.0, default = 1.5, max = 2.0, source = "article", note',
        'depth_mm = { min = 1.0, default = 1.5, max = 2.2, source = "article", note',
        1,
    )
    [(_, field, message)] = errors(deep)
    assert field == "area_rules[0].depth_mm.max" and "passes the dermis at the thigh" in message
    assert "at most 2.1 mm" in message
    assert not read_protocol_text(export_builtin_text("face")).warnings


def test_format_2_needs_a_dose_and_a_budget_at_the_rules_header() -> None:
    text = CELLULITE.replace(
        next(line for line in CELLULITE.splitlines() if line.startswith("dose_per_point_ml")), "", 1
    )
    text = text.replace("budget_ml = { min = 2.5", "volume_ml = { min = 2.5", 1)
    found = errors(text)
    headers = [n for n, line in enumerate(text.splitlines(), 1) if line == "[[area_rules]]"]
    assert (headers[0], "area_rules[0].dose_per_point_ml") in [(n, f) for n, f, _ in found]
    assert (headers[1], "area_rules[1].budget_ml") in [(n, f) for n, f, _ in found]
    assert any(f == "area_rules[1].volume_ml" and "format 1 field" in m for _, f, m in found)
    assert any(f == "area_rules[1].dose_per_point_ml" for _, f, _ in found) is False


def test_a_file_that_is_not_utf8_fails_at_the_line_of_the_first_bad_byte(tmp_path: Path) -> None:
    raw = CELLULITE.encode("utf-8").replace(b"Cellulite (thighs", b"Cellulite \xff(thighs", 1)
    path = tmp_path / "latin.toml"
    path.write_bytes(raw)
    with pytest.raises(ProtocolError) as info:
        load_protocol(path)
    [issue] = info.value.issues
    assert issue.line == line_of(CELLULITE, 'title = "Cellulite (thighs')
    assert "not UTF-8" in issue.message and "0xff" in issue.message


def test_missing_field_points_at_its_table() -> None:
    text = CELLULITE.replace('route = "intradermal"\n', "", 1)
    [(line, field, message)] = errors(text)
    assert field == "area_rules[0].route"
    assert "required" in message
    assert line == line_of(text, "[[area_rules]]")


def test_syntax_error_has_a_line() -> None:
    text = CELLULITE.replace('title = "Cellulite', "title = Cellulite", 1)
    [(line, _field, message)] = errors(text)
    assert line == line_of(CELLULITE, 'title = "Cellulite')
    assert "syntax" in message


def test_unknown_unit_names_the_right_field() -> None:
    text = CELLULITE.replace("max_duration_min = 1440", "max_duration_h = 24", 1)
    [(_, field, message)] = errors(text)
    assert field == "expected_reactions[0].max_duration_h"
    assert "max_duration_min" in message


def test_hash_ignores_comments_and_layout_but_not_content() -> None:
    base = parse_protocol_text(CELLULITE)
    reformatted = "# a clinic's comment\n\n" + re.sub(r"(?m)^#.*$", "", CELLULITE)
    assert parse_protocol_text(reformatted).content_hash == base.content_hash
    changed = parse_protocol_text(CELLULITE.replace("max_points = 50", "max_points = 40"))
    assert changed.content_hash != base.content_hash
    assert base.content_hash.startswith("sha256:") and len(base.content_hash) == 71


def test_same_id_and_version_with_other_content_is_refused() -> None:
    lib = ProtocolLibrary()
    lib.add(parse_protocol_text(CELLULITE), "a.toml")
    lib.add(parse_protocol_text("# same content\n" + CELLULITE), "b.toml")  # same hash: fine
    other = parse_protocol_text(CELLULITE.replace("max_points = 50", "max_points = 40"))
    with pytest.raises(ProtocolError, match="different content"):
        lib.add(other, "c.toml")
    bumped = parse_protocol_text(
        CELLULITE.replace("max_points = 50", "max_points = 40").replace(
            'version = "2.0.0"', 'version = "2.1.0"'
        )
    )
    lib.add(bumped, "d.toml")
    assert lib.get("cellulite").version == "2.1.0"
    assert lib.get("cellulite", "2.0.0").content_hash != bumped.content_hash


# -- property: random damage to a valid file never raises anything but ProtocolError -------

LINES = CELLULITE.splitlines()
JUNK = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["-1", "0", "1e309", "nan", '"x"', "[]", "{}", "true", "[[", "=", '"""']),
)


@st.composite
def damaged(draw: st.DrawFn) -> str:
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "value", "key", "insert"]))
        if action == "delete":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "value" and "=" in lines[i]:
            key = lines[i].split("=", 1)[0]
            lines[i] = f"{key}= {draw(JUNK)}"
        elif action == "key" and "=" in lines[i]:
            lines[i] = (
                draw(st.from_regex(r"[a-z_]{1,12}", fullmatch=True))
                + " ="
                + (lines[i].split("=", 1)[1])
            )
        else:
            lines.insert(i, draw(JUNK))
        if not lines:
            break
    return "\n".join(lines)


@given(damaged())
def test_property_damaged_files_fail_only_with_protocol_error(text: str) -> None:
    try:
        protocol = parse_protocol_text(text, filename="fuzz.toml")
    except ProtocolError as exc:
        assert exc.issues
        for issue in exc.issues:
            assert issue.file == "fuzz.toml"
            assert issue.message
            assert issue.line is None or 1 <= issue.line <= text.count("\n") + 1
    else:
        assert protocol.content_hash.startswith("sha256:")
