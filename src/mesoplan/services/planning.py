"""The approved plan of a course, from the planner (or from a plan JSON file)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..domain.protocol import Protocol
from ..domain.record_errors import RefusedError


def plan_document(
    protocol: Protocol,
    zones: Sequence[str],
    measurements: Mapping[str, float] | None = None,
    max_plan_points: int = 200_000,
) -> dict[str, Any]:
    """Plan one session of ``protocol`` over ``zones``: the plan JSON (docs/plan-json.md);
    ``max_plan_points`` is the work bound (``Settings.max_plan_points``)."""
    from ..adapters.plan_output import plan_to_dict
    from ..domain.planner import plan

    if not zones:
        raise RefusedError("name at least one zone (or give a plan file)")
    return plan_to_dict(
        plan(
            protocol,
            list(zones),
            measurements=measurements or {},
            max_plan_points=max_plan_points,
        )
    )


def read_plan(path: Path) -> dict[str, Any]:
    """A plan JSON file written by ``mesoplan plan --format json`` (and maybe reviewed)."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RefusedError(f"{path}: cannot read the plan ({exc.strerror})") from None
    except json.JSONDecodeError as exc:
        raise RefusedError(f"{path}:{exc.lineno}: not JSON ({exc.msg})") from None
    except UnicodeDecodeError:
        raise RefusedError(f"{path}: not a plan JSON file (not UTF-8 text)") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("zones"), list):
        raise RefusedError(f"{path}: not a plan (expected an object with 'protocol' and 'zones')")
    return doc
