"""Email reminders before a session, through a local SMTP server the test starts
(aiosmtpd): only to patients who opted in, once per session, saying no more than when."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes, policy
from typing import Any

import pytest

from mesoplan.adapters.mail import SmtpServer
from mesoplan.domain.record_errors import RefusedError
from mesoplan.services import reminders, schedule_changes
from mesoplan.services.unit_of_work import UnitOfWork

from .conftest import Clock
from .records_factory import DR, add_patient, start_course, world


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[SmtpServer, Inbox]]:
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", port, "clinic@example.invalid"), inbox
    finally:
        controller.stop()


def _with_email(uow: UnitOfWork, patient_id: int, email: str) -> None:
    with uow:
        uow.people.patient(patient_id).email = email
        uow.commit()


def test_opted_in_patients_get_one_reminder_per_session(
    uow: UnitOfWork, clock: Clock, smtp: tuple[SmtpServer, Inbox]
) -> None:
    server, inbox = smtp
    w = world(uow)
    other = add_patient(uow, "Bianco")
    start_course(uow, other)
    _with_email(uow, w.patient_id, "alice@example.invalid")
    _with_email(uow, other, "bianca@example.invalid")  # never opted in
    reminders.set_opt_in(uow, DR, w.patient_id, True)
    clock.advance(days=6, hours=12)  # Sunday 9 March 21:00 Rome: session 2 is tomorrow 10:00
    run = reminders.send_reminders(uow, DR, server, hours_ahead=24)
    assert [(r.patient_id, r.number) for r in run.sent] == [(w.patient_id, 2)] and run.failed == ()
    (message,) = inbox.messages
    assert message["To"] == "alice@example.invalid"
    assert message["From"] == "clinic@example.invalid"
    body = message.get_content()
    assert "Monday 10 March 2025 at 10:00" in body and "Demo Clinic" in body
    for secret in ("cellulite", "Cellulite", "thigh", "Tefamin"):
        assert secret not in body and secret not in message["Subject"]
    assert reminders.send_reminders(uow, DR, server).sent == ()  # once per session
    schedule_changes.move_session(
        uow, DR, w.course_id, 2, clock.now.date() + timedelta(days=2), "x"
    )
    clock.advance(days=1)
    again = reminders.send_reminders(uow, DR, server)
    assert [(r.number, r.start.isoformat()) for r in again.sent] == [
        (2, "2025-03-11T10:00:00+01:00")
    ]
    reminders.set_opt_in(uow, DR, w.patient_id, False)
    clock.advance(days=7)
    assert reminders.send_reminders(uow, DR, server, hours_ahead=48).sent == ()
    assert len(inbox.messages) == 2


def test_a_refusing_server_leaves_the_reminder_for_the_next_run(
    uow: UnitOfWork, clock: Clock
) -> None:
    w = world(uow)
    _with_email(uow, w.patient_id, "alice@example.invalid")
    reminders.set_opt_in(uow, DR, w.patient_id, True)
    clock.advance(days=6, hours=12)
    nobody = SmtpServer("127.0.0.1", _free_port(), "clinic@example.invalid")
    run = reminders.send_reminders(uow, DR, nobody)
    assert run.sent == () and len(run.failed) == 1
    with pytest.raises(RefusedError, match="hours ahead"):
        reminders.send_reminders(uow, DR, nobody, hours_ahead=0)


def test_opting_in_needs_an_email_address(uow: UnitOfWork) -> None:
    w = world(uow)
    with uow:
        uow.people.patient(w.patient_id).email = None
        uow.commit()
    with pytest.raises(RefusedError, match="no email address"):
        reminders.set_opt_in(uow, DR, w.patient_id, True)
