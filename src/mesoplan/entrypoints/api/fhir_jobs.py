"""Bulk export jobs of the API's ``$export``: a folder per job, state in files.

A job lives in ``<data dir>/exports/<clinic id>/<job id>/``: ``job.json`` (status,
progress, who asked, what failed), the NDJSON files, and ``manifest.json`` once done.
The job id is random and unguessable, and a clinic's jobs are only ever looked up under
its own folder, so another clinic's job is simply not found. The export runs in a
daemon thread of the process that accepted it, with its own clinic-scoped unit of work;
``DELETE`` removes the folder, and the thread stops at its next progress check.
Several app processes share jobs when they share the data directory.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...services.scoped import ClinicUnitOfWork

JSON = dict[str, Any]
JOB_FILE = "job.json"
MANIFEST = "manifest.json"
CHECK_EVERY = 500  # resources between progress writes and cancellation checks
STALE_S = 600.0  # a running job silent this long died with its process
_JOB_ID = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
_FILE = re.compile(r"^[A-Za-z]{1,64}\.ndjson$")
log = logging.getLogger("mesoplan.api")


class Cancelled(Exception):
    """The job's folder was removed while it ran."""


@dataclass(frozen=True)
class Job:
    """A job's id, its folder and its state (``job.json``)."""

    id: str
    folder: Path
    state: JSON

    @property
    def status(self) -> str:
        """``running``, ``done`` or ``failed`` (also a running job that stopped writing
        its progress: its process ended)."""
        status = str(self.state.get("status", "running"))
        if status == "running" and time.time() - float(self.state.get("heartbeat", 0)) > STALE_S:
            return "failed"
        return status

    @property
    def error(self) -> str:
        if self.state.get("status") == "running":
            return "the export stopped: the process running it ended"
        return str(self.state.get("error", "the export failed"))

    def manifest(self) -> JSON:
        data: JSON = json.loads((self.folder / MANIFEST).read_text(encoding="utf-8"))
        return data

    def progress(self) -> str:
        written, total = int(self.state.get("written", 0)), int(self.state.get("total", 0))
        share = min(99, written * 100 // total) if total else 0
        return f"{share}% ({written} of about {total} resources)"

    def file(self, name: str) -> Path | None:
        """An output file of a finished job, or None."""
        path = self.folder / name
        return path if _FILE.match(name) and self.status == "done" and path.is_file() else None


def _write_state(folder: Path, state: JSON) -> None:
    state["heartbeat"] = time.time()
    tmp = folder / f".{JOB_FILE}.{threading.get_ident()}"
    tmp.write_text(json.dumps(state), encoding="utf-8")
    os.replace(tmp, folder / JOB_FILE)


class JobStore:
    """The jobs of every clinic under ``root`` (``<data dir>/exports``)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _folder(self, clinic_id: int, job_id: str) -> Path:
        return self.root / str(int(clinic_id)) / job_id

    def get(self, clinic_id: int, job_id: str) -> Job | None:
        if not _JOB_ID.match(job_id):
            return None
        folder = self._folder(clinic_id, job_id)
        try:
            state = json.loads((folder / JOB_FILE).read_text(encoding="utf-8"))
        except (FileNotFoundError, NotADirectoryError, json.JSONDecodeError):
            return None
        return Job(job_id, folder, state)

    def running(self, clinic_id: int) -> list[str]:
        """The ids of the clinic's jobs still running."""
        folder = self.root / str(int(clinic_id))
        names = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
        jobs = (self.get(clinic_id, name) for name in names)
        return [job.id for job in jobs if job is not None and job.status == "running"]

    def remove(self, clinic_id: int, job_id: str) -> bool:
        job = self.get(clinic_id, job_id)
        if job is None:
            return False
        shutil.rmtree(job.folder, ignore_errors=True)
        return True

    def start(
        self,
        uow: ClinicUnitOfWork,
        state: JSON,
        export: Callable[[ClinicUnitOfWork, Path, Callable[[JSON], None]], JSON],
    ) -> str:
        """Create a job for ``uow``'s clinic and run ``export(uow, folder, progress)`` in
        a daemon thread; returns the job id."""
        job_id = secrets.token_urlsafe(18)
        folder = self._folder(uow.clinic_id, job_id)
        folder.mkdir(parents=True)
        state = {**state, "status": "running", "written": 0}
        _write_state(folder, state)
        runner = _Runner(folder, state, export)
        threading.Thread(target=runner.run, args=(uow,), name=f"fhir-export-{job_id[:8]}",
                         daemon=True).start()  # fmt: skip
        return job_id


class _Runner:
    def __init__(
        self,
        folder: Path,
        state: JSON,
        export: Callable[[ClinicUnitOfWork, Path, Callable[[JSON], None]], JSON],
    ) -> None:
        self.folder, self.state, self.export = folder, state, export

    def progress(self, _resource: JSON) -> None:
        self.state["written"] += 1
        if self.state["written"] % CHECK_EVERY == 0:
            if not (self.folder / JOB_FILE).is_file():
                raise Cancelled
            _write_state(self.folder, self.state)

    def run(self, uow: ClinicUnitOfWork) -> None:
        try:
            self.export(uow, self.folder, self.progress)
        except Exception as exc:  # the job reports it; the thread must not die loudly
            if not (self.folder / JOB_FILE).is_file() or isinstance(exc, Cancelled):
                shutil.rmtree(self.folder, ignore_errors=True)
                return
            log.exception("bulk export %s failed", self.folder.name, exc_info=exc)
            self.state |= {"status": "failed", "error": "the export failed; it was logged"}
        else:
            self.state["status"] = "done"
        if self.folder.is_dir():
            _write_state(self.folder, self.state)
