"""Frozen stdlib dataclasses that check their own fields, and a strict typed constructor.

The protocol model is plain dataclasses, so that using a protocol (planning, charting)
loads no validation library. Field types carry ``annotated_types`` constraints (``Gt``,
``Ge``, ``MinLen``, ``MaxLen``, ``Predicate``) in ``Annotated`` metadata: pydantic honours
them when it validates protocol text, so an error names the exact field, and
:class:`Checked` runs the same checks in ``__post_init__``, so a model built any other way
holds the same rules. :func:`build` makes a model from trusted, already-parsed data (the
built-in protocols) without pydantic.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from enum import Enum
from functools import cache
from typing import Annotated, Any, ClassVar, Final, Literal, TypeVar, Union

import annotated_types as at

T = TypeVar("T")


class FieldError(ValueError):
    """A check on one field failed; ``field`` names it, relative to the object checked: a
    name, or a path of names and indexes (``("area_rules", 0, "budget_ml")``)."""

    def __init__(self, field: str | tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.path: tuple[str | int, ...] = (field,) if isinstance(field, str) else field
        self.field = ".".join(str(p) for p in self.path)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Checked:
    """Base of the model classes: field constraints, then :meth:`_check`, at construction."""

    # Read by pydantic when it validates text into these dataclasses.
    __pydantic_config__: ClassVar[dict[str, Any]] = {
        "extra": "forbid",
        "str_strip_whitespace": True,
    }
    # Fields added after the first format: left out of :meth:`to_dict` while unset, so
    # that the canonical content (and hash) of an older protocol never changes.
    _added_fields: ClassVar[frozenset[str]] = frozenset()

    def __post_init__(self) -> None:
        cls: type = type(self)
        for name, constraints in _constraints(cls):
            value = getattr(self, name)
            if value is None:
                continue
            for constraint in constraints:
                problem = _violation(constraint, value)
                if problem:
                    raise FieldError(name, problem)
        self._check()

    def _check(self) -> None:
        """Cross-field rules: raise ``ValueError``, or :class:`FieldError` for one field."""

    def to_dict(self, exclude_none: bool = False) -> dict[str, Any]:
        """JSON-ready content: enums as values, tuples as lists, fields in order."""
        out = _jsonable(self, exclude_none)
        assert isinstance(out, dict)
        return out


OMIT_UNSET: Final[Mapping[str, bool]] = types.MappingProxyType({"mesoplan.omit_unset": True})
"""Field metadata (``field(default=None, metadata=OMIT_UNSET)``) of an optional field that
:meth:`Checked.to_dict` leaves out while it holds its default: content stored before the
field existed keeps its canonical form, and so its hash."""


def _jsonable(value: object, exclude_none: bool) -> object:
    if isinstance(value, Checked):
        pairs = (
            (f.name, getattr(value, f.name))
            for f in dataclasses.fields(value)
            if not (f.metadata.get("mesoplan.omit_unset") and getattr(value, f.name) == f.default)
        )
        added = value._added_fields
        return {
            k: _jsonable(v, exclude_none)
            for k, v in pairs
            if v is not None or not (exclude_none or k in added)
        }
    if isinstance(value, (tuple, list)):
        return [_jsonable(v, exclude_none) for v in value]
    if isinstance(value, Enum):
        return value.value
    return value


@cache
def _hints(cls: type) -> dict[str, Any]:
    names = {f.name for f in dataclasses.fields(cls)}
    hints = typing.get_type_hints(cls, include_extras=True)
    return {k: v for k, v in hints.items() if k in names}


@cache
def _constraints(cls: type) -> tuple[tuple[str, tuple[object, ...]], ...]:
    out = []
    for name, hint in _hints(cls).items():
        options = typing.get_args(hint) if _is_union(hint) else (hint,)
        found = [m for o in options if typing.get_origin(o) is Annotated for m in o.__metadata__]
        if found:
            out.append((name, tuple(found)))
    return tuple(out)


def _violation(constraint: object, value: Any) -> str | None:
    what = "String" if isinstance(value, str) else "Tuple"
    unit = "character" if isinstance(value, str) else "item"
    if isinstance(constraint, at.Gt) and not value > constraint.gt:
        return f"Input should be greater than {constraint.gt}"
    if isinstance(constraint, at.Ge) and not value >= constraint.ge:
        return f"Input should be greater than or equal to {constraint.ge}"
    if isinstance(constraint, at.Le) and not value <= constraint.le:
        return f"Input should be less than or equal to {constraint.le}"
    if isinstance(constraint, at.MinLen) and len(value) < constraint.min_length:
        n = constraint.min_length
        return f"{what} should have at least {n} {unit}{'s' if n != 1 else ''}"
    if isinstance(constraint, at.MaxLen) and len(value) > constraint.max_length:
        n = constraint.max_length
        return f"{what} should have at most {n} {unit}{'s' if n != 1 else ''}"
    if isinstance(constraint, at.Predicate) and not constraint.func(value):
        return constraint.func.__doc__ or f"Predicate {constraint.func.__name__!r} failed"
    return None


def _is_union(hint: object) -> bool:
    return typing.get_origin(hint) in (Union, types.UnionType)


# -- the typed constructor ------------------------------------------------------------


def build(cls: type[T], data: object) -> T:
    """An instance of the dataclass ``cls`` from parsed data (TOML or JSON), strictly:
    unknown or missing keys and wrong types raise ``ValueError``; strings are stripped
    and integers become floats where the field is a float, as pydantic would do."""
    out = _value(cls, data, cls.__name__)
    assert isinstance(out, cls)
    return out


def _value(hint: Any, data: object, where: str) -> object:
    origin = typing.get_origin(hint)
    if origin is Annotated:
        return _value(typing.get_args(hint)[0], data, where)
    if _is_union(hint):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if data is None and len(args) < len(typing.get_args(hint)):
            return None
        if len(args) != 1:
            raise ValueError(f"{where}: unsupported type {hint}")
        return _value(args[0], data, where)
    if origin is tuple:
        item = typing.get_args(hint)[0]
        if not isinstance(data, (list, tuple)):
            raise ValueError(f"{where}: expected a list, got {data!r}")
        return tuple(_value(item, x, f"{where}[{i}]") for i, x in enumerate(data))
    if origin is Literal:
        if any(type(data) is type(a) and data == a for a in typing.get_args(hint)):
            return data
        raise ValueError(f"{where}: expected one of {typing.get_args(hint)}, got {data!r}")
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _instance(hint, data, where)
    return _scalar(hint, data, where)


def _scalar(hint: Any, data: object, where: str) -> object:
    if isinstance(hint, type) and issubclass(hint, Enum):
        try:
            return hint(data)
        except ValueError:
            raise ValueError(f"{where}: {data!r} is not a valid {hint.__name__}") from None
    if hint is str and isinstance(data, str):
        return data.strip()
    if hint is bool and isinstance(data, bool):
        return data
    if hint is int and isinstance(data, int) and not isinstance(data, bool):
        return data
    if hint is float and isinstance(data, (int, float)) and not isinstance(data, bool):
        return float(data)
    raise ValueError(f"{where}: expected {getattr(hint, '__name__', hint)}, got {data!r}")


def _instance(cls: type, data: object, where: str) -> object:
    if not isinstance(data, dict):
        raise ValueError(f"{where}: expected a table, got {data!r}")
    hints = _hints(cls)
    unknown = sorted(set(data) - set(hints))
    if unknown:
        raise ValueError(f"{where}: unknown field(s) {', '.join(unknown)}")
    missing = [
        f.name
        for f in dataclasses.fields(cls)
        if f.name not in data
        and f.default is dataclasses.MISSING
        and f.default_factory is dataclasses.MISSING
    ]
    if missing:
        raise ValueError(f"{where}: missing field(s) {', '.join(missing)}")
    kwargs = {k: _value(hints[k], v, f"{where}.{k}") for k, v in data.items()}
    return cls(**kwargs)
