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
    load_protocol,
    load_protocol_library,
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
    """Validate protocol files; print every error with file:line and field (exit code 2)."""
    from ...domain.errors import ProtocolError

    results: list[dict[str, Any]] = []
    failed = False
    for file in files:
        try:
            p = load_protocol(file)
        except ProtocolError as exc:
            failed = True
            results.append(
                {
                    "file": str(file),
                    "valid": False,
                    "errors": [
                        {"line": i.line, "field": i.field, "message": i.message} for i in exc.issues
                    ],
                }
            )
            continue
        results.append(
            {
                "file": str(file),
                "valid": True,
                "id": p.id,
                "version": p.version,
                "hash": p.content_hash,
                "errors": [],
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
