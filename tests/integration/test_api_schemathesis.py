"""schemathesis against the app's own OpenAPI document: generated requests (valid and
invalid) to every operation, as a medical director of a clinic with records; no server
error, and every response matches the documented status codes, media types and schemas.

CI runs a few examples per operation (``MESOPLAN_FUZZ_EXAMPLES``, default 4); ``make
fuzz`` runs a longer campaign and prints how many cases ran.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from mesoplan.adapters.db import make_engine
from mesoplan.adapters.db.migrate import upgrade

from .api_support import clinic_with_roles, make_client, seed_records

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import schemathesis
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

pytestmark = pytest.mark.integration
EXAMPLES = int(os.environ.get("MESOPLAN_FUZZ_EXAMPLES", "4"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
_DIR = Path(tempfile.mkdtemp(prefix="mesoplan-fuzz-"))
atexit.register(shutil.rmtree, _DIR, True)
_ENGINE = make_engine(f"sqlite:///{_DIR / 'fuzz.sqlite'}")
upgrade(_ENGINE)
_CLIENT = make_client(_ENGINE)
_CLINIC = clinic_with_roles(_CLIENT, _ENGINE, "z")
seed_records(_CLIENT, _CLINIC)
HEADERS = _CLINIC.headers["medical_director"]
schema = schemathesis.openapi.from_asgi("/openapi.json", _CLIENT.app)
_count = {"cases": 0}


@schemathesis.serializer("application/toml")
def _toml(_ctx: object, value: object) -> dict[str, bytes]:
    if isinstance(value, bytes):
        return {"data": value}
    return {"data": (value if isinstance(value, str) else repr(value)).encode("utf-8")}


@pytest.fixture(scope="module", autouse=True)
def _report(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        print(f"\nschemathesis: {_count['cases']} cases run")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_openapi(case: schemathesis.Case) -> None:
    _count["cases"] += 1
    case.call_and_validate(headers=HEADERS, checks=CHECKS)
