"""Notification emails through the embedded SES."""
from __future__ import annotations

from typing import Any

class SesMail:
    def __init__(self, ses: Any, sender: str) -> None:
        self._ses = ses
        ses.verify_email_identity(EmailAddress=sender)

    def send(self, sender: str, to: str, subject: str, body: str) -> None:
        self._ses.send_email(
            Source=sender,
            Destination={"ToAddresses": [to]},
            Message={"Subject": {"Data": subject}, "Body": {"Text": {"Data": body}}},
        )
