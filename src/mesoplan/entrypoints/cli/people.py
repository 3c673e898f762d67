"""``mesoplan clinic add``, ``mesoplan practitioner add`` and ``mesoplan patient
add|list|show|history|delete``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from .common import writes
from .records_common import (
    AsOpt,
    Format,
    FormatOpt,
    actor,
    emit,
    open_uow,
    parse_date,
    parse_pairs,
    parse_when,
    records_errors,
)

if TYPE_CHECKING:
    from ...domain.safety import PatientHistory
    from ...services.patient_record import PatientRecord

clinic_app = typer.Typer(help="Clinics.", no_args_is_help=True)
practitioner_app = typer.Typer(help="Practitioners and their roles.", no_args_is_help=True)
patient_app = typer.Typer(help="Patients: register, list, show, history.", no_args_is_help=True)


@clinic_app.command("add")
@writes
def clinic_add(
    name: str = typer.Argument(..., metavar="NAME"),
    tz: str = typer.Option("UTC", "--tz", metavar="ZONE", help="The clinic's IANA time zone."),
    fmt: FormatOpt = Format.text,
) -> None:
    """Add a clinic."""
    from ...services import clinics

    with records_errors():
        view = clinics.add_clinic(open_uow(), name, tz)
    emit(view, fmt, [f"clinic {view.id}: {view.name} ({view.timezone})"])


@practitioner_app.command("add")
@writes
def practitioner_add(
    handle: str = typer.Argument(..., metavar="HANDLE", help="e.g. dr-rossi; used with --as"),
    name: str = typer.Option(..., "--name", help="Full name."),
    role: str = typer.Option(
        "practitioner", "--role", help="practitioner, medical_director or nurse"
    ),
    clinic: str | None = typer.Option(
        None, "--clinic", help="Clinic name (default: the only one)."
    ),
    licence: str | None = typer.Option(None, "--licence", help="Licence number."),
    fmt: FormatOpt = Format.text,
) -> None:
    """Add a practitioner to a clinic."""
    from ...services import clinics

    with records_errors():
        view = clinics.add_practitioner(open_uow(), handle, name, role, clinic, licence)
    emit(view, fmt, [f"practitioner {view.handle}: {view.name}, {view.role} at {view.clinic}"])


FLAGS = (
    "pregnant",
    "breastfeeding",
    "anticoagulants",
    "antiplatelets",
    "bleeding_disorder",
    "active_skin_infection",
    "recent_myocardial_infarction",
    "hypotension",
)
FlagsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--flag", metavar="FLAG", help=f"A history flag; repeat. One of: {', '.join(FLAGS)}."
    ),
]
AllergyOpt = Annotated[
    list[str] | None, typer.Option("--allergy", help="An allergy, e.g. sulfite; repeat.")
]
ConsentOpt = Annotated[
    str | None,
    typer.Option("--consent", metavar="WHEN", help="Consent given: 'now' or a date-time."),
]


def _history(
    flags: list[str] | None, allergies: list[str] | None, consent: str | None, zone: str
) -> PatientHistory:
    from datetime import UTC, datetime

    from ...domain.safety import PatientHistory
    from .common import fail

    unknown = [f for f in flags or [] if f not in FLAGS]
    if unknown:
        fail(f"--flag {unknown[0]!r}: valid flags: {', '.join(FLAGS)}")
    given = datetime.now(UTC) if consent == "now" else parse_when(consent, "--consent", zone)
    values = dict.fromkeys(flags or [], True)
    return PatientHistory(allergies=tuple(allergies or ()), consent_given_at=given, **values)


@patient_app.command("add")
@writes
def patient_add(
    family: str = typer.Option(..., "--family", help="Family name."),
    given: str = typer.Option(..., "--given", help="Given name."),
    birth: str = typer.Option(..., "--birth", metavar="YYYY-MM-DD", help="Birth date."),
    sex: str = typer.Option(..., "--sex", help="female, male, other or unknown"),
    phone: str | None = typer.Option(None, "--phone"),
    email: str | None = typer.Option(None, "--email"),
    ident: list[str] | None = typer.Option(
        None, "--id", metavar="SYSTEM=VALUE", help="External identifier; repeat."
    ),
    flag: FlagsOpt = None,
    allergy: AllergyOpt = None,
    consent: ConsentOpt = None,
    as_: AsOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Register a patient, with the safety history and consent."""
    from ...services import clinics, patients

    born = parse_date(birth, "--birth")
    ids = parse_pairs(ident, "--id")
    with records_errors():
        uow, who = open_uow(), actor(as_)
        history = _history(flag, allergy, consent, clinics.clinic_timezone(uow, who))
        view = patients.register_patient(
            uow, who, family, given, born, sex, phone, email, ids, history
        )
    emit(
        view, fmt, [f"patient {view.id}: {view.family_name}, {view.given_name} ({view.birth_date})"]
    )


