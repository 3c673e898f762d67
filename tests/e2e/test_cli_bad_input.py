"""Bad input for every command: each case is one line on stderr and exit code 2 (3 for
a database that cannot be reached), never a traceback and never a hang.

The table holds huge and non-finite numbers, dates outside any clinical range, arguments
and environment variables that are not UTF-8, binary and missing files, unwritable
outputs, unsupported and malformed database URLs, SQLite folders that cannot be made,
databases of a newer or of no schema, a PostgreSQL port that refuses connections and a
server that accepts them and never answers. docs/cli.md gives the number of cases.
"""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

DOCS = Path(__file__).parents[2] / "docs" / "cli.md"
TIMEOUT_S = 60
"""Each command must be finished by then (a silent server is given up after 2 s)."""
BIG = "99999999999999999999"
DR = "demo-rossi"
RECEIVE = ("stock", "receive", "Tefamin (demo)", "NEW-LOT")
RECORD = ("session", "record", "1", "--use", "Tefamin (demo)=DEMO-TF1:0.5")
ADD_PATIENT = ("patient", "add", "--given", "Ann", "--sex", "female")


@dataclass(frozen=True)
class Case:
    name: str
    args: tuple[str | bytes, ...]
    env: dict[str, str | bytes] = field(default_factory=dict)
    code: int = 2


def receive(*extra: str) -> tuple[str, ...]:
    return (*RECEIVE, "--expiry", "2030-01-01", "--quantity", "2", "--volume-ml", "1", *extra)


def patient(*extra: str | bytes) -> tuple[str | bytes, ...]:
    return (*ADD_PATIENT, "--family", "Doe", "--birth", "1980-01-01", *extra)


def url(value: str | bytes, *args: str) -> Case:
    return Case("", args or ("patient", "list"), {"MESOPLAN_DATABASE_URL": value})


