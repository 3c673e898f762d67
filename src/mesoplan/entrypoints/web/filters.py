"""Jinja filters for dates, numbers and names."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from jinja2 import Environment


def when(value: Any) -> str:
    """A date or time for people: 2025-03-03 10:00 (UTC offsets dropped)."""
    if value is None:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return str(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def num(value: Any, digits: int = 3) -> str:
    """A number without trailing zeros: 1.5, 0.002, 10."""
    if value is None:
        return ""
    return f"{float(value):.{digits}f}".rstrip("0").rstrip(".") or "0"


def minutes(value: Any) -> str:
    """A duration in minutes for people: 30 min, 2 h, 2 days."""
    if value is None:
        return "ongoing"
    m = float(value)
    if m >= 1440 and m % 1440 == 0:
        days = int(m // 1440)
        return f"{days} day{'s' if days != 1 else ''}"
    if m >= 60 and m % 60 == 0:
        return f"{int(m // 60)} h"
    return f"{num(m, 1)} min"


def install(env: Environment) -> None:
    env.filters["when"] = when
    env.filters["num"] = num
    env.filters["minutes"] = minutes
