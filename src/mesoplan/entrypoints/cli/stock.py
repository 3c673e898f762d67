"""``mesoplan stock receive|list|discard|waste|product|forecast|scan|intake``,
``mesoplan vial open|discard`` and ``mesoplan recall``."""

from __future__ import annotations

import sys
from pathlib import Path
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
    from ...services.intake import ScanView
    from ...services.recall import RecallResult
    from ...services.waste import WasteView

stock_app = typer.Typer(help="Stock: products, lots received, vials.", no_args_is_help=True)
vial_app = typer.Typer(
    help="Multi-dose vials: open one from a lot, discard one.", no_args_is_help=True
)


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


ReasonOpt = typer.Option(
    ..., "--reason", help="expired, beyond_use, contaminated, dropped or recalled."
)
NoteOpt = typer.Option(None, "--note", help="A note kept with the discard.")


def _waste_line(w: WasteView) -> str:
    what = f"vial {w.vial}" if w.vial else f"{w.units} unopened unit(s)"
    return f"discarded {what} of {w.product} lot {w.lot_number}: {w.volume_ml:g} mL ({w.reason})"


@vial_app.command("discard")
def discard_vial(
    code: str = typer.Argument(..., metavar="VIAL"),
    reason: str = ReasonOpt,
    volume_left_ml: float | None = typer.Option(
        None, "--volume-left-ml", help="What is left in it (default: what the records say)."
    ),
    note: str | None = NoteOpt,
    as_: AsOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Discard an open vial with the reason and the volume left; nothing more is drawn."""
    from ...services import waste

    with records_errors():
        view = waste.discard_vial(open_uow(), actor(as_), code, reason, volume_left_ml, note)
    emit(view, fmt, [_waste_line(view)])


@stock_app.command("discard")
def discard_lot(
    product: str = typer.Argument(..., metavar="PRODUCT"),
    lot: str = typer.Argument(..., metavar="LOT"),
    reason: str = ReasonOpt,
    note: str | None = NoteOpt,
    as_: AsOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Discard what is left of a lot: its unopened units and its open vials."""
    from ...services import waste

    with records_errors():
        views = waste.discard_lot(open_uow(), actor(as_), product, lot, reason, note)
    emit(views, fmt, [_waste_line(v) for v in views])


@stock_app.command("waste")
def waste_report(
    first: str = typer.Option(..., "--from", metavar="YYYY-MM-DD", help="First day."),
    last: str = typer.Option(..., "--to", metavar="YYYY-MM-DD", help="Last day (included)."),
    as_: AsOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """The waste of a period, per product: vials opened, discarded by reason, expired
    unopened, left past beyond-use; mL and cost where the product has a price."""
    from ...services import waste

    start, end = parse_date(first, "--from"), parse_date(last, "--to")
    with records_errors():
        report = waste.waste_report(open_uow(), actor(as_), start, end)
    lines = [f"waste {report.first} to {report.last} ({report.timezone})"]
    for p in report.products:
        cost = "no price" if p.cost is None else f"cost {p.cost:.2f}"
        reasons = ", ".join(f"{r} {ml:g} mL" for r, ml in sorted(p.discarded.items()))
        lines.append(
            f"  {p.product}: {p.vials_opened} vial(s) opened; discarded {reasons or 'none'}; "
            f"expired unopened {p.expired_unused_ml:g} mL; past beyond-use "
            f"{p.beyond_use_left_ml:g} mL; wasted {p.wasted_ml:g} mL, {cost}"
        )
    lines.append(f"total wasted {report.wasted_ml:g} mL, cost {report.cost:.2f}")
    if report.unpriced:
        lines.append(f"  no price for: {', '.join(report.unpriced)}")
    emit(report, fmt, lines)


@stock_app.command("product")
def product_details(
    name: str = typer.Argument(..., metavar="PRODUCT"),
    price_per_ml: float | None = typer.Option(
        None, "--price-per-ml", help="What one mL costs (for the cost of waste)."
    ),
    gtin: str | None = typer.Option(None, "--gtin", help="The pack's GTIN (barcode intake)."),
    as_: AsOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Show a product, or set its price per mL or its GTIN."""
    from ...services import products

    with records_errors():
        if price_per_ml is None and gtin is None:
            view = products.product_details(open_uow(), actor(as_), name)
        else:
            change = products.ProductChange(price_per_ml, gtin)
            view = products.update_product(open_uow(), actor(as_), name, change)
    price = "no price" if view.price_per_ml is None else f"{view.price_per_ml:g} per mL"
    emit(view, fmt, [f"{view.name} ({view.kind}): {price}, GTIN {view.gtin or 'none'}"])


@stock_app.command("forecast")
def stock_forecast(
    weeks: int = typer.Option(4, "--weeks", min=1, max=52, help="How many weeks ahead."),
    as_: AsOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """What the scheduled sessions of the coming weeks will need, product by product,
    allocated first-expiry-first-out: shortfalls by date, and stock that will expire
    before it is used."""
    from ...services import forecast

    with records_errors():
        view = forecast.stock_forecast(open_uow(), actor(as_), weeks)
    lines = [f"forecast {view.today} to {view.last_day}: {view.sessions} session(s)"]
    lines += [
        f"  {p.product}: needs {p.needed_ml:g} mL, short {p.short_ml:g} mL" for p in view.products
    ]
    lines += [
        f"  short on {s.date}: {s.missing_ml:g} mL of {s.product} for {s.patient} "
        f"(course {s.course_id} session {s.number})"
        for s in view.shortfalls
    ]
    lines += [
        f"  expires unused {u.expires}: {u.product} lot {u.lot_number}, {u.volume_ml:g} mL"
        + (f" ({u.units} unopened)" if u.units else "")
        for u in view.unused
    ]
    emit(view, fmt, lines)


def _scan_line(v: ScanView) -> str:
    state = "received already" if v.received else "not received yet"
    serial = f", serial {v.serial}" if v.serial else ""
    return (
        f"{v.product} (GTIN {v.gtin}) lot {v.lot_number}, expires {v.expiry_date}{serial}: {state}"
    )


@stock_app.command("scan")
def scan(
    code: str | None = typer.Argument(None, metavar="[CODE]", help="The GS1 code as scanned."),
    photo: Path | None = typer.Option(
        None, "--photo", metavar="FILE", help="A photo of the label to decode instead."
    ),
    as_: AsOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """What a GS1 barcode (or a photo of one) says: product by its GTIN, lot, expiry,
    serial. Invalid, unknown and expired codes are refused with the reason."""
    from ...services import intake

    if (code is None) == (photo is None):
        fail("give the scanned CODE or --photo FILE (one of them)")
    with records_errors():
        if photo is not None:
            data = _read_photo(photo)
            view = intake.scan_photo(open_uow(), actor(as_), data)
        else:
            assert code is not None
            view = intake.scan(open_uow(), actor(as_), code)
    emit(view, fmt, [_scan_line(view)])


def _read_photo(path: Path) -> bytes:
    from ...adapters.gs1 import MAX_PHOTO_BYTES

    try:
        if path.stat().st_size > MAX_PHOTO_BYTES:
            fail(f"--photo {path}: at most {MAX_PHOTO_BYTES // (1024 * 1024)} MB")
        return path.read_bytes()
    except OSError as exc:
        fail(f"--photo {path}: {exc.strerror or exc}")


@stock_app.command("intake")
def intake_lot(
    code: str = typer.Argument(..., metavar="CODE", help="The GS1 code as scanned."),
    quantity: int = typer.Option(..., "--quantity", help="Vials or ampoules received."),
    volume_ml: float = typer.Option(..., "--volume-ml", help="Volume of each vial or ampoule."),
    supplier: str | None = typer.Option(None, "--supplier"),
    as_: AsOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Receive the lot a scanned GS1 code names: the product found by its GTIN, the lot
    and the expiry taken from the code."""
    from ...services import intake

    with records_errors():
        view = intake.receive_scanned(open_uow(), actor(as_), code, quantity, volume_ml, supplier)
    emit(
        view,
        fmt,
        [
            f"lot {view.lot_number} of {view.product}: {view.quantity_received} x "
            f"{view.unit_volume_ml:g} mL, expires {view.expiry_date}"
        ],
    )
