"""Helpers of the clinical-records commands: the unit of work, the acting practitioner,
errors from the database, parsing of dates and ``--use`` specs, output formats.

Nothing heavy is imported at module level: SQLAlchemy and the services load inside the
functions, when a records command runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .common import fail, print_json, settings, user_errors

if TYPE_CHECKING:
    from ...services.sessions import UseInput
    from ...services.unit_of_work import UnitOfWork

AsOpt = Annotated[
    str | None,
    typer.Option(
        "--as",
        metavar="HANDLE",
        help="The acting practitioner (default: MESOPLAN_PRACTITIONER).",
    ),
]


class Format(StrEnum):
    text = "text"
    json = "json"


class RecallFormat(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"


FormatOpt = Annotated[Format, typer.Option("--format", help="text or json")]
_USE = re.compile(
    r"^(?P<product>[^=]+)=(?P<lot>[^@:]+)(?:@(?P<vial>[^:]+))?:(?P<volume>[0-9]*\.?[0-9]+)$"
)


def actor(as_: str | None) -> str | None:
    return as_ or settings().practitioner


@contextmanager
def records_errors() -> Iterator[None]:
    """Domain errors and database trouble as one line and exit code 2."""
    from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError

    with user_errors():
        try:
            yield
        except (OperationalError, ProgrammingError) as exc:
            detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            if "no such table" in detail or "does not exist" in detail:
                fail(f"the database has no records schema: run `mesoplan db upgrade` ({detail})")
            fail(f"database error: {detail}")
        except DBAPIError as exc:
            detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            fail(f"the database refused the change: {detail}")


def cli_identity() -> tuple[str, str]:
    """Who runs the command (``--as``, MESOPLAN_PRACTITIONER, or the system user) and the
    command (``mesoplan session sign``), for the audit trail and the access log."""
    import getpass

    # typer runs its own copy of click: its context, not the click package's.
    from typer._click.globals import get_current_context

    ctx = get_current_context(silent=True)
    names: list[str] = []
    level = ctx
    while level is not None and level.parent is not None:
        names.insert(0, level.info_name or "")
        level = level.parent
    command = " ".join(["mesoplan", *names])
    given = ctx.params.get("as_") if ctx is not None else None
    who = given or settings().practitioner
    if not who:
        try:
            who = f"{getpass.getuser()} (system user)"
        except (KeyError, OSError):
            who = "unknown (system user)"
    return str(who), command


def open_uow(check_schema: bool = True) -> UnitOfWork:
    """The unit of work on the configured database, audited as the command's user (every
    commit appends an audit entry; reads of a record, an access entry); refuses a
    database whose schema is not at the newest migration."""
    from ...adapters.db import make_engine, revision
    from ...adapters.db.audit import Actor
    from ...services.unit_of_work import Reader, UnitOfWork

    url = settings().resolved_database_url()
    engine = make_engine(url)
    if check_schema:
        current, head = revision.current(engine), revision.head()
        if current != head:
            where = "has no records schema" if current is None else f"is at revision {current}"
            fail(f"the database {where}; mesoplan needs {head}: run `mesoplan db upgrade`")
    who, command = cli_identity()
    return UnitOfWork.from_engine(engine, actor=Actor(who, command), reader=Reader(who, "cli"))


def parse_date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option}: {value!r} is not a date; give YYYY-MM-DD")


def parse_when(value: str | None, option: str, zone: str) -> datetime | None:
    """An ISO 8601 date-time; without an offset it is local time in ``zone``."""
    if value is None:
        return None
    from zoneinfo import ZoneInfo

    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        fail(f"{option}: {value!r} is not a date-time; give YYYY-MM-DDTHH:MM[+HH:MM]")
    return when if when.tzinfo else when.replace(tzinfo=ZoneInfo(zone))


def parse_use(spec: str, option: str = "--use") -> UseInput:
    """``PRODUCT=LOT[@VIAL]:VOLUME_ML``."""
    from ...services.sessions import UseInput

    m = _USE.match(spec.strip())
    if m is None:
        fail(
            f"{option} {spec!r}: expected PRODUCT=LOT[@VIAL]:VOLUME_ML, e.g. Tefamin=TF-A1@VA:0.75"
        )
    return UseInput(
        m["product"].strip(),
        m["lot"].strip(),
        float(m["volume"]),
        (m["vial"] or "").strip() or None,
    )


def parse_pairs(values: list[str] | None, option: str) -> dict[str, str]:
    """``KEY=VALUE`` options, repeated."""
    out: dict[str, str] = {}
    for item in values or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            fail(f"{option} {item!r}: expected KEY=VALUE")
        out[key.strip()] = value.strip()
    return out


def emit(data: Any, fmt: Format, lines: list[str] | None = None) -> None:
    """JSON (dataclasses and dates made plain), or the given text lines."""
    from ...services.views import to_jsonable

    if fmt is Format.json:
        print_json(to_jsonable(data))
        return
    for line in lines or []:
        typer.echo(line)
