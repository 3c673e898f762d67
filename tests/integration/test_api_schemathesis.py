"""schemathesis against the app's own OpenAPI document, as a medical director of a
clinic with records: requests that fit the schema (positive) and requests that break it
on purpose (negative data generation: wrong types, out-of-range ids and numbers, strings
that break their pattern, missing or extra fields) to every operation. No server error;
every response matches the documented status codes, media types and schemas; and every
negative request is refused with a 4xx.

CI runs a few examples per operation and mode (``MESOPLAN_FUZZ_EXAMPLES``, default 4);
``make fuzz`` runs a longer campaign; both print how many cases ran.
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
    from schemathesis import GenerationMode
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        negative_data_rejection,
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
NEGATIVE_CHECKS = [
    not_a_server_error,
    negative_data_rejection,
    status_code_conformance,
    content_type_conformance,
]


def _schema(mode: GenerationMode) -> schemathesis.schemas.BaseSchema:
    loaded = schemathesis.openapi.from_asgi("/openapi.json", _CLIENT.app)
    loaded.config.generation.update(modes=[mode])
    return loaded


schema = _schema(GenerationMode.POSITIVE)
negative = _schema(GenerationMode.NEGATIVE)
_count = {"positive": 0, "negative": 0}


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
        ran = f"{_count['positive']} positive, {_count['negative']} negative"
        print(f"\nschemathesis: {ran} cases run")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_openapi(case: schemathesis.Case) -> None:
    _count["positive"] += 1
    case.call_and_validate(headers=HEADERS, checks=CHECKS)


@negative.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_refuses_invalid_requests_cleanly(case: schemathesis.Case) -> None:
    _count["negative"] += 1
    case.call_and_validate(headers=HEADERS, checks=NEGATIVE_CHECKS)
