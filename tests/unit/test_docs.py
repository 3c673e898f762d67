"""Docs that tests keep honest: every protocol field is documented."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from mesoplan.domain import protocol as model

DOCS = Path(__file__).resolve().parents[2] / "docs"


def models() -> list[type[model.Checked]]:
    return [
        v
        for v in vars(model).values()
        if isinstance(v, type) and issubclass(v, model.Checked) and v.__module__ == model.__name__
    ]


def test_every_protocol_field_is_in_the_format_doc() -> None:
    text = (DOCS / "protocols.md").read_text(encoding="utf-8")
    missing = [
        f"{m.__name__}.{name}"
        for m in models()
        for name in (f.name for f in dataclasses.fields(m))
        if f"`{name}`" not in text
    ]
    assert not missing, f"fields missing from docs/protocols.md: {missing}"


def test_every_zone_group_is_in_the_format_doc() -> None:
    text = (DOCS / "protocols.md").read_text(encoding="utf-8")
    for group in model.ZONE_GROUPS:
        assert f"`{group}`" in text
