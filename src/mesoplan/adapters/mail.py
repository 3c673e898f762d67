"""Email through an SMTP server (``smtplib``): one message per call, a bounded wait."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

TIMEOUT_S = 15.0


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    sender: str


def send_mail(server: SmtpServer, to: str, subject: str, body: str) -> None:
    """Send one plain-text message; an OSError or smtplib.SMTPException when it fails."""
    message = EmailMessage()
    message["From"] = server.sender
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_S) as smtp:
        smtp.send_message(message)
