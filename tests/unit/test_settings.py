"""The one Settings object: every MESOPLAN_* variable is read there."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from mesoplan import MesoplanError, Settings
from mesoplan.entrypoints.api.settings import ApiSettings


def test_defaults_without_environment() -> None:
    s = Settings.from_env({})
    assert s.protocol_path == ()
    assert s.database_url is None
    assert s.api_token_ttl_min == 720
    assert s.api_docs is True
    api = ApiSettings.from_settings(s)
    assert api.token_ttl == timedelta(hours=12)
    assert api.passwords.time_cost == 3 and api.passwords.memory_cost_kib == 65536


def test_every_variable_is_read() -> None:
    env = {
        "MESOPLAN_PROTOCOL_PATH": "/a:/b",
        "MESOPLAN_DATABASE_URL": "postgresql+psycopg://x@h/db",
        "MESOPLAN_DATA_DIR": "/tmp/mp",
        "MESOPLAN_PRACTITIONER": "dr-rossi",
        "MESOPLAN_API_TOKEN_TTL_MIN": "30",
        "MESOPLAN_API_ARGON2_TIME_COST": "1",
        "MESOPLAN_API_ARGON2_MEMORY_KIB": "8",
        "MESOPLAN_API_ARGON2_PARALLELISM": "1",
        "MESOPLAN_API_DOCS": "0",
        "MESOPLAN_API_AUTH_CACHE_S": "0",
        "MESOPLAN_SECRET_KEY": "a shared signing key",
    }
    s = Settings.from_env(env)
    assert s.secret_key == "a shared signing key" and "signing key" not in repr(s)
    assert s.protocol_path == (Path("/a"), Path("/b"))
    assert s.resolved_database_url() == "postgresql+psycopg://x@h/db"
    assert s.resolved_data_dir() == Path("/tmp/mp")
    assert s.practitioner == "dr-rossi"
    api = ApiSettings.from_env(env)
    assert api.token_ttl == timedelta(minutes=30)
    assert (api.passwords.time_cost, api.passwords.memory_cost_kib) == (1, 8)
    assert api.docs is False and api.auth_cache_s == 0.0


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("MESOPLAN_API_TOKEN_TTL_MIN", "soon", "whole number"),
        ("MESOPLAN_API_AUTH_CACHE_S", "-1", "negative"),
    ],
)
def test_bad_numbers_are_one_clear_error(name: str, value: str, fragment: str) -> None:
    with pytest.raises(MesoplanError, match=fragment) as info:
        Settings.from_env({name: value})
    assert name in str(info.value)
