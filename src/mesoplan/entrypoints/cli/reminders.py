"""``mesoplan reminders opt-in|opt-out|send``: email reminders before a session."""

from __future__ import annotations

import typer

from .common import fail, settings
from .records_common import AsOpt, Format, FormatOpt, actor, emit, open_uow, records_errors

reminders_app = typer.Typer(
    help="Email reminders before a session, to patients who opted in.", no_args_is_help=True
)


def _consent(patient_id: int, opted_in: bool, as_: str | None, fmt: Format) -> None:
    from ...services import reminders

    with records_errors():
        reminders.set_opt_in(open_uow(), actor(as_), patient_id, opted_in)
    word = "will get" if opted_in else "will no longer get"
    emit(
        {"patient_id": patient_id, "opted_in": opted_in},
        fmt,
        [f"patient {patient_id} {word} email reminders"],
    )


@reminders_app.command("opt-in")
def opt_in(
    patient_id: int = typer.Argument(..., metavar="PATIENT"),
    as_: AsOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """The patient agreed to email reminders (sent to the patient's email address)."""
    _consent(patient_id, True, as_, fmt)


@reminders_app.command("opt-out")
def opt_out(
    patient_id: int = typer.Argument(..., metavar="PATIENT"),
    as_: AsOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """The patient withdrew consent to email reminders."""
    _consent(patient_id, False, as_, fmt)


@reminders_app.command("send")
def send(
    hours: int = typer.Option(24, "--hours", min=1, max=336, help="Sessions starting within."),
    as_: AsOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Email the opted-in patients whose session starts within --hours (once per
    session), through MESOPLAN_SMTP_HOST and MESOPLAN_SMTP_PORT from MESOPLAN_SMTP_FROM."""
    from ...adapters.mail import SmtpServer
    from ...services import reminders

    config = settings()
    if not config.smtp_host or not config.smtp_from:
        fail("set MESOPLAN_SMTP_HOST and MESOPLAN_SMTP_FROM to send reminders")
    server = SmtpServer(config.smtp_host, config.smtp_port, config.smtp_from)
    with records_errors():
        run = reminders.send_reminders(open_uow(), actor(as_), server, hours)
    lines = [f"sent {len(run.sent)} reminder(s)"]
    lines += [
        f"  patient {r.patient_id}: session {r.number} at {r.start:%Y-%m-%d %H:%M}"
        for r in run.sent
    ]
    lines += [f"  not sent to patient {r.patient_id}: {why}" for r, why in run.failed]
    emit(run, fmt, lines)
    if run.failed:
        raise typer.Exit(1)
