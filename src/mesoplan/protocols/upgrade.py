"""Rewrite a format 1 protocol file as format 2, keeping its comments and layout (tomlkit).

The file is validated first (every error with file:line, as ``protocols validate``). Then,
in place of each area rule's ``volume_ml``, the rule gets ``budget_ml`` (the same range,
its comments kept) and, after it, ``dose_per_point_ml`` derived as on load
(:mod:`mesoplan.domain.protocol_upgrade`), marked ``derived``; ``format_version`` becomes 2.
A phase's ``min_days_between`` is renamed to the format 2 name of that field,
``min_interval_days``, when the phase model has it.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ..domain.protocol import CURRENT_FORMAT, DoseRange, Phase
from ..domain.protocol_text import read_protocol_text

PHASE_RENAMES = {"min_days_between": "min_interval_days"}
"""Phase fields of format 1 and their format 2 names."""


def _dose_table(dose: DoseRange) -> Any:
    import tomlkit

    table = tomlkit.inline_table()
    table.update(
        {
            "min": dose.min,
            "default": dose.default,
            "max": dose.max,
            "source": dose.source,
            "note": dose.note or "",
        }
    )
    return table


def _rename(table: Any, old: str, new: str) -> None:
    """Rename a key of a tomlkit table in place: its position, value and the comments
    around it stay (tomlkit has no public rename)."""
    table.value._replace(old, new, table.item(old))


def _insert_after(table: Any, after: str, key: str, value: Any) -> None:
    """Add ``key`` on the line after ``after`` (tomlkit has no public insert)."""
    import tomlkit

    index = table.value._map[tomlkit.key(after)]
    table.value._insert_at(index + 1, key, value)


def upgrade_text(text: str, filename: str = "<protocol>") -> str:
    """The format 2 text of a protocol file; a format 2 file comes back unchanged.

    Raises :class:`~mesoplan.ProtocolError` when the file is not a valid protocol.
    """
    import tomlkit

    converted = read_protocol_text(text, filename).protocol
    doc = tomlkit.parse(text)
    if doc.get("format_version", 1) == CURRENT_FORMAT:
        return text
    doc["format_version"] = CURRENT_FORMAT
    for rule, table in zip(converted.area_rules, doc["area_rules"], strict=True):
        _rename(table, "volume_ml", "budget_ml")
        _insert_after(table, "budget_ml", "dose_per_point_ml", _dose_table(rule.dose))
    phase_fields = {f.name for f in dataclasses.fields(Phase)}
    for table in doc.get("phases", []):
        for old, new in PHASE_RENAMES.items():
            if old in table and new in phase_fields and int(table[old]) >= 1:
                _rename(table, old, new)
    return tomlkit.dumps(doc)
