"""Write docs/cli-reference.md from the ``mesoplan`` command's own help.

Run ``make docs`` after changing a command; a test fails when the file is out of date.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
import typer

DOC = Path(__file__).resolve().parents[1] / "docs" / "cli-reference.md"

HEADER = """# CLI reference

Generated from the commands' own `--help` by `make docs` (scripts/cli_reference.py);
a test fails when this file and the commands disagree. Narrative docs: README.md,
docs/protocols.md and the other pages in docs/.

Exit codes: 0 success; 2 a user mistake (bad input, unknown name, a value outside a
protocol's range): one clear message on stderr, nothing changed.
"""


def _walk(cmd: click.Command, path: list[str]) -> list[tuple[list[str], click.Command]]:
    out = [(path, cmd)]
    if hasattr(cmd, "commands"):
        for name in sorted(cmd.commands):
            out.extend(_walk(cmd.commands[name], [*path, name]))
    return out


def _section(path: list[str], cmd: click.Command) -> str:
    ctx = click.Context(cmd, info_name=" ".join(path))
    lines = [f"## `{' '.join(path)}`", "", "```", " ".join(cmd.collect_usage_pieces(ctx))]
    lines[-1] = f"Usage: {' '.join(path)} {lines[-1]}".rstrip()
    help_text = (cmd.help or "").strip()
    if help_text:
        lines += ["", *(ln.rstrip() for ln in help_text.splitlines())]
    rows = []
    for param in cmd.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is None and getattr(param, "param_type_name", "") == "argument":
            record = (param.human_readable_name, getattr(param, "help", "") or "")
        if record is not None and record[0] != "--help":
            rows.append(record)
    if hasattr(cmd, "commands"):
        rows += [
            (name, (sub.short_help or sub.help or "").strip().split("\n")[0])
            for name, sub in sorted(cmd.commands.items())
            if not sub.hidden
        ]
    if rows:
        width = min(max(len(r[0]) for r in rows), 40)
        lines.append("")
        lines += [f"  {name:<{width}}  {text}".rstrip() for name, text in rows]
    lines += ["```", ""]
    return "\n".join(lines)


def render() -> str:
    os.environ["COLUMNS"] = "100"
    os.environ["TERMINAL_WIDTH"] = "100"
    from mesoplan.entrypoints.cli import app

    root = typer.main.get_command(app)
    parts = [HEADER]
    for path, cmd in _walk(root, ["mesoplan"]):
        if cmd.hidden:
            continue
        parts.append(_section(path, cmd))
    return "\n".join(parts)


def main() -> int:
    text = render()
    if "--check" in sys.argv:
        if DOC.read_text(encoding="utf-8") != text:
            print(f"{DOC} is out of date: run make docs", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
