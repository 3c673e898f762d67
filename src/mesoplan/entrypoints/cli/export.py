"""``mesoplan export``: records out in open formats (FHIR R4 and CSV)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from .common import fail
from .records_common import open_uow, records_errors

if TYPE_CHECKING:
    from ...services.unit_of_work import UnitOfWork

export_app = typer.Typer(
    help="Send records out in open formats: FHIR R4 (Bundle, bulk NDJSON) and CSV.",
    no_args_is_help=True,
)
PROGRESS_STEP = 500


def _one_of(patient: int | None, every: bool) -> None:
    if (patient is None) == (not every):
        fail("give exactly one of --patient ID or --all")


@export_app.command("fhir")
def export_fhir(
    patient: int | None = typer.Option(None, "--patient", help="one patient's records (id)"),
    every: bool = typer.Option(False, "--all", help="every record, as bulk NDJSON"),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="the Bundle's file (default: print), or the --all folder"
    ),
) -> None:
    """A patient's records as a FHIR R4 Bundle, or (--all --output DIR) every record as
    one NDJSON file per resource type with a Bulk Data manifest.json."""
    _one_of(patient, every)
    uow = open_uow()
    if patient is not None:
        from ...services.fhir_export import patient_bundle

        with records_errors():
            bundle = patient_bundle(uow, patient)
        _write(json.dumps(bundle, indent=2, ensure_ascii=False) + "\n", output)
        return
    if output is None:
        fail("--all needs --output DIR (a folder for the NDJSON files and manifest.json)")
    with records_errors():
        manifest = _bulk(uow, output)
    total = sum(o["count"] for o in manifest["output"])
    for o in manifest["output"]:
        typer.echo(f"{o['count']:>10,}  {output / o['url']}")
    typer.echo(f"{total:,} resources; manifest: {output / 'manifest.json'}")


def _bulk(uow: UnitOfWork, output: Path) -> dict[str, Any]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from ...services.fhir_export import bulk_export, record_count

    total = record_count(uow)
    columns = (BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*Progress.get_default_columns()[:1], *columns, transient=True) as bar:
        task = bar.add_task("exporting", total=total)
        seen = 0

        def step(_: dict[str, Any]) -> None:
            nonlocal seen
            seen += 1
            if seen % PROGRESS_STEP == 0:
                bar.update(task, completed=seen, total=max(total, seen))

        try:
            return bulk_export(uow, output, step)
        except OSError as exc:
            fail(f"cannot write to {output}: {exc.strerror or exc}")


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")
    typer.echo(f"wrote {output}", err=True)


@export_app.command("csv")
def export_csv(
    kind: str | None = typer.Argument(None, metavar="[TYPE]", help="record type (omit with --all)"),
    every: bool = typer.Option(False, "--all", help="every record type, one file each"),
    patient: int | None = typer.Option(None, "--patient", help="only this patient's records"),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="the file (default: print), or the --all folder"
    ),
) -> None:
    """Records as CSV: one TYPE (patients, practitioners, courses, sessions, product-uses,
    measurements, reactions, signatures, histories, overrides), or --all --output DIR for
    every type."""
    from ...services import csv_export

    types = csv_export.csv_types()
    if every == (kind is not None):
        fail(f"give a record type or --all; types: {', '.join(types)}")
    uow = open_uow()
    if kind is None:
        if output is None:
            fail("--all needs --output DIR")
        with records_errors():
            counts = csv_export.export_csv_folder(uow, output, patient)
        for name, count in counts.items():
            typer.echo(f"{count:>10,}  {output / (name + '.csv')}")
        return
    if kind not in types:
        fail(f"unknown record type {kind!r}; valid: {', '.join(types)}")
    with records_errors():
        if output is None:
            csv_export.export_csv(uow, kind, sys.stdout, patient)
            return
        with output.open("w", encoding="utf-8", newline="") as out:
            count = csv_export.export_csv(uow, kind, out, patient)
    typer.echo(f"wrote {count:,} rows to {output}", err=True)
