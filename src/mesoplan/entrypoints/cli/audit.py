"""``mesoplan audit verify`` and ``mesoplan audit open-clinic``: the audit chain, and a
clinic's first API user."""

from __future__ import annotations

import os

import typer

from .common import fail, print_json
from .records_common import open_uow, records_errors

audit_app = typer.Typer(
    help="The audit trail of the API's writes, and API accounts.", no_args_is_help=True
)


@audit_app.command("verify")
def verify(
    clinic: int | None = typer.Option(None, "--clinic", help="Only this clinic (its id)."),
    json_output: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Recompute every clinic's hash chain; exit 1 at the first broken link."""
    from ...adapters.db.audit_verify import verify_all, verify_clinic

    with records_errors(), open_uow() as u:
        reports = [verify_clinic(u.session, clinic)] if clinic else verify_all(u.session)
    if json_output:
        print_json([r.__dict__ | {"intact": r.intact} for r in reports])
    for r in reports if not json_output else ():
        if r.intact:
            typer.echo(f"clinic {r.clinic_id}: {r.entries} entries, chain intact")
        else:
            typer.echo(f"clinic {r.clinic_id}: broken at entry {r.broken_at}: {r.reason}")
    if not all(r.intact for r in reports):
        raise typer.Exit(1)


@audit_app.command("open-clinic")
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
