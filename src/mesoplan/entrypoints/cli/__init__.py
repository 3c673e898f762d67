"""The ``mesoplan`` command line (typer + rich).

Each command group lives in its own module and imports what it needs inside its
commands, so that ``mesoplan plan`` never pays for the database or the web framework.
"""

from .app import app, main

__all__ = ["app", "main"]
