"""``mesoplan audit verify|anchor|access|open-clinic``: the audit chain checked against the
records, its heads anchored outside the database, the access log, and a clinic's first
API user."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from .common import fail, print_json, user_errors, writes
from .records_common import open_uow, records_errors

if TYPE_CHECKING:
    from ...services.unit_of_work import UnitOfWork

audit_app = typer.Typer(
    help="The audit trail of every write, the access log of reads, and API accounts.",
    no_args_is_help=True,
)


EXIT_MISSING_KEY = 3


@audit_app.command("verify")
def verify(
    clinic: int | None = typer.Option(None, "--clinic", help="Only this clinic (its id)."),
    anchor: Path | None = typer.Option(
        None,
        "--anchor",
        metavar="FILE",
        help="Heads exported earlier by `mesoplan audit anchor`: a chain that no longer "
        "holds them was rewritten or truncated.",
    ),
    json_output: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Walk every clinic's chain (keyed entries with MESOPLAN_AUDIT_KEY_FILE) and
    re-verify every signed session against its signature and the content hash the chain
    recorded at signing. Every mismatch is listed; exit 1 when anything does not verify,
    3 when a key the chain names is missing."""
    from ...adapters.db.audit_verify import read_anchor
    from ...services.audit import verify_chains

    with user_errors():
        heads = read_anchor(_read(anchor), str(anchor)) if anchor is not None else None
        reports = verify_chains(_uow(), clinic, heads)
    if json_output:
        print_json([r.as_dict() for r in reports])
    for r in reports if not json_output else ():
        if r.broken_at is None:
            typer.echo(f"clinic {r.clinic_id}: {r.entries} entries, chain intact")
        else:
            typer.echo(f"clinic {r.clinic_id}: broken at entry {r.broken_at}: {r.reason}")
        typer.echo(
            f"clinic {r.clinic_id}: {r.sessions} signed sessions, "
            f"{len({m.session_id for m in r.mismatches})} do not verify"
        )
        for m in r.mismatches:
            typer.echo(f"  {m}")
    if any(r.missing_key for r in reports):
        raise typer.Exit(EXIT_MISSING_KEY)
    if not all(r.intact for r in reports):
        raise typer.Exit(1)


@audit_app.command("anchor")
def anchor(
    output: Path | None = typer.Option(
        None, "--output", "-o", metavar="FILE", help="Write the anchor here (default: print)."
    ),
) -> None:
    """Export every clinic's chain head (sequence number and entry hash), to keep in a
    register outside the database; `audit verify --anchor FILE` checks against it."""
    from ...services.audit import anchor as make_anchor

    with user_errors():
        doc = make_anchor(_uow())
    text = json.dumps(doc, indent=2) + "\n"
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"--output {output}: cannot write ({exc.strerror})")
    typer.echo(f"anchor of {len(doc['heads'])} clinic(s) written to {output}")


@audit_app.command("access")
def access(
    clinic: int = typer.Option(..., "--clinic", help="The clinic (its id)."),
    patient: int | None = typer.Option(None, "--patient", help="Only this patient's reads."),
    fmt: str = typer.Option("text", "--format", help="text, json or csv"),
) -> None:
    """The access log: who read which patient's record, when, and through which
    entrypoint (cli, web, api)."""
    import csv
    import sys

    from ...services.audit import access_log

    if fmt not in ("text", "json", "csv"):
        fail(f"--format {fmt!r}; valid: text, json, csv")
    with user_errors():
        entries = access_log(_uow(), clinic, patient)
    rows = [e.__dict__ | {"at": e.at.isoformat()} for e in entries]
    if fmt == "json":
        print_json(rows)
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=ACCESS_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        for r in rows:
            typer.echo(
                f"{r['at']}  {r['who']} ({r['entrypoint']}): {r['action']}: {r['subject']} "
                f"[patient {r['patient_id']}]"
            )


@audit_app.command("app-role-sql")
def app_role_sql(
    role: str = typer.Argument(..., metavar="ROLE", help="The application's PostgreSQL role."),
) -> None:
    """Print the GRANT statements that give the application's PostgreSQL role what it
    needs and no more: no UPDATE, DELETE or TRUNCATE on the tables of signed records and
    the audit trail. The owner role (which runs `mesoplan db upgrade`) runs them after
    each upgrade; see docs/records.md."""
    from ...adapters.db import metadata
    from ...adapters.db.roles import application_grants

    try:
        statements = application_grants(role, [t.name for t in metadata.sorted_tables])
    except ValueError as exc:
        fail(str(exc))
    for statement in statements:
        typer.echo(statement + ";")


ACCESS_COLUMNS = ("id", "at", "who", "entrypoint", "action", "patient_id", "subject")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        fail(f"--anchor {path}: cannot read ({exc.strerror})")


def _uow() -> UnitOfWork:
    """An unaudited unit of work on the configured database (verification and the API
    accounts set their own actor); an unreachable database is exit 3."""
    from ...services.unit_of_work import UnitOfWork
    from .records_common import records_engine

    return UnitOfWork.from_engine(records_engine())


@audit_app.command("open-clinic")
@writes
def open_clinic(
    name: str = typer.Argument(..., help="The clinic's name."),
    username: str = typer.Option(..., "--username", help="The first admin's username."),
    full_name: str = typer.Option(..., "--name", help="The first admin's full name."),
    timezone: str = typer.Option("UTC", "--tz", help="IANA time zone of the clinic."),
) -> None:
    """Open a clinic with its first API user, an admin (password from the environment
    variable MESOPLAN_NEW_PASSWORD, or asked for)."""
    from ...services.accounts import NewUser
    from ...services.accounts import open_clinic as open_
    from ..api.settings import ApiSettings

    password = os.environ.get("MESOPLAN_NEW_PASSWORD") or typer.prompt(
        "password", hide_input=True, confirmation_prompt=True
    )
    if not password:
        fail("give a password")
    uow = open_uow()
    with records_errors():
        admin = NewUser(username, full_name, "admin", password)
        view = open_(uow, name, timezone, admin, ApiSettings.from_env().passwords)
    typer.echo(f"clinic {name!r} opened; admin {view.username} (user {view.id})")
