"""Changes made behind the application's back, on SQLite and PostgreSQL: each one is named
by `audit verify` (which session, which field where it can tell), or refused."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from mesoplan.adapters.db import signed_content
from mesoplan.adapters.db.audit import Actor
from mesoplan.adapters.db.audit_verify import ChainReport, Head
from mesoplan.services import audit, sessions, signing
from mesoplan.services.session_views import show_session
from mesoplan.services.unit_of_work import UnitOfWork

from .conftest import Clock
from .records_factory import DR, two_lot_mix, world
from .tamper_support import triggers_bypassed

KEY_ENV = "MESOPLAN_AUDIT_KEY_FILE"


@pytest.fixture
def keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A key file for clinic 1 (the only clinic of these tests)."""
    path = tmp_path / "audit-keys.toml"
    path.write_text(
        f'[clinics.1]\ncurrent = "k1"\n\n[clinics.1.keys]\nk1 = "{secrets.token_hex(32)}"\n'
    )
    monkeypatch.setenv(KEY_ENV, str(path))
    return path


@pytest.fixture
def audited(engine: Engine, clock: Clock) -> UnitOfWork:
    return UnitOfWork.from_engine(engine, clock, actor=Actor(f"{DR} (test)", "mesoplan test"))


def signed_session(uow: UnitOfWork, clock: Clock) -> int:
    w = world(uow)
    view = sessions.record_session(uow, DR, w.course_id, two_lot_mix())
    clock.advance(minutes=30)
    signing.sign_session(uow, DR, view.id)
    return view.id


def report(engine: Engine, anchors: dict[int, Head] | None = None) -> ChainReport:
    (r,) = audit.verify_chains(UnitOfWork.from_engine(engine), None, anchors)
    return r


def _rewrite_map(conn: Connection, session_id: int, rehash: bool) -> None:
    map_id, data = conn.execute(
        text(
            "SELECT m.id, m.data FROM planned_map m JOIN treatment_session s "
            "ON s.planned_map_id = m.id WHERE s.id = :id"
        ),
        {"id": session_id},
    ).one()
    doc = json.loads(zlib.decompress(data))
    doc["volume_ml"] = [v * 2 for v in doc["volume_ml"]]
    body = json.dumps(doc, separators=(",", ":"), sort_keys=True)
    values = {"id": map_id, "data": zlib.compress(body.encode())}
    sql = "UPDATE planned_map SET data = :data"
    if rehash:
        sql += ", content_hash = :hash"
        values["hash"] = signed_content.sha256(body)
    conn.execute(text(sql + " WHERE id = :id"), values)


def test_a_planned_map_used_by_a_signed_session_is_refused_and_its_tampering_named(
    audited: UnitOfWork, engine: Engine, clock: Clock, keys: Path
) -> None:
    sid = signed_session(audited, clock)
    assert report(engine).intact
    with (
        pytest.raises(DBAPIError, match="planned map used by a signed session"),
        engine.begin() as conn,
    ):
        conn.execute(text("UPDATE planned_map SET data = data"))
    with triggers_bypassed(engine) as conn:
        _rewrite_map(conn, sid, rehash=False)
    r = report(engine)
    assert not r.intact and r.broken_at is None
    assert {(m.session_id, m.field) for m in r.mismatches} >= {(sid, "planned_map")}
    view = show_session(UnitOfWork.from_engine(engine), sid)
    assert view.verified is False
    assert view.points["planned_volume_ml"] == 20.0  # what the rewritten map now says
    # the map's hash recomputed too: the points themselves are named
    with triggers_bypassed(engine) as conn:
        _rewrite_map(conn, sid, rehash=True)
    fields = {m.field for m in report(engine).mismatches if m.session_id == sid}
    assert "planned_points" in fields and "planned_map" not in fields


def test_a_product_use_changed_and_its_unkeyed_signature_recomputed_is_named_by_the_chain(
    audited: UnitOfWork, engine: Engine, clock: Clock, keys: Path
) -> None:
    sid = signed_session(audited, clock)
    with triggers_bypassed(engine) as conn:
        conn.execute(
            text("UPDATE product_use SET volume_ul = 2500 WHERE session_id = :id AND position = 0"),
            {"id": sid},
        )
    # the forger recomputes the signature the way mesoplan computes it
    uow = UnitOfWork.from_engine(engine)
    with uow:
        row = uow.records.treatment_session(sid)
        stored = signed_content.stored_session(uow.session, row)
        version = row.content_version
        assert version == signed_content.CURRENT_VERSION
        doc = signed_content.content(stored, version)
        assert row.signed_at is not None
        forged = signed_content.signature_of(doc, version, DR, row.signed_at)
    with triggers_bypassed(engine) as conn:
        conn.execute(
            text("UPDATE treatment_session SET signature = :s WHERE id = :id"),
            {"s": forged, "id": sid},
        )
    r = report(engine)
    assert r.broken_at is None and r.missing_key is None  # the chain itself is untouched
    assert [(m.session_id, m.field) for m in r.mismatches] == [(sid, "uses")]
    assert "recorded at signing" in r.mismatches[0].reason
    verification = signing.verify_session(UnitOfWork.from_engine(engine), sid)
    assert not verification.intact and "uses" in verification.problems[0]
    assert show_session(UnitOfWork.from_engine(engine), sid).verified is False
    with engine.connect() as conn:
        algorithms = {a for (a,) in conn.execute(text("SELECT algorithm FROM audit_entry"))}
    assert algorithms == {"hmac-sha256"}