CASES: dict[str, Case] = {
    # numbers: huge, not finite, negative, not numbers
    "quantity huge": Case(
        "", (*RECEIVE, "--expiry", "2030-01-01", "--quantity", BIG, "--volume-ml", "1")
    ),
    "quantity negative": Case(
        "", (*RECEIVE, "--expiry", "2030-01-01", "--quantity", "-5", "--volume-ml", "1")
    ),
    "quantity zero": Case(
        "", (*RECEIVE, "--expiry", "2030-01-01", "--quantity", "0", "--volume-ml", "1")
    ),
    "quantity not a number": Case(
        "", (*RECEIVE, "--expiry", "2030-01-01", "--quantity", "many", "--volume-ml", "1")
    ),
    "volume nan": Case(
        "", (*RECEIVE, "--expiry", "2030-01-01", "--quantity", "2", "--volume-ml", "nan")
    ),
    "volume inf": Case(
        "", (*RECEIVE, "--expiry", "2030-01-01", "--quantity", "2", "--volume-ml", "inf")
    ),
    "volume huge": Case(
        "", (*RECEIVE, "--expiry", "2030-01-01", "--quantity", "2", "--volume-ml", "1e308")
    ),
    "volume negative": Case(
        "", (*RECEIVE, "--expiry", "2030-01-01", "--quantity", "2", "--volume-ml", "-1")
    ),
    "patient id huge": Case("", ("patient", "show", BIG)),
    "patient id not a number": Case("", ("patient", "show", "abc")),
    "patient delete id huge": Case("", ("patient", "delete", BIG, "--reason", "x")),
    "patient history id huge": Case("", ("patient", "history", BIG, "--allergy", "x")),
    "course id huge": Case("", ("course", "show", BIG)),
    "course review id huge": Case("", ("course", "review", BIG)),
    "session id huge": Case("", ("session", "show", BIG)),
    "session points id huge": Case("", ("session", "points", BIG)),
    "session sign id huge": Case("", ("session", "sign", BIG)),
    "session verify id huge": Case("", ("session", "verify", BIG)),
    "session record course huge": Case(
        "", ("session", "record", BIG, "--use", "Tefamin (demo)=DEMO-TF1:0.5")
    ),
    "session number huge": Case("", (*RECORD, "--number", BIG)),
    "use volume huge": Case(
        "", ("session", "record", "1", "--use", f"Tefamin (demo)=DEMO-TF1:{BIG}")
    ),
    "needle gauge huge": Case("", (*RECORD, "--needle", f"{BIG}:4")),
    "needle length nan": Case("", (*RECORD, "--needle", "30:nan")),
    "anaesthetic amount nan": Case("", (*RECORD, "--anaesthetic", "EMLA:nan")),
    "measure value nan": Case("", ("measure", "add", "1", "thigh_circumference_cm", "nan")),
    "measure value huge": Case("", ("measure", "add", "1", "thigh_circumference_cm", "1e308")),
    "measure height nan": Case(
        "", ("measure", "add", "1", "thigh_circumference_cm", "50", "--height-cm", "nan")
    ),
    "measure patient huge": Case("", ("measure", "add", BIG, "thigh_circumference_cm", "50")),
    "measure course huge": Case(
        "", ("measure", "add", "1", "thigh_circumference_cm", "50", "--course", BIG)
    ),
    "measure list patient huge": Case("", ("measure", "list", BIG)),
    "reaction duration nan": Case(
        "",
        (
            "reaction",
            "add",
            "1",
            "--kind",
            "redness",
            "--zone",
            "face",
            "--onset",
            "2025-01-01T10:00",
            "--duration-min",
            "nan",
        ),
    ),
    "reaction duration huge": Case(
        "",
        (
            "reaction",
            "add",
            "1",
            "--kind",
            "redness",
            "--zone",
            "face",
            "--onset",
            "2025-01-01T10:00",
            "--duration-days",
            "1e300",
        ),
    ),
    "reaction session huge": Case(
        "",
        (
            "reaction",
            "add",
            BIG,
            "--kind",
            "redness",
            "--zone",
            "face",
            "--onset",
            "2025-01-01T10:00",
        ),
    ),
    "vial days huge": Case("", ("vial", "open", "Tefamin (demo)", "DEMO-TF1", "--days", BIG)),
    "vial days negative": Case("", ("vial", "open", "Tefamin (demo)", "DEMO-TF1", "--days", "-1")),
    "maintenance months huge": Case(
        "",
        (
            "course",
            "start",
            "1",
            "--protocol",
            "cellulite",
            "--zone",
            "thigh-left-lateral",
            "--start",
            "2025-01-01",
            "--maintenance-months",
            BIG,
        ),
    ),
    "export fhir patient huge": Case("", ("export", "fhir", "--patient", BIG)),
    "export csv patient huge": Case("", ("export", "csv", "patients", "--patient", BIG)),
    "audit clinic huge": Case("", ("audit", "verify", "--clinic", BIG)),
    "plot patient huge": Case("", ("measure", "plot", BIG, "-o", "{tmp}/plot.svg")),
    "serve port huge": Case("", ("serve", "--port", BIG)),
    # dates outside any clinical range, and dates that are not dates
    "expiry 9999-12-31": Case(
        "", (*RECEIVE, "--expiry", "9999-12-31", "--quantity", "2", "--volume-ml", "1")
    ),
    "expiry 0001-01-01": Case(
        "", (*RECEIVE, "--expiry", "0001-01-01", "--quantity", "2", "--volume-ml", "1")
    ),
    "expiry 30 February": Case(
        "", (*RECEIVE, "--expiry", "2030-02-30", "--quantity", "2", "--volume-ml", "1")
    ),
    "birth 0001-01-01": Case("", (*ADD_PATIENT, "--family", "Doe", "--birth", "0001-01-01")),
    "birth 9999-12-31": Case("", (*ADD_PATIENT, "--family", "Doe", "--birth", "9999-12-31")),
    "birth not a date": Case("", (*ADD_PATIENT, "--family", "Doe", "--birth", "yesterday")),
    "consent 0001-01-01": Case("", patient("--consent", "0001-01-01T00:00:00+14:00")),
    "consent 9999-12-31": Case("", patient("--consent", "9999-12-31T23:59:59-14:00")),
    "course start 9999-12-31": Case(
        "",
        (
            "course",
            "start",
            "1",
            "--protocol",
            "cellulite",
            "--zone",
            "thigh-left-lateral",
            "--start",
            "9999-12-31",
        ),
    ),
    "course start 0001-01-01": Case(
        "",
        (
            "course",
            "start",
            "1",
            "--protocol",
            "cellulite",
            "--zone",
            "thigh-left-lateral",
            "--start",
            "0001-01-01",
        ),
    ),
    "course time 25:00": Case(
        "",
        (
            "course",
            "start",
            "1",
            "--protocol",
            "cellulite",
            "--zone",
            "thigh-left-lateral",
            "--start",
            "2025-01-01",
            "--time",
            "25:00",
        ),
    ),
    "measure at 0001-01-01+14:00": Case(
        "",
        (
            "measure",
            "add",
            "1",
            "thigh_circumference_cm",
            "50",
            "--at",
            "0001-01-01T00:00:00+14:00",
        ),
    ),
    "measure at 9999-12-31-14:00": Case(
        "",
        (
            "measure",
            "add",
            "1",
            "thigh_circumference_cm",
            "50",
            "--at",
            "9999-12-31T23:59:59-14:00",
        ),
    ),
    "reaction onset 0001-01-01": Case(
        "",
        (
            "reaction",
            "add",
            "1",
            "--kind",
            "redness",
            "--zone",
            "face",
            "--onset",
            "0001-01-01T00:00:00+14:00",
        ),
    ),
    "session at 9999-12-31": Case("", (*RECORD, "--at", "9999-12-31T23:59:59")),
    "anaesthetic at 0001-01-01": Case(
        "", (*RECORD, "--anaesthetic", "EMLA:5", "--anaesthetic-at", "0001-01-01T00:00:00+14:00")
    ),
    "fhir apply start 9999-12-31": Case(
        "", ("fhir", "apply", "cellulite", "--patient", "p1", "--start", "9999-12-31")
    ),
    "fhir apply start 0001-01-01": Case(
        "", ("fhir", "apply", "cellulite", "--patient", "p1", "--start", "0001-01-01")
    ),
    # arguments and environment that are not UTF-8
    "family name not UTF-8": Case(
        "", (*ADD_PATIENT, "--family", b"Do\xffe", "--birth", "1980-01-01")
    ),
    "search name not UTF-8": Case("", ("patient", "list", "--name", b"\xc3")),
    "clinic name not UTF-8": Case("", ("clinic", "add", b"Studio \xfe\xff")),
    "protocol id not UTF-8": Case("", ("protocols", "show", b"\xff")),
    "plan protocol not UTF-8": Case("", ("plan", "--protocol", b"cellulite\xff", "--zone", "face")),
    "command not UTF-8": Case("", (b"\xffpatient", "list")),
    "file name not UTF-8": Case("", ("protocols", "validate", b"/tmp/\xff.toml")),
    "practitioner env not UTF-8": Case(
        "", ("patient", "list"), {"MESOPLAN_PRACTITIONER": b"demo\xff"}
    ),
    "database URL not UTF-8": url(b"sqlite:////tmp/\xff/records.sqlite"),
    "data dir not UTF-8": Case("", ("patient", "list"), {"MESOPLAN_DATA_DIR": b"/tmp/\xff"}),
    # files: binary, missing, folders, unwritable outputs
    "points binary CSV": Case("", (*RECORD, "--points", "{binary}.csv")),
    "points binary JSON": Case("", (*RECORD, "--points", "{binary}.json")),
    "points missing": Case("", (*RECORD, "--points", "{tmp}/missing.csv")),
    "points a folder": Case("", (*RECORD, "--points", "{tmp}")),
    "correct points binary": Case("", ("session", "correct", "1", "--points", "{binary}.csv")),
    "plan file binary": Case(
        "",
        (
            "course",
            "start",
            "1",
            "--protocol",
            "cellulite",
            "--plan-file",
            "{binary}.json",
            "--start",
            "2025-01-01",
        ),
    ),
    "protocol file binary": Case(
        "",
        (
            "course",
            "start",
            "1",
            "--protocol-file",
            "{binary}.toml",
            "--zone",
            "face",
            "--start",
            "2025-01-01",
        ),
    ),
    "validate binary": Case("", ("protocols", "validate", "{binary}.toml")),
    "validate missing": Case("", ("protocols", "validate", "{tmp}/missing.toml")),
    "fhir import binary": Case("", ("fhir", "import", "{binary}.json")),
    "fhir import a folder": Case("", ("fhir", "import", "{tmp}")),
    "plan patch binary": Case(
        "", ("plan", "--protocol", "face", "--zone", "face", "--patch", "{binary}.json")
    ),
    "plan zone file binary": Case("", ("plan", "--protocol", "face", "--zone", "{binary}.geojson")),
    "plot unwritable": Case("", ("measure", "plot", "1", "-o", "/proc/plot.svg")),
    "plot into a folder": Case("", ("measure", "plot", "1", "-o", "{tmp}")),
    "export csv unwritable": Case("", ("export", "csv", "patients", "-o", "/proc/patients.csv")),
    "export csv missing folder": Case(
        "", ("export", "csv", "patients", "-o", "{tmp}/no/such/patients.csv")
    ),
    "export fhir unwritable": Case("", ("export", "fhir", "--all", "-o", "/proc/bulk")),
    "fhir protocol unwritable": Case(
        "", ("fhir", "protocol", "cellulite", "-o", "/proc/plan.json")
    ),
    "protocols export unwritable": Case(
        "", ("protocols", "export", "cellulite", "-o", "/proc/c.toml")
    ),
    "plan output unwritable": Case(
        "", ("plan", "--protocol", "face", "--zone", "face", "-o", "/proc/plan.json")
    ),
    "zones output unwritable": Case("", ("zones", "show", "face", "-o", "/proc/face.json")),
    "demo plans unwritable": Case("", ("demo-plans", "-o", "/proc/demo")),
    # database URLs and databases
    "mysql URL": url("mysql://root@127.0.0.1/mesoplan"),
    "mysql URL db upgrade": url("mysql://root@127.0.0.1/mesoplan", "db", "upgrade"),
    "mysql URL demo": url("mysql://root@127.0.0.1/mesoplan", "demo"),
    "mysql URL backup": url("mysql://root@127.0.0.1/mesoplan", "backup", "{tmp}/b.dump"),
    "mysql URL serve": url("mysql://root@127.0.0.1/mesoplan", "serve"),
    "URL not a URL": url("not a database url"),
    "URL bad port": url("postgresql://postgres@127.0.0.1:notaport/db"),
    "URL unknown PostgreSQL driver": url("postgresql+asyncpg://postgres@127.0.0.1/db"),
    "URL empty scheme": url("://nothing"),
    "SQLite folder uncreatable": url("sqlite:////proc/mesoplan/records.sqlite", "db", "upgrade"),
    "SQLite folder under a file": url("sqlite:///{binary}.csv/records.sqlite", "db", "upgrade"),
    "SQLite file a folder": url("sqlite:///{tmp}", "db", "upgrade"),
    "SQLite file not a database": url("sqlite:///{binary}.json", "patient", "list"),
    "data dir uncreatable": Case("", ("patient", "list"), {"MESOPLAN_DATA_DIR": "/proc/mesoplan"}),
    "data dir uncreatable demo": Case("", ("demo",), {"MESOPLAN_DATA_DIR": "/proc/mesoplan"}),
    "connect timeout not a number": Case(
        "", ("patient", "list"), {"MESOPLAN_DB_CONNECT_TIMEOUT_S": "soon"}
    ),
    "connect timeout nan": Case("", ("patient", "list"), {"MESOPLAN_DB_CONNECT_TIMEOUT_S": "nan"}),
    "empty database": url("sqlite:///{tmp}/empty.sqlite", "patient", "list"),
    "newer schema patient list": url("sqlite:///{newer}", "patient", "list"),
    "newer schema db upgrade": url("sqlite:///{newer}", "db", "upgrade"),
    "newer schema db status": url("sqlite:///{newer}", "db", "status"),
    "newer schema demo": url("sqlite:///{newer}", "demo"),
    "newer schema serve": url("sqlite:///{newer}", "serve"),
    "refused port patient list": Case(
        "", ("patient", "list"), {"MESOPLAN_DATABASE_URL": "{refused}"}, 3
    ),
    "refused port db upgrade": Case(
        "", ("db", "upgrade"), {"MESOPLAN_DATABASE_URL": "{refused}"}, 3
    ),
    "refused port db status": Case("", ("db", "status"), {"MESOPLAN_DATABASE_URL": "{refused}"}, 3),
    "refused port demo": Case("", ("demo",), {"MESOPLAN_DATABASE_URL": "{refused}"}, 3),
    "refused port serve": Case("", ("serve",), {"MESOPLAN_DATABASE_URL": "{refused}"}, 3),
    "refused port backup": Case(
        "", ("backup", "{tmp}/pg.dump"), {"MESOPLAN_DATABASE_URL": "{refused}"}, 3
    ),
    "refused port restore": Case(
        "", ("restore", "{tmp}/pg.dump"), {"MESOPLAN_DATABASE_URL": "{refused}"}, 3
    ),
    "silent server patient list": Case(
        "", ("patient", "list"), {"MESOPLAN_DATABASE_URL": "{silent}"}, 3
    ),
    "silent server db upgrade": Case(
        "", ("db", "upgrade"), {"MESOPLAN_DATABASE_URL": "{silent}"}, 3
    ),
    "silent server stock receive": Case("", receive(), {"MESOPLAN_DATABASE_URL": "{silent}"}, 3),
    "silent server export fhir": Case(
        "",
        ("export", "fhir", "--all", "-o", "{tmp}/bulk"),
        {"MESOPLAN_DATABASE_URL": "{silent}"},
        3,
    ),
    "silent server demo": Case("", ("demo",), {"MESOPLAN_DATABASE_URL": "{silent}"}, 3),
    "silent server serve": Case("", ("serve",), {"MESOPLAN_DATABASE_URL": "{silent}"}, 3),
    "silent server backup": Case(
        "", ("backup", "{tmp}/pg.dump"), {"MESOPLAN_DATABASE_URL": "{silent}"}, 3
    ),
    # backup and restore
    "backup missing folder": Case("", ("backup", "{tmp}/no/such/folder/b.sqlite")),
    "backup over a file": Case("", ("backup", "{binary}.csv")),
    "backup unwritable": Case("", ("backup", "/proc/b.sqlite")),
    "backup no database": url("sqlite:///{tmp}/nothing-here.sqlite", "backup", "{tmp}/b.sqlite"),
    "restore missing file": Case("", ("restore", "{tmp}/missing.sqlite")),
    "restore binary file": Case("", ("restore", "{binary}.csv")),
    "restore a folder": Case("", ("restore", "{tmp}")),
    "restore foreign SQLite": Case("", ("restore", "{foreign}")),
    "restore newer schema": Case("", ("restore", "{newer}")),
    # usage
    "unknown command": Case("", ("frobnicate",)),
    "unknown option": Case("", ("patient", "list", "--colour", "red")),
    "missing option": Case("", ("patient", "add", "--family", "Doe")),
    "bad choice": Case("", ("patient", "list", "--format", "xml")),
    "bad use spec": Case("", ("session", "record", "1", "--use", "Tefamin")),
    "bad needle": Case("", (*RECORD, "--needle", "thin")),
    "unknown measurement kind": Case("", ("measure", "add", "1", "weight_stone", "12")),
    "recall without lot": Case("", ("recall",)),
    "unknown protocol": Case("", ("plan", "--protocol", "nope", "--zone", "face")),
    "unknown zone": Case("", ("zones", "show", "elbow")),
    "token ttl nan for serve": Case("", ("serve",), {"MESOPLAN_API_TOKEN_TTL_MIN": "nan"}),
}
CASES = {name: Case(name, c.args, c.env, c.code) for name, c in CASES.items()}


