"""Commands registered by name and loaded on first use.

The root group keeps ``name -> "module:attribute"``; the module is imported only when
that command runs, or when help lists it. The attribute is a ``typer.Typer`` (a command
group) or a command function (one command). So ``mesoplan plan`` never imports the
modules of the other commands, whatever they import at their top.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, MutableMapping
from importlib import import_module
from typing import Any

import typer
from typer.core import TyperGroup

from .bounds import harden


def load_command(name: str, target: str) -> Any:
    """The click command for ``target`` (``"package.module:attribute"``)."""
    module_name, _, attribute = target.partition(":")
    obj = getattr(import_module(module_name), attribute)
    command: Any
    if isinstance(obj, typer.Typer):
        command = typer.main.get_group(obj)
    else:
        single = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
        single.command(name)(obj)
        command = typer.main.get_command(single)
    command.name = name
    return harden(command)


class LazyCommands(MutableMapping[str, Any]):
    """The group's commands: the eagerly added ones, then the lazy ones by name."""

    def __init__(self, eager: MutableMapping[str, Any], lazy: Mapping[str, str]) -> None:
        self._eager = eager
        self._lazy = dict(lazy)

    def __getitem__(self, name: str) -> Any:
        if name not in self._eager and name in self._lazy:
            self._eager[name] = load_command(name, self._lazy[name])
        return self._eager[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._eager[name] = command

    def __delitem__(self, name: str) -> None:
        self._eager.pop(name, None)
        self._lazy.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        yield from self._eager
        yield from (n for n in self._lazy if n not in self._eager)

    def __len__(self) -> int:
        return len(set(self._eager) | set(self._lazy))

    def __contains__(self, name: object) -> bool:
        return name in self._eager or name in self._lazy


def lazy_group(commands: Mapping[str, str]) -> type[TyperGroup]:
    """A TyperGroup class whose extra ``commands`` load on first use."""

    class LazyGroup(TyperGroup):
        def __init__(self, **attrs: Any) -> None:
            super().__init__(**attrs)
            self.commands = LazyCommands(self.commands, commands)

        def list_commands(self, ctx: Any) -> list[str]:
            return sorted(self.commands)

    return LazyGroup
