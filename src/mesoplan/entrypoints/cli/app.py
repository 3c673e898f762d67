"""The root ``mesoplan`` command and its groups."""

from __future__ import annotations

import typer

from .fhir import fhir_app
from .protocols import protocols_app

app = typer.Typer(
    name="mesoplan",
    help=(
        "Plan, chart and follow mesotherapy courses. A planning and documentation tool "
        "for licensed practitioners; not medical advice."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(protocols_app, name="protocols")
app.add_typer(fhir_app, name="fhir")


def _print_version(value: bool) -> None:
    if value:
        from ... import __version__

        typer.echo(f"mesoplan {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False,
        "--version",
        help="Print the version and exit.",
        is_eager=True,
        callback=_print_version,
    ),
) -> None:
    """Plan, chart and follow mesotherapy courses (not medical advice)."""


def main() -> None:
    """Console-script entry point."""
    app()
