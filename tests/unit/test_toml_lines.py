from __future__ import annotations

import tomllib

from mesoplan.domain.toml_lines import key_lines, line_for

DOC = '''# comment
id = "x"  # trailing
title = """multi
line"""
[[rules]]
groups = ["a",
  "b"]
spacing = { min = 1, max = 2 }

[[rules.caps]]
n = 1
[[rules.caps]]
n = 2

[[rules]]
"quoted key" = 'v'
nested.inner = 3
items = [
  { k = 1 },
  { k = 2 },
]
[info]
x = 1
'''


def test_every_key_has_its_line() -> None:
    tomllib.loads(DOC)  # the fixture is valid TOML
    lines = key_lines(DOC)
    assert lines[("id",)] == 2
    assert lines[("title",)] == 3
    assert lines[("rules", 0)] == 5
    assert lines[("rules", 0, "groups")] == 6
    assert lines[("rules", 0, "groups", 1)] == 7
    assert lines[("rules", 0, "spacing", "max")] == 8
    assert lines[("rules", 0, "caps", 1, "n")] == 13
    assert lines[("rules", 1, "quoted key")] == 16
    assert lines[("rules", 1, "nested", "inner")] == 17
    assert lines[("rules", 1, "items", 1, "k")] == 20
    assert lines[("info", "x")] == 23


def test_missing_paths_fall_back_to_the_nearest_parent() -> None:
    lines = key_lines(DOC)
    assert line_for(lines, ("rules", 1, "route")) == 15
    assert line_for(lines, ("nowhere",)) is None