def _silent_server(stop: threading.Event) -> tuple[socket.socket, threading.Thread]:
    """A TCP server that accepts every connection and never sends a byte."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    server.settimeout(0.2)
    held: list[socket.socket] = []

    def serve() -> None:
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                break
        for conn in held:
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return server, thread


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class World:
    tmp: Path
    env: dict[str, str | bytes]
    places: dict[str, str]

    def fill(self, value: str | bytes) -> str | bytes:
        if isinstance(value, bytes):
            return value
        for key, place in self.places.items():
            value = value.replace("{" + key + "}", place)
        return value


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """A demo database, files to misuse, a refused port and a silent server."""
    tmp = tmp_path_factory.mktemp("bad-input")
    env: dict[str, str | bytes] = {
        k: v for k, v in os.environ.items() if not k.startswith("MESOPLAN_")
    }
    env.update(
        MESOPLAN_DATA_DIR=str(tmp / "data"),
        MESOPLAN_PRACTITIONER=DR,
        MESOPLAN_DB_CONNECT_TIMEOUT_S="2",
        COLUMNS="200",
    )
    demo = subprocess.run(
        [sys.executable, "-m", "mesoplan", "demo"],
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )
    assert demo.returncode == 0, demo.stderr
    live = tmp / "data" / "mesoplan.sqlite"
    for suffix in ("csv", "json", "toml", "geojson"):
        (tmp / f"binary.{suffix}").write_bytes(bytes(range(256)) * 16)
    newer = tmp / "newer.sqlite"
    with sqlite3.connect(live) as con, sqlite3.connect(newer) as copy:
        con.backup(copy)
        copy.execute("UPDATE alembic_version SET version_num = 'r9999_from_the_future'")
    foreign = tmp / "foreign.sqlite"
    with sqlite3.connect(foreign) as con:
        con.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        con.execute("INSERT INTO alembic_version VALUES ('0001')")
    stop = threading.Event()
    server, thread = _silent_server(stop)
    places = {
        "tmp": str(tmp),
        "binary": str(tmp / "binary"),
        "newer": str(newer),
        "foreign": str(foreign),
        "refused": f"postgresql://postgres@127.0.0.1:{_closed_port()}/mesoplan",
        "silent": f"postgresql://postgres@127.0.0.1:{server.getsockname()[1]}/mesoplan",
    }
    yield World(tmp, env, places)
    stop.set()
    thread.join(timeout=5)
    server.close()


@dataclass(frozen=True)
class Outcome:
    case: Case
    code: int | None
    stdout: str
    stderr: str

    def problems(self) -> list[str]:
        out: list[str] = []
        if self.code is None:
            return [f"no answer within {TIMEOUT_S} s (a hang)"]
        if "Traceback" in self.stderr or "Traceback" in self.stdout:
            out.append("a traceback")
        if self.code != self.case.code:
            out.append(f"exit {self.code}, expected {self.case.code}")
        lines = [line for line in self.stderr.splitlines() if line.strip()]
        if _protocol_issues(lines):
            pass
        elif len(lines) != 1 or not lines[0].startswith("error: "):
            out.append(f"{len(lines)} stderr lines, expected one 'error: ...' line")
        if re.search(r"unexpected|internal error", self.stderr):
            out.append("an unexpected error, not a message about the input")
        return out


def _protocol_issues(lines: list[str]) -> bool:
    """A protocol file's issues: one line each (file: field: message), then the count."""
    return (
        len(lines) >= 2
        and re.fullmatch(r"\d+ errors? found", lines[-1]) is not None
        and all(re.match(r"\S+: ", line) for line in lines[:-1])
    )