@patient_app.command("history")
@writes
def patient_history(
    patient_id: int = typer.Argument(..., metavar="PATIENT"),
    flag: FlagsOpt = None,
    allergy: AllergyOpt = None,
    consent: ConsentOpt = None,
    medication: list[str] | None = typer.Option(
        None, "--medication", help="A current medication; repeat."
    ),
    notes: str | None = typer.Option(None, "--notes"),
    as_: AsOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Record a new version of the safety history (the older ones are kept)."""
    from ...services import clinics, patients

    with records_errors():
        uow, who = open_uow(), actor(as_)
        history = _history(flag, allergy, consent, clinics.clinic_timezone(uow, who))
        view = patients.record_history(
            uow, who, patient_id, history, tuple(medication or ()), notes
        )
    on = [k for k, v in view.flags.items() if v] + [f"allergy {a}" for a in view.allergies]
    emit(view, fmt, [f"history of patient {patient_id}: {', '.join(on) or 'nothing of note'}"])


@patient_app.command("list")
def patient_list(
    name: str | None = typer.Option(None, "--name", help="Part of a name to look for."),
    deleted: bool = typer.Option(False, "--deleted", help="Include deleted patients."),
    as_: AsOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """List the clinic's patients."""
    from ...services import patients

    with records_errors():
        views = patients.list_patients(open_uow(), actor(as_), name, deleted)
    lines = [
        f"{v.id:>5}  {v.family_name}, {v.given_name}  {v.birth_date}  {v.sex}"
        + ("  (deleted)" if v.deleted else "")
        for v in views
    ]
    emit(views, fmt, lines or ["no patients"])


@patient_app.command("show")
def patient_show(
    patient_id: int = typer.Argument(..., metavar="PATIENT"),
    fmt: FormatOpt = Format.text,
) -> None:
    """Show a patient's record: history, courses, sessions, measurements, reactions."""
    from ...services.patient_record import patient_record

    with records_errors():
        record = patient_record(open_uow(), patient_id)
    emit(record, fmt, _record_lines(record))


def _record_lines(r: PatientRecord) -> list[str]:
    p = r.patient
    lines = [f"patient {p.id}: {p.family_name}, {p.given_name}, born {p.birth_date}, {p.sex}"]
    if r.history is not None:
        on = [k for k, v in r.history.flags.items() if v] + [
            f"allergy {a}" for a in r.history.allergies
        ]
        consent = r.history.consent_given_at or "NOT RECORDED"
        lines.append(f"  history: {', '.join(on) or 'nothing of note'}; consent {consent}")
    for c in r.courses:
        lines.append(
            f"  course {c.id}: {c.protocol} on {', '.join(c.zones)} from {c.start_date}, "
            f"{c.point_count} points, {len(c.sessions)} sessions planned"
        )
    for s in r.sessions:
        state = "signed" if s.signed else "NOT SIGNED"
        lines.append(
            f"    session {s.id} (course {s.course_id} #{s.number}) "
            f"{s.performed_at:%Y-%m-%d %H:%M} UTC, {state}, {s.reactions} reaction(s)"
        )
    for m in r.measurements:
        value = m.photo_file if m.kind == "photo" else f"{m.value:g} {m.unit}"
        lines.append(f"  measure {m.kind} {value} at {m.taken_at:%Y-%m-%d}")
    for x in r.reactions:
        flags = f" FLAGGED: {', '.join(x['flags'])}" if x["flags"] else ""
        lines.append(
            f"  reaction {x['id']}: {x['kind']} at {x['zone']} "
            f"after session {x['session_id']}{flags}"
        )
    return lines


@patient_app.command("delete")
@writes
def patient_delete(
    patient_id: int = typer.Argument(..., metavar="PATIENT"),
    reason: str = typer.Option(..., "--reason", help="Why (kept with who and when)."),
    as_: AsOpt = None,
) -> None:
    """Soft-delete a patient: hidden from lists, kept with who, when and why."""
    from ...services import patients

    with records_errors():
        patients.delete_patient(open_uow(), actor(as_), patient_id, reason)
    typer.echo(f"patient {patient_id} deleted (kept in the record): {reason}")
