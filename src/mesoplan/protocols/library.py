"""Load protocols from files: the built-ins inside the package and clinic folders."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from ..domain.checked import build
from ..domain.errors import Issue, ProtocolError
from ..domain.protocol import Protocol
from ..domain.protocol_text import ReadProtocol, decode_protocol_bytes, read_protocol_text

BUILTIN_IDS: tuple[str, ...] = ("cellulite", "face", "hair")

MAX_PROTOCOL_BYTES = 1_000_000
"""A protocol file larger than this is refused before it is read."""


def read_protocol_file_text(path: str | Path) -> str:
    """The text of a protocol file: UTF-8, at most :data:`MAX_PROTOCOL_BYTES`."""
    p = Path(path)
    try:
        with p.open("rb") as handle:
            raw = handle.read(MAX_PROTOCOL_BYTES + 1)
    except OSError as exc:
        raise ProtocolError(
            [Issue(field="", message=f"cannot read file: {exc.strerror or exc}", file=str(p))]
        ) from None
    if len(raw) > MAX_PROTOCOL_BYTES:
        raise ProtocolError(
            [Issue("", f"file is larger than {MAX_PROTOCOL_BYTES:,} bytes", file=str(p))]
        )
    return decode_protocol_bytes(raw, str(p))


def read_protocol(path: str | Path) -> ReadProtocol:
    """Read and validate one protocol file (TOML), with its warnings (a format 1 file is
    converted to format 2 on load, and a warning says so)."""
    return read_protocol_text(read_protocol_file_text(path), filename=str(path))


def load_protocol(path: str | Path) -> Protocol:
    """Read and validate one protocol file (TOML).

    Raises :class:`~mesoplan.ProtocolError` with every problem in the file, each with
    file:line and field.
    """
    return read_protocol(path).protocol


def export_builtin_text(protocol_id: str) -> str:
    """The text of a built-in protocol file, comments included."""
    if protocol_id not in BUILTIN_IDS:
        raise KeyError(protocol_id)
    return (resources.files(__package__) / "builtin" / f"{protocol_id}.toml").read_text("utf-8")


@cache
def builtin_protocol(protocol_id: str) -> Protocol:
    """One built-in protocol, by id (``KeyError`` if there is none).

    The built-ins ship with the package and a test checks that pydantic's validation of
    their text gives the same objects: the typed constructor builds them without loading
    pydantic, and the model still checks every rule as it is built.
    """
    return build(Protocol, tomllib.loads(export_builtin_text(protocol_id)))


def _builtins() -> tuple[Protocol, ...]:
    return tuple(builtin_protocol(pid) for pid in BUILTIN_IDS)


def builtin_protocols() -> dict[str, Protocol]:
    """The three built-in protocols, by id: ``cellulite``, ``face`` and ``hair``."""
    return {p.id: p for p in _builtins()}


@dataclass
class ProtocolLibrary:
    """Protocols by id and version. Two with one id and version but different content are
    refused: a version names one content forever."""

    protocols: dict[str, dict[str, Protocol]] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)
    warnings: list[Issue] = field(default_factory=list)

    def add(self, protocol: Protocol, origin: str) -> None:
        versions = self.protocols.setdefault(protocol.id, {})
        known = versions.get(protocol.version)
        if known is not None and known.content_hash != protocol.content_hash:
            raise ProtocolError(
                [
                    Issue(
                        field="version",
                        message=(
                            f"protocol {protocol.id!r} version {protocol.version} is also in "
                            f"{self.origins[protocol.key]} with different content; give one of "
                            "them a new version"
                        ),
                        file=origin,
                    )
                ]
            )
        versions[protocol.version] = protocol
        self.origins.setdefault(protocol.key, origin)

    def ids(self) -> list[str]:
        return sorted(self.protocols)

    def get(self, protocol_id: str, version: str | None = None) -> Protocol:
        versions = self.protocols.get(protocol_id)
        if not versions:
            raise KeyError(protocol_id)
        if version is None:
            return versions[max(versions, key=_version_key)]
        return versions[version]

    def latest(self) -> list[Protocol]:
        return [self.get(pid) for pid in self.ids()]

    def __iter__(self) -> Iterator[Protocol]:
        for pid in self.ids():
            yield from sorted(self.protocols[pid].values(), key=lambda p: _version_key(p.version))


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(x) for x in version.split("."))


def _protocol_files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(path.glob("*.toml")))
        else:
            files.append(path)
    return files


def load_protocol_library(paths: Sequence[str | Path] = ()) -> ProtocolLibrary:
    """The built-ins plus every ``*.toml`` in ``paths`` (folders or files).

    Every file is validated; all problems from all files are raised together.
    """
    library = ProtocolLibrary()
    for p in _builtins():
        library.add(p, f"<builtin>/{p.id}.toml")
    issues: list[Issue] = []
    for file in _protocol_files(Path(p) for p in paths):
        try:
            read = read_protocol(file)
            library.add(read.protocol, str(file))
            library.warnings.extend(read.warnings)
        except ProtocolError as exc:
            issues.extend(exc.issues)
    if issues:
        raise ProtocolError(issues)
    return library
