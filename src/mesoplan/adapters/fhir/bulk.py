"""Bulk export files: one NDJSON file per resource type and a manifest in the layout of
the FHIR Bulk Data Access ``$export`` completion response.

Resources are written as they come: memory holds one resource at a time (and one open
file per resource type), whatever the size of the clinic.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

from .datatypes import JSON, instant

MANIFEST = "manifest.json"


class NdjsonWriter:
    """Writes each resource as one line of ``<directory>/<resourceType>.ndjson``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.counts: dict[str, int] = {}
        self._files: dict[str, IO[str]] = {}
        self._encode = json.JSONEncoder(
            ensure_ascii=False, check_circular=False, separators=(",", ":")
        ).encode

    def write(self, resource: JSON) -> None:
        kind = resource["resourceType"]
        handle = self._files.get(kind)
        if handle is None:
            path = self.directory / f"{kind}.ndjson"
            handle = self._files[kind] = path.open("w", encoding="utf-8", newline="\n")
            self.counts[kind] = 0
        handle.write(self._encode(resource))
        handle.write("\n")
        self.counts[kind] += 1

    def close(self) -> None:
        for handle in self._files.values():
            handle.close()
        self._files.clear()


def write_bulk(
    directory: Path,
    resources: Iterable[JSON],
    *,
    transaction_time: dt.datetime,
    request: str,
    progress: Callable[[JSON], None] | None = None,
) -> JSON:
    """Write ``resources`` under ``directory`` (created if needed) and the manifest;
    returns the manifest. ``progress`` is called after each resource."""
    directory.mkdir(parents=True, exist_ok=True)
    writer = NdjsonWriter(directory)
    try:
        for resource in resources:
            writer.write(resource)
            if progress is not None:
                progress(resource)
    finally:
        writer.close()
    manifest: JSON = {
        "transactionTime": instant(transaction_time),
        "request": request,
        "requiresAccessToken": False,
        "output": [
            {"type": kind, "url": f"{kind}.ndjson", "count": count}
            for kind, count in sorted(writer.counts.items())
        ],
        "error": [],
    }
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    (directory / MANIFEST).write_text(text, encoding="utf-8")
    return manifest
