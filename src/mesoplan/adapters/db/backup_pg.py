"""Backup and restore of a PostgreSQL database with ``pg_dump`` and ``pg_restore`` in
custom format, for the configured database, with the checks of the SQLite restore: the
archive must hold mesoplan's tables at a revision this mesoplan knows, and the content
before the restore is dumped first under a name that never collides. The restore runs
in one transaction (``--single-transaction``): it applies whole or not at all."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import URL

from ...domain.record_errors import NotFoundError, RefusedError
from .backup import check_revision, check_target, kept_name

TOOL_TIMEOUT_S = 6 * 3600
"""A dump or restore is never cut short by mesoplan (hours of data are fine)."""
_TABLE = re.compile(r"^\d+; \d+ \d+ TABLE (?:\S+) (\S+) ", re.M)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise RefusedError(f"{name} is not installed; install PostgreSQL's client tools")
    return path


def _env(url: URL, connect_timeout_s: float) -> dict[str, str]:
    """libpq's variables for ``url`` (the password never on a command line)."""
    env = dict(os.environ)
    pairs = {
        "PGHOST": url.host,
        "PGPORT": str(url.port) if url.port else None,
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
        "PGCONNECT_TIMEOUT": str(max(2, int(connect_timeout_s))) if connect_timeout_s else None,
    }
    env.update({k: str(v) for k, v in pairs.items() if v})
    return env


def _run(args: list[str], env: dict[str, str], what: str) -> str:
    proc = subprocess.run(
        args, env=env, capture_output=True, text=True, timeout=TOOL_TIMEOUT_S, check=False
    )
    if proc.returncode != 0:
        lines = [line for line in proc.stderr.splitlines() if line.strip()]
        raise RefusedError(f"{what} failed: {lines[0] if lines else f'exit {proc.returncode}'}")
    return proc.stdout


def backup(url: URL, target: Path, connect_timeout_s: float) -> Path:
    """``pg_dump -Fc`` of the configured database into ``target`` (a new file)."""
    check_target(target)
    try:
        _run([_tool("pg_dump"), "-Fc", "-f", str(target)], _env(url, connect_timeout_s), "pg_dump")
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target


def archive_revision(source: Path, env: dict[str, str]) -> str:
    """The schema revision inside a custom-format archive, after checking it is one."""
    if not source.is_file():
        raise NotFoundError(f"no backup file at {source}")
    listing = _run([_tool("pg_restore"), "--list", str(source)], env, f"reading {source}")
    tables = set(_TABLE.findall(listing))
    found = None
    if "alembic_version" in tables:
        data = _run(
            [_tool("pg_restore"), "--data-only", "--table=alembic_version", "-f", "-", str(source)],
            env,
            f"reading {source}",
        )
        m = re.search(r"^COPY \S*alembic_version .*FROM stdin;\n([^\n\\]+)\n", data, re.M)
        found = m.group(1).strip() if m else None
    return check_revision(found, tables, source)


def restore(url: URL, source: Path, now: datetime, connect_timeout_s: float) -> Path:
    """Replace the configured database's content with the archive ``source``; the content
    before is dumped first beside the archive, under a name that never collides."""
    env = _env(url, connect_timeout_s)
    archive_revision(source, env)
    kept = kept_name(source.resolve(), now, ".dump")
    kept.unlink()
    backup(url, kept, connect_timeout_s)
    _run(
        [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            "-d",
            url.database or "",
            str(source),
        ],
        env,
        "pg_restore",
    )
    return kept