def run(world: World, case: Case) -> Outcome:
    env = {**world.env, **{k: world.fill(v) for k, v in case.env.items()}}
    args = [world.fill(a) for a in case.args]
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "mesoplan", *args],
            env=env,
            capture_output=True,
            timeout=TIMEOUT_S,
            check=False,
            cwd=world.tmp,
        )
    except subprocess.TimeoutExpired:
        return Outcome(case, None, "", "")
    decode = lambda b: b.decode("utf-8", "replace")  # noqa: E731
    return Outcome(case, proc.returncode, decode(proc.stdout), decode(proc.stderr))


@pytest.fixture(scope="module")
def outcomes(world: World) -> dict[str, Outcome]:
    """Every case, run four at a time (each process has its own timeout)."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        done = list(pool.map(lambda c: run(world, c), CASES.values()))
    return {o.case.name: o for o in done}


def test_every_bad_command_is_one_line_and_exit_2_or_3(outcomes: dict[str, Outcome]) -> None:
    failures = {
        name: (o.problems(), o.stderr.strip()[-400:])
        for name, o in outcomes.items()
        if o.problems()
    }
    tracebacks = sum("a traceback" in p for p, _ in failures.values())
    hangs = sum(o.code is None for o in outcomes.values())
    report = "\n".join(f"- {name}: {p} | {err}" for name, (p, err) in failures.items())
    assert not failures, (
        f"{len(failures)} of {len(CASES)} cases wrong ({tracebacks} tracebacks, "
        f"{hangs} hangs):\n{report}"
    )


def test_nothing_was_written_by_a_refused_command(
    world: World, outcomes: dict[str, Outcome]
) -> None:
    """The demo database holds what the demo made: no refused case added a row."""
    con = sqlite3.connect(world.tmp / "data" / "mesoplan.sqlite")
    try:
        counts = {
            table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("clinic", "patient", "course", "lot", "treatment_session", "reaction")
        }
    finally:
        con.close()
    made_by_the_demo = {
        "clinic": 1,
        "patient": 3,
        "course": 3,
        "lot": 9,
        "treatment_session": 9,
        "reaction": 1,
    }
    assert counts == made_by_the_demo


def test_the_docs_give_the_number_of_cases() -> None:
    text = DOCS.read_text(encoding="utf-8")
    m = re.search(r"(\d+) bad commands", text)
    assert m is not None, "docs/cli.md does not say how many bad commands are tested"
    assert int(m.group(1)) == len(CASES)


def test_the_silent_server_case_does_not_wait_for_the_default_timeout(world: World) -> None:
    """The connect timeout is read from MESOPLAN_DB_CONNECT_TIMEOUT_S: with 2 s, a
    command against a server that never answers is given up long before 10 s."""
    import time

    case = CASES["silent server patient list"]
    started = time.monotonic()
    outcome = run(world, case)
    elapsed = time.monotonic() - started
    assert outcome.code == 3, outcome.stderr
    assert "did not answer" in outcome.stderr or "timeout" in outcome.stderr
    assert elapsed < 9, f"{elapsed:.1f} s"
