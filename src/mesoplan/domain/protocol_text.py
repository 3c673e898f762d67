"""Protocol text (TOML) to a validated :class:`Protocol`, with file:line in every error.

pydantic validates the text into the model's stdlib dataclasses (it honours their
``annotated_types`` constraints and ``__pydantic_config__``) and reports every problem at
once; it is imported only here, inside the functions that validate, so that using a
protocol does not load it.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import cache
from typing import TYPE_CHECKING, Any

from .checked import FieldError
from .errors import Issue, ProtocolError
from .protocol import Protocol
from .protocol_checks import data_issues
from .toml_lines import key_lines, line_for

if TYPE_CHECKING:
    from pydantic import TypeAdapter
    from pydantic_core import ErrorDetails

_EXTRA = ("extra_forbidden", "unexpected_keyword_argument")

UNIT_SUFFIXES = ("cm", "mm", "ml", "min", "days", "months", "cm2")
_UNIT_NAMES = {
    "cm": "centimetres",
    "mm": "millimetres",
    "ml": "millilitres",
    "min": "minutes",
    "days": "days",
    "months": "calendar months",
    "cm2": "square centimetres",
}


@dataclass(frozen=True)
class ReadProtocol:
    """A protocol read from text, with the warnings its validation gave (each with its
    file and line): a format 1 file converted on load, a depth that may pass the dermis."""

    protocol: Protocol
    warnings: list[Issue] = dataclass_field(default_factory=list)


def parse_protocol_text(text: str, filename: str = "<protocol>") -> Protocol:
    """Parse and validate a protocol written in TOML (a format 1 protocol is converted to
    format 2: see :func:`read_protocol_text` for the warnings).

    Raises :class:`ProtocolError` listing every problem in the text at once, each with the
    file, the line and the field, and what would be valid.
    """
    return read_protocol_text(text, filename).protocol


def read_protocol_text(text: str, filename: str = "<protocol>") -> ReadProtocol:
    """Parse and validate a protocol written in TOML; a format 1 protocol is converted to
    format 2 on load (:mod:`.protocol_upgrade`), with a warning that says so."""
    data = toml_data(text, filename)
    lines = key_lines(text)
    errors, warnings = data_issues(data, lines, filename)
    try:
        protocol = protocol_from_data(data, filename=filename, text=text)
    except ProtocolError as exc:
        raise ProtocolError(_dedupe([*exc.issues, *errors])) from None
    if errors:
        raise ProtocolError(_dedupe(errors))
    if protocol.format_version == 1:
        from .protocol_upgrade import conversion_message, upgrade_protocol

        protocol = upgrade_protocol(protocol)
        line = lines.get(("format_version",), 1)
        warnings.insert(0, Issue("format_version", conversion_message(protocol), filename, line))
    return ReadProtocol(protocol, warnings)


def toml_data(text: str, filename: str) -> dict[str, Any]:
    """The parsed TOML; a syntax error is a :class:`ProtocolError` at its line."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line = int(match.group(1)) if match else None
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise ProtocolError(
            [Issue(field="", message=f"TOML syntax error: {message}", file=filename, line=line)]
        ) from None


