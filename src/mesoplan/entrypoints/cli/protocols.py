"""``mesoplan protocols``: list, show, validate and export protocols."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from ...domain.protocol import Protocol
from ...protocols.library import (
    BUILTIN_IDS,
    ProtocolLibrary,
    export_builtin_text,
    load_protocol_library,
    read_protocol,
    read_protocol_file_text,
)
from .common import ListFormat, fail, print_json, settings, user_errors

protocols_app = typer.Typer(
    help="The protocol library: built-in protocols and the clinic's own.",
    no_args_is_help=True,
)


def library() -> ProtocolLibrary:
    with user_errors():
        return load_protocol_library(settings().protocol_path)


def find(lib: ProtocolLibrary, protocol_id: str, version: str | None) -> Protocol:
    try:
        return lib.get(protocol_id, version)
    except KeyError:
        if protocol_id in lib.protocols:
            known = ", ".join(sorted(lib.protocols[protocol_id]))
            fail(f"protocol {protocol_id!r} has no version {version}; versions: {known}")
        fail(f"unknown protocol {protocol_id!r}; valid: {', '.join(lib.ids())}")


def summary(p: Protocol, origin: str) -> dict[str, Any]:
    return {
        "id": p.id,
        "version": p.version,
        "title": p.title,
        "indication": p.indication,
        "hash": p.content_hash,
        "groups": list(p.groups),
        "origin": origin,
    }


@protocols_app.command("list")
def list_protocols(
    fmt: ListFormat = typer.Option(ListFormat.text, "--format", help="text or json"),
) -> None:
    """List every protocol (built-in and from MESOPLAN_PROTOCOL_PATH)."""
    lib = library()
    rows = [summary(p, lib.origins[p.key]) for p in lib]
    if fmt is ListFormat.json:
        print_json(rows)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("id", "version", "title", "zone groups", "origin")
    for r in rows:
        table.add_row(r["id"], r["version"], r["title"], ", ".join(r["groups"]), r["origin"])
    Console().print(table)


@protocols_app.command("show")
def show(
    protocol_id: str = typer.Argument(..., metavar="ID"),
    version: str | None = typer.Option(None, "--version", help="a version (default: latest)"),
    fmt: ListFormat = typer.Option(ListFormat.text, "--format", help="text or json"),
) -> None:
    """Show everything a protocol says, and where each number comes from."""
    lib = library()
    p = find(lib, protocol_id, version)
    if fmt is ListFormat.json:
        print_json({**p.to_dict(), "hash": p.content_hash})
        return
    from .render import render_protocol

    render_protocol(p)


@protocols_app.command("validate")
def validate(
    files: list[Path] = typer.Argument(..., metavar="FILE...", help="protocol files (TOML)"),
    fmt: ListFormat = typer.Option(ListFormat.text, "--format", help="text or json"),
) -> None:
    """Validate protocol files; print every error with file:line and field (exit code 2),
    and every warning (a format 1 file converted on load, a depth that may pass the
    dermis)."""
    from ...domain.errors import ProtocolError

    results: list[dict[str, Any]] = []
    failed = False
    for file in files:
        try:
            read = read_protocol(file)
        except ProtocolError as exc:
            failed = True
            results.append(
                {
                    "file": str(file),
                    "valid": False,
                    "errors": [
                        {"line": i.line, "field": i.field, "message": i.message} for i in exc.issues
                    ],
                    "warnings": [],
                }
            )
            continue
        p = read.protocol
        results.append(
            {
                "file": str(file),
                "valid": True,
                "id": p.id,
                "version": p.version,
                "format_version": p.format_version,
                "hash": p.content_hash,
                "errors": [],
                "warnings": [
                    {"line": i.line, "field": i.field, "message": i.message} for i in read.warnings
                ],
            }
        )
    if fmt is ListFormat.json:
        print_json(results)
    else:
        _print_validation(results)
    if failed:
        raise typer.Exit(2)


def _print_validation(results: list[dict[str, Any]]) -> None:
    import sys

    total = 0
    for r in results:
        for w in r["warnings"]:
            where = f"{r['file']}:{w['line']}" if w["line"] else r["file"]
            field = f" {w['field']}:" if w["field"] else ""
            sys.stderr.write(f"{where}: warning:{field} {w['message']}\n")
        if r["valid"]:
            typer.echo(f"{r['file']}: ok ({r['id']} {r['version']}, {r['hash']})")
            continue
        for e in r["errors"]:
            total += 1
            where = f"{r['file']}:{e['line']}" if e["line"] else r["file"]
            field = f" {e['field']}:" if e["field"] else ""
            sys.stderr.write(f"{where}:{field} {e['message']}\n")
    if total:
        sys.stderr.write(f"{total} error{'s' if total != 1 else ''} found\n")


@protocols_app.command("export")
def export(
    protocol_id: str = typer.Argument(..., metavar="ID"),
    output: Path | None = typer.Option(None, "--output", "-o", help="file to write"),
) -> None:
    """Write a protocol's file: a starting point for a clinic's own protocol."""
    lib = library()
    p = find(lib, protocol_id, None)
    origin = lib.origins[p.key]
    text = (
        export_builtin_text(p.id)
        if p.id in BUILTIN_IDS and origin.startswith("<builtin>")
        else Path(origin).read_text(encoding="utf-8")
    )
    if output is None:
        typer.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {output}")


@protocols_app.command("upgrade")
def upgrade(
    file: Path = typer.Argument(..., metavar="FILE", help="a protocol file (TOML)"),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="write here (default: rewrite FILE in place)"
    ),
) -> None:
    """Rewrite a format 1 protocol file as format 2, keeping its comments: budget_ml in
    place of volume_ml, and a derived dose_per_point_ml (as on load)."""
    from ...protocols.upgrade import upgrade_text

    with user_errors():
        text = read_protocol_file_text(file)
        new = upgrade_text(text, filename=str(file))
    if new == text:
        typer.echo(f"{file}: already format 2, unchanged")
        return
    target = output or file
    try:
        target.write_text(new, encoding="utf-8")
    except OSError as exc:
        fail(f"{target}: cannot write the file ({exc.strerror})")
    typer.echo(f"wrote {target} (format 2)")
