"""``mesoplan session record|show|points|correct|sign|cosign|addendum|verify|delete``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from .common import fail, read_text, writes
from .records_common import (
    AsOpt,
    Format,
    FormatOpt,
    actor,
    emit,
    open_uow,
    parse_pairs,
    parse_use,
    parse_when,
    records_errors,
)

if TYPE_CHECKING:
    from ...domain.charting_points import PointChange
    from ...services.session_views import SessionView

session_app = typer.Typer(help="Sessions: chart, sign, co-sign, amend.", no_args_is_help=True)


def read_points(path: Path) -> list[PointChange]:
    """Point statuses from a CSV (header id,status,x_cm,y_cm,depth_mm,volume_ml) or a JSON
    list of objects (or ``{"points": [...]}``)."""
    import csv
    import json

    from ...domain.charting import point_changes_from_rows

    text = read_text(path, "--points", "a CSV or JSON file of points")
    rows: Any
    if path.suffix.lower() == ".json":
        try:
            rows = json.loads(text)
        except json.JSONDecodeError as exc:
            fail(f"{path}:{exc.lineno}: not JSON ({exc.msg})")
        rows = rows.get("points") if isinstance(rows, dict) else rows
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            fail(f"{path}: expected a list of point objects")
    else:
        rows = list(csv.DictReader(text.splitlines()))
    return point_changes_from_rows(rows, str(path))


def _needle(spec: str | None) -> tuple[int | None, float | None]:
    if spec is None:
        return None, None
    gauge, _, length = spec.partition(":")
    try:
        return int(gauge.upper().removesuffix("G")), float(length)
    except ValueError:
        fail(f"--needle {spec!r}: expected GAUGE:LENGTH_MM, e.g. 30:4")


@session_app.command("record")
@writes
def record(
    course_id: int = typer.Argument(..., metavar="COURSE"),
    use: list[str] = typer.Option(
        ...,
        "--use",
        metavar="PRODUCT=LOT[@VIAL]:VOLUME_ML",
        help="A product drawn into the mix; repeat.",
    ),
    provides: list[str] | None = typer.Option(
        None,
        "--provides",
        metavar="PRODUCT=INGREDIENT",
        help="The protocol ingredient a product provides, when not inferred.",
    ),
    points: Path | None = typer.Option(
        None,
        "--points",
        metavar="FILE",
        help="Point statuses (CSV or JSON); default: every planned point done.",
    ),
    diluent: str | None = typer.Option(
        None, "--diluent", metavar="PRODUCT=LOT[@VIAL]:VOLUME_ML", help="The water or diluent used."
    ),
    needle: str | None = typer.Option(None, "--needle", metavar="GAUGE:LENGTH_MM"),
    needle_lot: str | None = typer.Option(None, "--needle-lot"),
    anaesthetic: str | None = typer.Option(None, "--anaesthetic", metavar="NAME:AMOUNT_G"),
    anaesthetic_at: str | None = typer.Option(None, "--anaesthetic-at", metavar="WHEN"),
    at: str | None = typer.Option(
        None, "--at", metavar="WHEN", help="When it was done (default: now)."
    ),
    number: int | None = typer.Option(None, "--number", help="Session number (default: the next)."),
    notes: str | None = typer.Option(None, "--notes"),
    override: list[str] | None = typer.Option(
        None,
        "--override",
        metavar="RULE=REASON",
        help="Override a stop (e.g. lot-expired); repeat.",
    ),
    as_: AsOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Chart a session against its planned map, with every product's lot and vial."""
    from dataclasses import replace

    from ...services import clinics, sessions

    named = parse_pairs(provides, "--provides")
    uses = [parse_use(u) for u in use]
    uses = [replace(u, provides=named.get(u.product)) for u in uses]
    changes = read_points(points) if points is not None else []
    gauge, length = _needle(needle)
    name, _, amount = (anaesthetic or "").rpartition(":")
    with records_errors():
        uow, who = open_uow(), actor(as_)
        zone = clinics.clinic_timezone(uow, who)
        details = sessions.SessionInput(
            needle_gauge=gauge,
            needle_length_mm=length,
            needle_lot=needle_lot,
            anaesthetic=(name or None) if anaesthetic else None,
            anaesthetic_amount_g=_amount(amount) if anaesthetic else None,
            anaesthetic_applied_at=parse_when(anaesthetic_at, "--anaesthetic-at", zone),
            diluent=parse_use(diluent, "--diluent") if diluent else None,
            notes=notes,
        )
        view = sessions.record_session(
            uow,
            who,
            course_id,
            uses,
            changes,
            details,
            number,
            parse_when(at, "--at", zone),
            parse_pairs(override, "--override"),
        )
    emit(view, fmt, session_lines(view))