def decode_protocol_bytes(raw: bytes, filename: str) -> str:
    """UTF-8 text; otherwise a :class:`ProtocolError` at the line of the first bad byte."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ProtocolError(
            [
                Issue(
                    field="",
                    message=f"file is not UTF-8 text: byte 0x{raw[exc.start]:02x} cannot be read",
                    file=filename,
                    line=line,
                )
            ]
        ) from None


def protocol_from_data(
    data: Any, filename: str = "<protocol>", text: str | None = None
) -> Protocol:
    """Validate already-parsed data; ``text``, when given, supplies line numbers."""
    from pydantic import ValidationError

    _check_values(data, filename, text)
    try:
        return _adapter().validate_python(data)
    except ValidationError as exc:
        lines = key_lines(text) if text is not None else {}
        errors = _relevant(exc.errors())
        issues = [_issue(err, lines, filename) for err in errors]
        raise ProtocolError(_dedupe(issues)) from None


def _check_values(data: Any, filename: str, text: str | None) -> None:
    """Printable strings (newlines allowed), bounded integers, finite numbers: a value
    that a record, an export or a database could not hold is refused with its line."""
    from .bounds import FieldError, check_json_value

    try:
        check_json_value(data)
    except FieldError as exc:
        parts = [p.replace("~1", "/").replace("~0", "~") for p in exc.field.strip("/#").split("/")]
        loc = tuple(int(p) if p.isdigit() else p for p in parts if p)
        lines = key_lines(text) if text is not None else {}
        line = (line_for(lines, loc) or 1) if lines else None
        issue = Issue(field=format_path(loc), message=exc.message, file=filename, line=line)
        raise ProtocolError([issue]) from None


@cache
def _adapter() -> TypeAdapter[Protocol]:
    from pydantic import TypeAdapter

    return TypeAdapter(Protocol)


def _relevant(errors: list[ErrorDetails]) -> list[ErrorDetails]:
    """Drop errors that only echo another one: a container reported too short because its
    items failed, and a missing field whose unit-misspelt twin is reported as unknown."""
    locs = [_clean_loc(e) for e in errors]
    misspelt = {
        (*loc[:-1], _unit_twin(str(loc[-1])))
        for e, loc in zip(errors, locs, strict=True)
        if e["type"] in _EXTRA and loc
    }
    out = []
    for e, loc in zip(errors, locs, strict=True):
        if e["type"] == "too_short" and any(
            other[: len(loc)] == loc and len(other) > len(loc) for other in locs
        ):
            continue
        if e["type"] == "missing" and loc in misspelt:
            continue
        out.append(e)
    return out


def _unit_twin(name: str) -> str:
    """For a misspelt unit (``spacing_mm``), the field it probably means (``spacing_cm``)."""
    stem = name.rpartition("_")[0]
    for field in (
        "spacing_cm",
        "depth_mm",
        "volume_ml",
        "usual_duration_min",
        "max_duration_min",
        "interval_days",
        "interval_months",
        "duration_days",
        "duration_months",
        "follow_up_days",
        "min_days_between",
        "dose_per_point_ml",
        "budget_ml",
    ):
        if field.rpartition("_")[0] == stem:
            return field
    return name


def _dedupe(issues: list[Issue]) -> list[Issue]:
    seen: set[tuple[str, str]] = set()
    out: list[Issue] = []
    for issue in issues:
        key = (issue.field, issue.message)
        if key not in seen:
            seen.add(key)
            out.append(issue)
    return sorted(out, key=lambda i: (i.line or 0, i.field))


def format_path(loc: Sequence[str | int]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _issue(err: ErrorDetails, lines: dict[tuple[str | int, ...], int], filename: str) -> Issue:
    loc = _clean_loc(err)
    line = line_for(lines, loc) if lines else None
    if line is None and lines:
        line = 1
    return Issue(field=format_path(loc), message=_message(err, loc), file=filename, line=line)


def _clean_loc(err: ErrorDetails) -> tuple[str | int, ...]:
    # pydantic adds tagged-union and function names to locations; they are not fields.
    loc = err["loc"]
    out = tuple(p for p in loc if not (isinstance(p, str) and ("[" in p or "function-" in p)))
    # A model's own check that names one of its fields (raised while building the model).
    error = (err.get("ctx") or {}).get("error")
    if err["type"] == "value_error" and isinstance(error, FieldError):
        out = (*out, *error.path)
    return out


def _message(err: ErrorDetails, loc: tuple[str | int, ...]) -> str:
    kind = err["type"]
    if kind in _EXTRA and loc and isinstance(loc[-1], str):
        return _unknown_field(loc)
    if kind == "missing":
        valid = _fields_at(loc[:-1])
        hint = f" (fields here: {', '.join(valid)})" if valid else ""
        return f"required field is missing{hint}"
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if kind == "predicate_failed":  # the predicate's docstring says what is valid
        found = f" (got {err['input']!r})" if _short(err["input"]) else ""
        return (_predicate_message(loc) or msg) + found
    return f"{msg} (got {err['input']!r})" if _short(err["input"]) else msg


def _predicate_message(loc: tuple[str | int, ...]) -> str | None:
    import annotated_types as at

    hint = _hint_at(loc)
    hints = [hint]
    if loc and isinstance(loc[-1], int) and typing.get_origin(hint) is typing.Annotated:
        inner = typing.get_args(hint)[0]  # an item of a tuple field
        if typing.get_origin(inner) is tuple:
            hints.append(typing.get_args(inner)[0])
    for h in reversed(hints):
        for meta in getattr(h, "__metadata__", ()):
            if isinstance(meta, at.Predicate) and meta.func.__doc__:
                return meta.func.__doc__
    return None


def _short(value: object) -> bool:
    return isinstance(value, (int, float, str, bool)) and len(repr(value)) <= 60


def _unknown_field(loc: tuple[str | int, ...]) -> str:
    name = str(loc[-1])
    valid = _fields_at(loc[:-1])
    stem, _, unit = name.rpartition("_")
    if unit in UNIT_SUFFIXES or unit in ("l", "ul", "m", "in", "sec", "s", "h", "weeks", "hours"):
        same_stem = [f for f in valid if f.rpartition("_")[0] == stem]
        if same_stem:
            want = same_stem[0]
            want_unit = want.rpartition("_")[2]
            return (
                f"unknown unit {unit!r} in {name!r}: this quantity is {want!r} "
                f"(in {_UNIT_NAMES.get(want_unit, want_unit)})"
            )
    hint = f"; valid fields here: {', '.join(valid)}" if valid else ""
    return f"unknown field {name!r}{hint}"


def _fields_at(loc: Sequence[str | int]) -> list[str]:
    """Field names the model accepts at ``loc`` (empty if it cannot tell)."""
    model = _inner_model(_hint_at(loc)) if loc else Protocol
    if isinstance(model, type) and dataclasses.is_dataclass(model):
        return [f.name for f in dataclasses.fields(model)]
    return []


def _hint_at(loc: Sequence[str | int]) -> Any:
    """The type hint of the field at ``loc`` (``None`` if it cannot tell)."""
    model: Any = Protocol
    hint: Any = None
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and dataclasses.is_dataclass(model)):
            return None
        hint = typing.get_type_hints(model, include_extras=True).get(part)
        if hint is None:
            return None
        model = _inner_model(hint)
    return hint


def _inner_model(annotation: Any) -> Any:
    for _ in range(4):
        origin = typing.get_origin(annotation)
        if origin in (tuple, list, typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a not in (type(None), Ellipsis)]
            models = [a for a in args if isinstance(a, type) and dataclasses.is_dataclass(a)]
            annotation = models[0] if models else (args[0] if args else None)
        elif origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        else:
            break
    return annotation
