"""`mesoplan backup` and `restore` through the CLI, on SQLite while another process
writes, and on PostgreSQL with pg_dump / pg_restore."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from mesoplan.adapters.db import make_engine, normalise_url

pytestmark = pytest.mark.integration

PG_ENV = "MESOPLAN_TEST_DATABASE_URL"


def _cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MESOPLAN_")}
    env["MESOPLAN_DATABASE_URL"] = url
    return subprocess.run(
        [sys.executable, "-m", "mesoplan", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _ok(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _clinics(con: sqlite3.Connection) -> set[str]:
    return {r[0] for r in con.execute("SELECT name FROM clinic")}


def test_a_restore_while_another_process_writes_loses_nothing(tmp_path: Path) -> None:
    live = tmp_path / "live.sqlite"
    url = f"sqlite:///{live}"
    _ok(_cli(url, "db", "upgrade"))
    _ok(_cli(url, "clinic", "add", "In the backup"))
    backup = tmp_path / "backup.sqlite"
    _ok(_cli(url, "backup", str(backup)))
    inode = live.stat().st_ino
    acknowledged: list[str] = []
    stop = threading.Event()

    def write() -> None:
        con = sqlite3.connect(live, timeout=10)
        con.execute("PRAGMA busy_timeout=10000")
        n = 0
        while not stop.is_set():
            n += 1
            con.execute(
                "INSERT INTO clinic (name, timezone, created_at) VALUES (?, 'UTC', '2025-01-01')",
                (f"written {n}",),
            )
            con.commit()
            acknowledged.append(f"written {n}")
        con.close()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        time.sleep(0.5)
        first = _ok(_cli(url, "restore", str(backup)))
        second = _ok(_cli(url, "restore", str(backup)))
        time.sleep(0.3)
    finally:
        stop.set()
        writer.join(timeout=30)
    kept = [
        Path(line.rsplit(" ", 1)[-1])
        for line in first.splitlines() + second.splitlines()
        if "kept as" in line
    ]
    assert len(kept) == 2 and kept[0] != kept[1] and all(p.exists() for p in kept)
    assert live.stat().st_ino == inode, "the live file was replaced"
    with sqlite3.connect(live) as con:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        now = _clinics(con)
    seen = set(now)
    for path in kept:
        with sqlite3.connect(path) as con:
            seen |= _clinics(con)
    lost = [name for name in acknowledged if name not in seen]
    assert len(acknowledged) > 10 and not lost, f"{len(lost)} of {len(acknowledged)} lost"
    assert "In the backup" in now


def test_restore_refuses_a_newer_schema_and_changes_nothing(tmp_path: Path) -> None:
    live, newer = tmp_path / "live.sqlite", tmp_path / "newer.sqlite"
    url = f"sqlite:///{live}"
    _ok(_cli(url, "db", "upgrade"))
    _ok(_cli(url, "clinic", "add", "Kept"))
    _ok(_cli(url, "backup", str(newer)))
    with sqlite3.connect(newer) as con:
        con.execute("UPDATE alembic_version SET version_num = 'r9999_future'")
    _ok(_cli(url, "clinic", "add", "Added later"))
    proc = _cli(url, "restore", str(newer))
    assert proc.returncode == 2 and "r9999_future" in proc.stderr
    with sqlite3.connect(live) as con:
        assert _clinics(con) == {"Kept", "Added later"}
    assert not list(tmp_path.glob("*before-restore*"))


@pytest.fixture
def pg_url() -> Iterator[str]:
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} is not set: the PostgreSQL backup needs a server")
    server = normalise_url(base)
    admin = make_engine(server, isolation_level="AUTOCOMMIT")
    name = f"mesoplan_restore_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_postgresql_backup_and_restore_with_pg_dump(pg_url: str, tmp_path: Path) -> None:
    _ok(_cli(pg_url, "db", "upgrade"))
    _ok(_cli(pg_url, "clinic", "add", "Before the backup"))
    dump = tmp_path / "records.dump"
    _ok(_cli(pg_url, "backup", str(dump)))
    assert dump.read_bytes()[:5] == b"PGDMP"  # custom format
    assert _cli(pg_url, "backup", str(dump)).returncode == 2  # never over a file
    _ok(_cli(pg_url, "clinic", "add", "After the backup"))
    out = _ok(_cli(pg_url, "restore", str(dump)))
    kept = Path(next(line for line in out.splitlines() if "kept as" in line).rsplit(" ", 1)[-1])
    assert kept.read_bytes()[:5] == b"PGDMP"
    engine = make_engine(pg_url)
    try:
        with engine.connect() as conn:
            names = {r[0] for r in conn.execute(text("SELECT name FROM clinic"))}
    finally:
        engine.dispose()
    assert names == {"Before the backup"}
    not_ours = tmp_path / "other.dump"
    not_ours.write_bytes(b"not an archive")
    refused = _cli(pg_url, "restore", str(not_ours))
    assert refused.returncode == 2 and refused.stderr.startswith("error: ")