def test_a_deleted_audit_entry_is_named(
    audited: UnitOfWork, engine: Engine, clock: Clock, keys: Path
) -> None:
    signed_session(audited, clock)
    entries = report(engine).entries
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entry WHERE seq = 3"))
    r = report(engine)
    assert (r.intact, r.broken_at, r.entries) == (False, 3, entries - 1)
    assert "entry 3 is missing" in str(r.reason)


def test_a_rewritten_head_with_its_last_entry_deleted_is_found_with_the_anchor(
    audited: UnitOfWork, engine: Engine, clock: Clock, keys: Path, tmp_path: Path
) -> None:
    signed_session(audited, clock)
    anchor = tmp_path / "anchor.json"
    done = _cli(engine, "audit", "anchor", "--output", str(anchor))
    assert done.returncode == 0, done.stderr
    doc = json.loads(anchor.read_text())
    (head,) = doc["heads"]
    last = head["seq"]
    with engine.begin() as conn:
        prev = conn.execute(
            text("SELECT entry_hash FROM audit_entry WHERE seq = :s"), {"s": last - 1}
        ).scalar_one()
        conn.execute(text("DELETE FROM audit_entry WHERE seq = :s"), {"s": last})
        conn.execute(
            text("UPDATE audit_head SET seq = :s, entry_hash = :h"), {"s": last - 1, "h": prev}
        )
    assert report(engine).broken_at is None  # consistent on its own...
    heads = {1: Head(1, head["seq"], head["entry_hash"])}
    r = report(engine, heads)  # ...but not with the anchor
    assert (r.intact, r.broken_at) == (False, last)
    assert "tail was removed" in str(r.reason)
    done = _cli(engine, "audit", "verify", "--anchor", str(anchor))
    assert done.returncode == 1 and "tail was removed" in done.stdout


def test_truncating_a_clinical_table_is_refused(
    audited: UnitOfWork, engine: Engine, clock: Clock
) -> None:
    sid = signed_session(audited, clock)
    statement = (
        "TRUNCATE product_use CASCADE"
        if engine.dialect.name == "postgresql"
        else "DELETE FROM product_use"
    )
    message = "never truncated" if engine.dialect.name == "postgresql" else "never change"
    with pytest.raises(DBAPIError, match=message), engine.begin() as conn:
        conn.execute(text(statement))
    with engine.connect() as conn:
        count = conn.execute(
            text("SELECT count(*) FROM product_use WHERE session_id = :id"), {"id": sid}
        )
        assert count.scalar_one() == 3


def test_a_key_the_chain_names_missing_makes_verify_exit_3(
    audited: UnitOfWork, engine: Engine, clock: Clock, keys: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    signed_session(audited, clock)
    assert _cli(engine, "audit", "verify").returncode == 0
    keys.write_text(
        f'[clinics.1]\ncurrent = "k2"\n\n[clinics.1.keys]\nk2 = "{secrets.token_hex(32)}"\n'
    )
    done = _cli(engine, "audit", "verify")
    assert done.returncode == 3
    assert "'k1'" in done.stdout
    monkeypatch.delenv(KEY_ENV)
    assert _cli(engine, "audit", "verify").returncode == 3


def test_rotation_adds_a_key_and_both_keep_verifying(
    audited: UnitOfWork, engine: Engine, clock: Clock, keys: Path
) -> None:
    sid = signed_session(audited, clock)
    k1 = keys.read_text().split('k1 = "')[1].split('"')[0]
    keys.write_text(
        '[clinics.1]\ncurrent = "k2"\n\n[clinics.1.keys]\n'
        f'k1 = "{k1}"\nk2 = "{secrets.token_hex(32)}"\n'
    )
    signing.add_addendum(audited, DR, sid, "Called: fine.")
    with engine.connect() as conn:
        ids = [k for (k,) in conn.execute(text("SELECT key_id FROM audit_entry ORDER BY seq"))]
    assert ids[-1] == "k2" and set(ids[:-1]) == {"k1"}
    assert report(engine).intact


def _cli(engine: Engine, *args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"MESOPLAN_DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    return subprocess.run(
        [sys.executable, "-m", "mesoplan", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
