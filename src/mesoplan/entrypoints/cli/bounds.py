"""The CLI's input boundary for numbers and dates, applied to every command.

Every whole-number option and argument is bounded to what the database stores (a
64-bit integer), every decimal one must be finite (no ``nan``, no ``inf``), and dates
lie in a plausible clinical range. Commands declare ``int`` and ``float`` as usual:
:func:`harden` swaps in the bounded types when the command is loaded.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from .clicklib import core, exceptions, types

INT_LIMIT = 2**63 - 1
"""The largest id or count a database column holds (a signed 64-bit integer)."""
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2199, 12, 31)


def _bounded_int(param: core.Parameter | None, value: int) -> None:
    if abs(value) > INT_LIMIT:
        raise exceptions.BadParameter(
            f"{value} is out of range; give a whole number below 2^63", param=param
        )


def _finite(param: core.Parameter | None, value: float) -> None:
    if not math.isfinite(value):
        raise exceptions.BadParameter(f"{value} is not a finite number", param=param)


class _Bounded:
    """Mixed into click's number types: the converted value is checked as well."""

    check: Any

    def convert(self, value: Any, param: core.Parameter | None, ctx: core.Context | None) -> Any:
        number = super().convert(value, param, ctx)  # type: ignore[misc]
        type(self).check(param, number)
        return number


class BoundedInt(_Bounded, types.IntParamType):
    """A whole number that a 64-bit column can hold."""

    check = staticmethod(_bounded_int)


class BoundedIntRange(_Bounded, types.IntRange):
    check = staticmethod(_bounded_int)


class FiniteFloat(_Bounded, types.FloatParamType):
    """A decimal that is neither ``nan`` nor infinite."""

    check = staticmethod(_finite)


class FiniteFloatRange(_Bounded, types.FloatRange):
    check = staticmethod(_finite)


def _hardened(kind: types.ParamType) -> types.ParamType | None:
    if isinstance(kind, _Bounded):
        return None
    if isinstance(kind, types.IntRange):
        return BoundedIntRange(kind.min, kind.max, kind.min_open, kind.max_open, kind.clamp)
    if isinstance(kind, types.FloatRange):
        return FiniteFloatRange(kind.min, kind.max, kind.min_open, kind.max_open, kind.clamp)
    if isinstance(kind, types.IntParamType):
        return BoundedInt()
    if isinstance(kind, types.FloatParamType):
        return FiniteFloat()
    return None


def harden(command: core.Command) -> core.Command:
    """``command`` (and its subcommands) with bounded whole numbers and finite decimals."""
    for param in command.params:
        kind = _hardened(param.type)
        if kind is not None:
            param.type = kind
    for sub in getattr(command, "commands", {}).values():
        harden(sub)
    return command


def check_date(day: dt.date, option: str) -> dt.date:
    """``day`` if it lies between 1900 and 2199; a clear error otherwise."""
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise exceptions.BadParameter(
            f"{day.isoformat()} is outside the dates mesoplan keeps "
            f"({EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()})",
            param_hint=option,
        )
    return day