def _amount(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        fail(f"--anaesthetic: expected NAME:AMOUNT_G, e.g. 'EMLA cream:5', got amount {text!r}")


def session_lines(v: SessionView) -> list[str]:
    p = v.points
    lines = [
        f"session {v.id}: course {v.course_id} #{v.number}, patient {v.patient_id}, "
        f"{v.performed_at:%Y-%m-%d %H:%M} UTC by {v.practitioner}",
        f"  points: {p['done']} done, {p['moved']} moved, {p['skipped']} skipped, "
        f"{p['added']} added of {p['planned']} planned; "
        f"{p['delivered_volume_ml']:g} of {p['planned_volume_ml']:g} mL",
    ]
    for u in v.uses:
        vial = f" vial {u['vial']}" if u["vial"] else ""
        what = u["provides"] or u["role"]
        lines.append(
            f"  {u['product']} lot {u['lot_number']}{vial}: {u['volume_ml']:g} mL ({what})"
        )
    if v.needle:
        lot = f", lot {v.needle['lot']}" if v.needle["lot"] else ""
        lines.append(f"  needle {v.needle['gauge']}G {v.needle['length_mm']:g} mm{lot}")
    if v.anaesthetic:
        a = v.anaesthetic
        lines.append(f"  {a['name']} {a['amount_g']:g} g at {a['applied_at']:%Y-%m-%d %H:%M} UTC")
    if v.signed_by:
        lines.append(
            f"  signed by {v.signed_by} at {v.signed_at:%Y-%m-%d %H:%M} UTC ({v.signature})"
        )
    if v.cosigned_by:
        lines.append(f"  co-signed by {v.cosigned_by} at {v.cosigned_at:%Y-%m-%d %H:%M} UTC")
    lines += [
        f"  addendum by {a['signed_by']} at {a['signed_at']:%Y-%m-%d %H:%M} UTC: {a['text']}"
        for a in v.addenda
    ]
    if v.verified is False:
        lines.insert(1, "  DOES NOT VERIFY: its content changed after it was signed")
        lines += [f"  does not verify: {problem}" for problem in v.verification]
    lines += [
        f"  {f.severity} {f.rule_id} overridden: {f.override_reason}"
        for f in v.findings
        if f.override_reason
    ]
    lines += [f"  warning: {w}" for w in v.warnings]
    return lines


SessionArg = typer.Argument(..., metavar="SESSION")


@session_app.command("show")
def show(session_id: int = SessionArg, fmt: FormatOpt = Format.text) -> None:
    """Show a charted session."""
    from ...services.session_views import show_session

    with records_errors():
        view = show_session(open_uow(), session_id)
    emit(view, fmt, session_lines(view))


@session_app.command("points")
def points_cmd(session_id: int = SessionArg, fmt: FormatOpt = Format.text) -> None:
    """Every point of a session: id, status, x_cm, y_cm, depth_mm, volume_ml."""
    from ...services.session_views import session_points

    with records_errors():
        rows = session_points(open_uow(), session_id)
    text = [
        f"{r['id']:<28} {r['status']:<8} {r['x_cm']:>7.2f} {r['y_cm']:>7.2f} "
        f"{r['depth_mm'] or 0:>5.2f} {r['volume_ml']:.4f}"
        for r in rows
    ]
    emit(rows, fmt, ["id status x_cm y_cm depth_mm volume_ml", *text])


@session_app.command("correct")
@writes
def correct(
    session_id: int = SessionArg,
    points: Path | None = typer.Option(None, "--points", metavar="FILE"),
    notes: str | None = typer.Option(None, "--notes"),
    as_: AsOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Re-chart the points or notes of a session that is not signed yet."""
    from ...services import sessions

    changes = read_points(points) if points is not None else None
    with records_errors():
        view = sessions.correct_session(open_uow(), actor(as_), session_id, changes, notes)
    emit(view, fmt, session_lines(view))


@session_app.command("sign")
@writes
def sign(session_id: int = SessionArg, as_: AsOpt = None, fmt: FormatOpt = Format.text) -> None:
    """Sign a session: from then on it never changes."""
    from ...services import signing

    with records_errors():
        view = signing.sign_session(open_uow(), actor(as_), session_id)
    emit(view, fmt, session_lines(view))


@session_app.command("cosign")
@writes
def cosign(session_id: int = SessionArg, as_: AsOpt = None, fmt: FormatOpt = Format.text) -> None:
    """Co-sign a signed session (a medical director, not the signer)."""
    from ...services import signing

    with records_errors():
        view = signing.cosign_session(open_uow(), actor(as_), session_id)
    emit(view, fmt, session_lines(view))


@session_app.command("addendum")
@writes
def addendum(
    session_id: int = SessionArg,
    text: str = typer.Option(..., "--text", help="The amendment."),
    as_: AsOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Amend a signed session with a signed addendum that points to it."""
    from ...services import signing

    with records_errors():
        view = signing.add_addendum(open_uow(), actor(as_), session_id, text)
    emit(view, fmt, session_lines(view))


@session_app.command("verify")
def verify(session_id: int = SessionArg) -> None:
    """Recompute a signed session's signature from what is stored (exit 2 if it differs)."""
    from ...services import signing

    with records_errors():
        result = signing.verify_session(open_uow(), session_id)
    if not result.signed:
        fail(f"session {session_id} is not signed")
    if not result.intact:
        fail(f"session {session_id}: the stored record does not match its signature")
    typer.echo(f"session {session_id}: signature intact")


@session_app.command("delete")
@writes
def delete(
    session_id: int = SessionArg,
    reason: str = typer.Option(..., "--reason"),
    as_: AsOpt = None,
) -> None:
    """Soft-delete an unsigned session charted in error (kept with who, when and why)."""
    from ...services import sessions

    with records_errors():
        sessions.delete_session(open_uow(), actor(as_), session_id, reason)
    typer.echo(f"session {session_id} deleted (kept in the record): {reason}")
