"""``mesoplan stock receive|list``, ``mesoplan vial open`` and ``mesoplan recall``."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import typer

from .common import fail, writes
from .records_common import (
    AsOpt,
    Format,
    FormatOpt,
    RecallFormat,
    actor,
    emit,
    open_uow,
    parse_date,
    records_errors,
)

if TYPE_CHECKING:
    from ...services.recall import RecallResult

stock_app = typer.Typer(help="Stock: products, lots received, vials.", no_args_is_help=True)
vial_app = typer.Typer(help="Multi-dose vials: open one from a lot.", no_args_is_help=True)


@stock_app.command("receive")
@writes
def receive(
    product: str = typer.Argument(..., metavar="PRODUCT"),
    lot: str = typer.Argument(..., metavar="LOT"),
    expiry: str = typer.Option(..., "--expiry", metavar="YYYY-MM-DD"),
    quantity: int = typer.Option(..., "--quantity", help="Vials or ampoules received."),
    volume_ml: float = typer.Option(..., "--volume-ml", help="Volume of each vial or ampoule."),
    ingredient: str | None = typer.Option(None, "--ingredient", help="Active ingredient."),
    agent_class: str | None = typer.Option(None, "--class", help="Agent class, e.g. xanthine."),
    diluent: bool = typer.Option(False, "--diluent", help="Water or diluent, not a drug."),
    supplier: str | None = typer.Option(None, "--supplier"),
    mg_per_ml: float | None = typer.Option(
        None,
        "--mg-per-ml",
        help="mg of the active ingredient per mL (the label strength, e.g. 160 for 240 mg "
        "in 1.5 mL); charting totals mg from it.",
    ),
    as_: AsOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Receive a lot of a product (the product is created on its first delivery)."""
    from ...services import stock

    spec = stock.NewProduct(product, "diluent" if diluent else "drug", ingredient, agent_class)
    day = parse_date(expiry, "--expiry")
    with records_errors():
        view = stock.receive_stock(
            open_uow(), actor(as_), spec, lot, day, quantity, volume_ml, supplier, mg_per_ml
        )
    strength = f", {view.mg_per_ml:g} mg/mL" if view.mg_per_ml is not None else ""
    emit(
        view,
        fmt,
        [
            f"lot {view.lot_number} of {view.product}: {view.quantity_received} x "
            f"{view.unit_volume_ml:g} mL{strength}, expires {view.expiry_date}"
        ],
    )


@stock_app.command("list")
def list_stock(as_: AsOpt = None, fmt: FormatOpt = Format.text) -> None:
    """Lots and open vials, with what each vial still holds."""
    from ...services import stock

    with records_errors():
        listed = stock.list_stock(open_uow(), actor(as_))
    lines = []
    for lot in listed.lots:
        state = "RECALLED" if lot.recalled else "EXPIRED" if lot.expired else "ok"
        lines.append(
            f"{lot.product:<24} lot {lot.lot_number:<12} exp {lot.expiry_date}  "
            f"{lot.vials_opened}/{lot.quantity_received} open  {state}"
        )
    for v in listed.vials:
        state = "RECALLED" if v.recalled else "BEYOND USE" if v.beyond_use else "ok"
        lines.append(
            f"  vial {v.code:<14} {v.product} lot {v.lot_number}: "
            f"{v.volume_remaining_ml:g}/{v.volume_initial_ml:g} mL, "
            f"use by {v.beyond_use_at:%Y-%m-%d %H:%M} UTC  {state}"
        )
    emit(listed, fmt, lines or ["no stock"])


@vial_app.command("open")
@writes
def open_vial(
    product: str = typer.Argument(..., metavar="PRODUCT"),
    lot: str = typer.Argument(..., metavar="LOT"),
    vial_id: str | None = typer.Option(None, "--id", help="The vial's id (default LOT-V<n>)."),
    days: int = typer.Option(28, "--days", help="Beyond-use days after opening."),
    as_: AsOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Open a vial of a lot: it holds the lot's unit volume until its beyond-use time."""
    from ...services import stock

    with records_errors():
        view = stock.open_vial(open_uow(), actor(as_), product, lot, vial_id, days)
    emit(
        view,
        fmt,
        [
            f"vial {view.code}: {view.product} lot {view.lot_number}, "
            f"{view.volume_remaining_ml:g} mL, use by {view.beyond_use_at:%Y-%m-%d %H:%M} UTC"
        ],
    )


@writes
def recall(
    lot: str | None = typer.Option(None, "--lot", metavar="LOT", help="A lot number."),
    vial: str | None = typer.Option(None, "--vial", metavar="VIAL", help="A vial id."),
    mark: bool = typer.Option(False, "--mark", help="Also mark it recalled: refused from now on."),
    reason: str | None = typer.Option(None, "--reason", help="Why (required with --mark)."),
    as_: AsOpt = None,
    fmt: RecallFormat = typer.Option(RecallFormat.text, "--format", help="text, json or csv"),
) -> None:
    """Who received a lot or a vial: every patient, session, date, product, vial, volume."""
    from ...services import recall as service

    if mark and not reason:
        fail("--mark needs --reason")
    with records_errors():
        uow = open_uow()
        if mark:
            assert reason is not None
            result = service.recall(uow, actor(as_), reason, lot, vial)
        else:
            result = service.who_received(uow, lot, vial)
        result = service.mark_unverified(open_uow(), result)
    _print_recall(result, fmt)


def _print_recall(result: RecallResult, fmt: RecallFormat) -> None:
    import csv
    import dataclasses

    from ...services.views import to_jsonable

    rows = [to_jsonable(r) for r in result.rows]
    if fmt is RecallFormat.json:
        emit(
            {
                "recall": result.what,
                "marked": result.recalled,
                "patients": result.patient_ids,
                "uses": rows,
            },
            Format.json,
        )
        return
    if fmt is RecallFormat.csv:
        from ...services.views import RecallRow

        writer = csv.DictWriter(
            sys.stdout,
            fieldnames=[f.name for f in dataclasses.fields(RecallRow)],
            lineterminator="\n",
        )
        writer.writeheader()
        writer.writerows(rows)
        return
    typer.echo(
        f"{result.what}: {len(result.patient_ids)} patient(s), {len(rows)} use(s)"
        + (" (marked recalled)" if result.recalled else "")
    )
    for r in rows:
        typer.echo(
            f"  patient {r['patient_id']} {r['patient']} "
            f"({r['phone'] or r['email'] or 'no contact'}): session {r['session_id']} "
            f"on {r['performed_at'][:10]}, {r['product']} lot {r['lot_number']} "
            f"vial {r['vial'] or '-'}, {r['volume_ml']:g} mL"
            + (" [DOES NOT VERIFY]" if r["content_verified"] is False else "")
        )
