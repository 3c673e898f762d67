"""Lazy public names for ``mesoplan/__init__.py`` (PEP 562).

``__init__.py`` lists its public imports under ``if TYPE_CHECKING:``, so type checkers
and IDEs see them, and run time imports a name's module only on first use. The
name -> module table is read from those import lines (the same idea as
scientific-python's lazy_loader stubs), so a name is declared once: an import line in
``__init__.py`` and an entry in ``__all__``. This keeps ``mesoplan plan`` from loading
the whole library at start-up.
"""

from __future__ import annotations

import ast
from functools import cache
from importlib import import_module
from pathlib import Path


@cache
def sources() -> dict[str, str]:
    """Public name -> relative module, from the ``from .x import y`` lines of __init__."""
    tree = ast.parse(Path(__file__).with_name("__init__.py").read_text(encoding="utf-8"))
    out: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level > 0:
            module = "." * node.level + (node.module or "")
            for alias in node.names:
                out[alias.asname or alias.name] = module
    return out


def resolve(name: str) -> object:
    """Import the module that holds public ``name`` and return the object."""
    module = sources().get(name)
    if module is None:
        raise AttributeError(f"module 'mesoplan' has no attribute {name!r}")
    return getattr(import_module(module, "mesoplan"), name)
