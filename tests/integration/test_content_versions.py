"""What a signature covers is versioned: a field added in a later content version never
changes what an older signature covers, and sessions signed before content versions
existed (version 0) keep verifying."""

from __future__ import annotations

import gzip
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from mesoplan.adapters.db import make_engine, signed_content
from mesoplan.adapters.db.audit import Actor
from mesoplan.adapters.db.migrate import current_revision, head_revision, upgrade
from mesoplan.services import audit, sessions, signing
from mesoplan.services.session_views import show_session
from mesoplan.services.unit_of_work import UnitOfWork

from .conftest import Clock
from .records_factory import DR, two_lot_mix, world
from .tamper_support import triggers_bypassed

pytestmark = pytest.mark.integration
FIXTURE = Path(__file__).parent / "fixtures" / "records_v0.sqlite.gz"


def test_a_later_content_version_leaves_older_signatures_verifying(
    engine: Engine, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    uow = UnitOfWork.from_engine(engine, clock, actor=Actor(DR, "test"))
    w = world(uow)
    first = sessions.record_session(uow, DR, w.course_id, two_lot_mix()).id
    clock.advance(minutes=20)
    signing.sign_session(uow, DR, first)
    # A later version covers one more fact of the session (when it was charted).
    later = signed_content.CURRENT_VERSION + 1
    fields = {**signed_content.FIELDS, "charted_at": lambda s: s.row.created_at.isoformat()}
    versions = {**signed_content.VERSIONS, later: (*signed_content.VERSIONS[1], "charted_at")}
    monkeypatch.setattr(signed_content, "FIELDS", fields)
    monkeypatch.setattr(signed_content, "VERSIONS", versions)
    monkeypatch.setattr(signed_content, "CURRENT_VERSION", later)
    clock.advance(days=7)  # the course's minimum interval
    second = sessions.record_session(uow, DR, w.course_id, two_lot_mix()).id
    clock.advance(minutes=20)
    signing.sign_session(uow, DR, second)
    with engine.connect() as conn:
        found = conn.execute(text("SELECT id, content_version FROM treatment_session"))
        stored = {sid: version for sid, version in found}
    assert stored == {first: 1, second: later}
    for sid in (first, second):
        assert signing.verify_session(uow, sid).intact
    (r,) = audit.verify_chains(UnitOfWork.from_engine(engine))
    assert (r.intact, r.sessions, r.mismatches) == (True, 2, ())
    # the new field is covered by the new version only: changing it breaks the second
    earlier = "2025-03-01 08:00:00" + (".000000" if engine.dialect.name == "sqlite" else "+00")
    with triggers_bypassed(engine) as conn:
        conn.execute(text("UPDATE treatment_session SET created_at = :t"), {"t": earlier})
    (r,) = audit.verify_chains(UnitOfWork.from_engine(engine))
    assert {(m.session_id, m.field) for m in r.mismatches} == {
        (second, "charted_at"),
        (second, None),
    }


@pytest.fixture
def version_0_database(tmp_path: Path) -> Iterator[Engine]:
    """A copy of the fixture database, upgraded to the newest schema."""
    path = tmp_path / "records.sqlite"
    with gzip.open(FIXTURE) as source, path.open("wb") as target:
        shutil.copyfileobj(source, target)
    engine = make_engine(f"sqlite:///{path}")
    assert current_revision(engine) == "0003"
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    yield engine
    engine.dispose()


def test_version_0_signatures_of_the_fixture_database_still_verify(
    version_0_database: Engine,
) -> None:
    engine = version_0_database
    with engine.connect() as conn:
        q = "SELECT id, content_version FROM treatment_session WHERE signed_at IS NOT NULL"
        signed = {sid: version for sid, version in conn.execute(text(q))}
    assert len(signed) == 9 and set(signed.values()) == {0}
    for sid in signed:
        assert signing.verify_session(UnitOfWork.from_engine(engine), sid).intact
        assert show_session(UnitOfWork.from_engine(engine), sid).verified is True
    (r,) = audit.verify_chains(UnitOfWork.from_engine(engine))
    assert (r.intact, r.sessions) == (True, 9)


def test_a_version_0_session_s_rewritten_planned_map_is_named(
    version_0_database: Engine,
) -> None:
    """Version 0 covers the map by its hash: the map's data is checked against it."""
    engine = version_0_database
    with triggers_bypassed(engine) as conn:
        map_id = conn.execute(
            text("SELECT planned_map_id FROM treatment_session WHERE id = 1")
        ).scalar_one()
        other = text("SELECT data FROM planned_map WHERE id != :m LIMIT 1")
        data = conn.execute(other, {"m": map_id}).scalar_one()
        conn.execute(
            text("UPDATE planned_map SET data = :d WHERE id = :m"), {"d": data, "m": map_id}
        )
        users = conn.execute(
            text("SELECT id FROM treatment_session WHERE planned_map_id = :m"), {"m": map_id}
        )
        expected = {(sid, "planned_map") for (sid,) in users}
    (r,) = audit.verify_chains(UnitOfWork.from_engine(engine))
    assert expected and {(m.session_id, m.field) for m in r.mismatches} == expected
