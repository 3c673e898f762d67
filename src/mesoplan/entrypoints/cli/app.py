"""The root ``mesoplan`` command and its groups."""

from __future__ import annotations

import errno
import os
import sys
from typing import Any

import typer

from .clicklib import exceptions
from .lazy import lazy_group

# Commands are registered by name and imported only when they run (or help lists them):
# "name": "module:attribute", where the attribute is a typer.Typer (a command group) or a
# command function. So `mesoplan plan` never pays for another command's imports. To add
# a command or group: one line here; keep heavy imports inside your command functions.
COMMANDS: dict[str, str] = {
    "protocols": "mesoplan.entrypoints.cli.protocols:protocols_app",
    "fhir": "mesoplan.entrypoints.cli.fhir:fhir_app",
    "export": "mesoplan.entrypoints.cli.export:export_app",
    "zones": "mesoplan.entrypoints.cli.zones:zones_app",
    "plan": "mesoplan.entrypoints.cli.plan:plan_command",
    "demo-plans": "mesoplan.entrypoints.cli.demo:demo_plans",
    "db": "mesoplan.entrypoints.cli.database:db_app",
    "backup": "mesoplan.entrypoints.cli.database:backup",
    "restore": "mesoplan.entrypoints.cli.database:restore",
    "clinic": "mesoplan.entrypoints.cli.people:clinic_app",
    "practitioner": "mesoplan.entrypoints.cli.people:practitioner_app",
    "patient": "mesoplan.entrypoints.cli.people:patient_app",
    "course": "mesoplan.entrypoints.cli.courses:course_app",
    "screen": "mesoplan.entrypoints.cli.courses:screen",
    "session": "mesoplan.entrypoints.cli.charting:session_app",
    "stock": "mesoplan.entrypoints.cli.stock:stock_app",
    "vial": "mesoplan.entrypoints.cli.stock:vial_app",
    "recall": "mesoplan.entrypoints.cli.stock:recall",
    "reaction": "mesoplan.entrypoints.cli.followup:reaction_app",
    "measure": "mesoplan.entrypoints.cli.followup:measure_app",
    "demo": "mesoplan.entrypoints.cli.records_demo:demo",
    "serve": "mesoplan.entrypoints.cli.serve:serve",
    "audit": "mesoplan.entrypoints.cli.audit:audit_app",
    "worklist": "mesoplan.entrypoints.cli.worklist:worklist",
    "calendar": "mesoplan.entrypoints.cli.calendar_feeds:calendar_app",
    "reminders": "mesoplan.entrypoints.cli.reminders:reminders_app",
}

app = typer.Typer(
    cls=lazy_group(COMMANDS),
    name="mesoplan",
    help=(
        "Plan, chart and follow mesotherapy courses. A planning and documentation tool "
        "for licensed practitioners; not medical advice."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        from ... import __version__

        typer.echo(f"mesoplan {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False,
        "--version",
        help="Print the version and exit.",
        is_eager=True,
        callback=_print_version,
    ),
) -> None:
    """Plan, chart and follow mesotherapy courses (not medical advice)."""


def write_commands() -> list[str]:
    """Every command that writes records (marked with ``common.writes``), by its path
    (``session sign``), walked from :data:`COMMANDS`."""
    from .common import WRITES
    from .lazy import load_command

    def walk(command: Any, path: list[str]) -> list[str]:
        subs = getattr(command, "commands", None)
        if subs is not None:
            return [p for name in sorted(subs) for p in walk(subs[name], [*path, name])]
        return [" ".join(path)] if getattr(command.callback, WRITES, False) else []

    return [
        p for name, target in COMMANDS.items() for p in walk(load_command(name, target), [name])
    ]


def _not_utf8(args: list[str], environ: dict[str, str]) -> str | None:
    """Which argument or MESOPLAN_* variable is not UTF-8 (Python keeps such bytes as
    lone surrogates, which no file, database or terminal accepts)."""
    for n, arg in enumerate(args, 1):
        if not arg.isascii():
            try:
                arg.encode("utf-8")
            except UnicodeEncodeError:
                shown = os.fsencode(arg)[:60]
                return f"argument {n} ({shown!r}) is not valid UTF-8; give text in UTF-8"
    for name, value in environ.items():
        if name.startswith("MESOPLAN_") and not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return f"{name} is not valid UTF-8; give text in UTF-8"
    return None


def _usage_line(exc: exceptions.ClickException) -> str:
    message = " ".join(exc.format_message().split()).rstrip(".")
    ctx = getattr(exc, "ctx", None)
    hint = f"; see `{ctx.command_path} --help`" if ctx is not None else ""
    return f"error: {message}{hint}\n"


def run(args: list[str]) -> int:
    """Run the command line ``args``; the exit code. Every failure is one line on
    stderr: usage mistakes and bad input exit 2, an unreachable database 3."""
    from .common import EXIT_USAGE

    problem = _not_utf8(args, dict(os.environ))
    if problem:
        sys.stderr.write(f"error: {problem}\n")
        return EXIT_USAGE
    command = typer.main.get_command(app)
    try:
        code = command.main(args, prog_name="mesoplan", standalone_mode=False)
    except exceptions.NoArgsIsHelpError as exc:
        exc.show()
        return EXIT_USAGE
    except exceptions.ClickException as exc:
        sys.stderr.write(_usage_line(exc))
        return exc.exit_code
    except exceptions.Abort:
        sys.stderr.write("error: aborted\n")
        return 1
    except OSError as exc:
        if exc.errno == errno.EPIPE:  # the reader went away (`mesoplan ... | head`)
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
            return 1
        where = f"{exc.filename}: " if exc.filename else ""
        sys.stderr.write(f"error: {where}{exc.strerror or exc}\n")
        return EXIT_USAGE
    except Exception as exc:  # the last line of defence: still one line, never a trace
        detail = " ".join(str(exc).split())[:300]
        sys.stderr.write(
            f"error: internal error ({type(exc).__name__}: {detail}); please report it\n"
        )
        return 1
    return code if isinstance(code, int) else 0


def main() -> None:
    """Console-script entry point."""
    sys.exit(run(sys.argv[1:]))
