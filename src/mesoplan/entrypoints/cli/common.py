"""Helpers shared by the CLI command groups: errors, output formats, settings."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import typer

from ...config import Settings
from ...domain.errors import MesoplanError, ProtocolError

EXIT_USAGE = 2
WRITES = "mesoplan_writes"
F = TypeVar("F")


def writes(command: F) -> F:
    """Mark a command that writes records: each run appends one entry to the audit chain
    (a test walks every marked command of the registry and checks it)."""
    setattr(command, WRITES, True)
    return command


EXIT_UNREACHABLE = 3


class ListFormat(StrEnum):
    text = "text"
    json = "json"


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Print one clear error line (or lines) to stderr and exit; never a traceback."""
    sys.stderr.write(f"error: {message}\n" if "\n" not in message else message + "\n")
    raise typer.Exit(code)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn mesoplan's documented errors into a message and exit code 2."""
    try:
        yield
    except ProtocolError as exc:
        lines = [str(issue) for issue in exc.issues]
        count = len(lines)
        lines.append(f"{count} error{'s' if count != 1 else ''} found")
        fail("\n".join(lines))
    except MesoplanError as exc:
        fail(str(exc))


MAX_INPUT_FILE_BYTES = 64 * 1024 * 1024
"""The largest file a command reads (points, plans): far above any real one."""


def read_text(path: Path, option: str, what: str = "a text file") -> str:
    """The UTF-8 text of ``path``; one clear message for a missing, unreadable, binary
    or oversized file."""
    try:
        with path.open("rb") as f:
            data = f.read(MAX_INPUT_FILE_BYTES + 1)
    except OSError as exc:
        fail(f"{option} {path}: cannot read ({exc.strerror or exc})")
    if len(data) > MAX_INPUT_FILE_BYTES:
        fail(f"{option} {path}: larger than {MAX_INPUT_FILE_BYTES // 2**20} MiB")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        fail(f"{option} {path}: not {what} (byte {exc.start} is not UTF-8)")


def settings() -> Settings:
    with user_errors():
        return Settings.from_env()


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
