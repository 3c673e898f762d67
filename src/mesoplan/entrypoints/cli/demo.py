"""``mesoplan demo-plans``: the plans of the three built-in protocols, as JSON and SVG."""

from __future__ import annotations

from pathlib import Path

import typer

from .common import fail, user_errors

DEMOS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("cellulite", ("thigh-left-lateral", "thigh-right-lateral")),
    ("face", ("face",)),
    ("hair", ("scalp",)),
)
"""Each built-in protocol over the zones its article describes."""


def demo_plans(
    output: Path = typer.Option(
        Path("demo-plans"), "--output", "-o", metavar="DIR", help="Folder to write into."
    ),
) -> None:
    """Write the JSON and SVG plans of the built-in protocols and summarise each."""
    from ...adapters.plan_output import plan_summary, plan_to_json
    from ...adapters.svg import plan_to_svg
    from ...domain.planner import plan
    from ...protocols import builtin_protocols

    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"--output {output}: cannot create the folder ({exc.strerror})")
    protocols = builtin_protocols()
    for protocol_id, zones in DEMOS:
        with user_errors():
            the_plan = plan(protocols[protocol_id], list(zones))
        for suffix, text in (("json", plan_to_json(the_plan)), ("svg", plan_to_svg(the_plan))):
            (output / f"{protocol_id}.{suffix}").write_text(text, encoding="utf-8")
        typer.echo("\n".join(plan_summary(the_plan)))
        typer.echo(f"  wrote {output / protocol_id}.json and .svg\n")
