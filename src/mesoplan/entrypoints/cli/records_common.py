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

from .bounds import check_date
from .common import EXIT_UNREACHABLE, fail, print_json, settings, user_errors

if TYPE_CHECKING:
    from sqlalchemy import Engine

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
            detail = _detail(exc)
            if "no such table" in detail or "does not exist" in detail:
                fail(f"the database has no records schema: run `mesoplan db upgrade` ({detail})")
            fail(f"database error: {detail}")
        except DBAPIError as exc:
            fail(f"the database refused the change: {_detail(exc)}")


def records_engine() -> Engine:
    """The configured database's engine, connected once to check it can be reached: a
    bad URL or an unopenable SQLite file is exit 2, a server that refuses or does not
    answer (within MESOPLAN_DB_CONNECT_TIMEOUT_S) exit 3."""
    from sqlalchemy.exc import DBAPIError

    from ...adapters.db.engine import shown_url

    s = settings()
    with user_errors():
        engine = s.engine()
    where = shown_url(engine.url)
    try:
        with engine.connect():
            pass
    except DBAPIError as exc:
        detail = _detail(exc)
        if engine.dialect.name == "sqlite":
            fail(f"cannot open the SQLite database {engine.url.database}: {detail}")
        if "timeout" in detail:
            detail = (
                f"the server did not answer within {s.db_connect_timeout_s:g} s "
                "(MESOPLAN_DB_CONNECT_TIMEOUT_S)"
            )
        fail(f"cannot reach the database at {where}: {detail}", EXIT_UNREACHABLE)
    return engine


def _detail(exc: Exception) -> str:
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def require_schema(engine: Engine, *, upgradable: bool = False) -> str | None:
    """The database's schema revision; exit 2 when this mesoplan cannot use it (a newer
    schema always; an older or missing one unless ``upgradable``)."""
    from ...adapters.db import revision
    from ...adapters.db.engine import shown_url

    with records_errors():
        current = revision.current(engine)
    problem = revision.problem(current, upgradable=upgradable)
    if problem is not None:
        fail(f"the database {shown_url(engine.url)} {problem}")
    return current


def upgrade_schema(engine: Engine) -> tuple[str | None, str | None]:
    """Bring the schema to the newest revision (refused for a newer one): before, after."""
    from ...adapters.db import revision
    from ...adapters.db.migrate import upgrade

    before = require_schema(engine, upgradable=True)
    with records_errors():
        upgrade(engine)
        return before, revision.current(engine)


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
    from ...adapters.db.audit import Actor
    from ...services.unit_of_work import Reader, UnitOfWork

    engine = records_engine()
    if check_schema:
        require_schema(engine)
    who, command = cli_identity()
    return UnitOfWork.from_engine(engine, actor=Actor(who, command), reader=Reader(who, "cli"))


def parse_date(value: str, option: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        fail(f"{option}: {value!r} is not a date; give YYYY-MM-DD")
    return check_date(day, option)


def parse_when(value: str | None, option: str, zone: str) -> datetime | None:
    """An ISO 8601 date-time; without an offset it is local time in ``zone``."""
    if value is None:
        return None
    from zoneinfo import ZoneInfo

    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        fail(f"{option}: {value!r} is not a date-time; give YYYY-MM-DDTHH:MM[+HH:MM]")
    check_date(when.date(), option)
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
