"""Protocol text validation: every error at once, with line and field; hashing."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mesoplan import ProtocolError, parse_protocol_text
from mesoplan.protocols.library import ProtocolLibrary, export_builtin_text

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
    assert by_field["area_rules[1].groups"][0] == line_of(text, '"belly"')
    assert "valid groups: thighs" in by_field["area_rules[1].groups"][1]
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
        ('version = "1.0.0"', 'version = "one"', "version", "1.2.3"),
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
            'version = "1.0.0"', 'version = "1.1.0"'
        )
    )
    lib.add(bumped, "d.toml")
    assert lib.get("cellulite").version == "1.1.0"
    assert lib.get("cellulite", "1.0.0").content_hash != bumped.content_hash


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
