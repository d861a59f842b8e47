"""Notification emails on the embedded SES.

The sender is verified through boto3 like any client would; messages go
straight to moto's SES backend, the step moto's SendEmail ends with, since a
boto3 round trip costs milliseconds per email and a busy simulated day sends
thousands. The sandbox's mail journal is the truth: an address SES refuses
is logged, never allowed to stop the simulation. A reset of the embedded AWS
forgets the verified sender, so a send it refuses for that verifies it again
and tries once more.
"""
from __future__ import annotations

import logging
from typing import Any

from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.ses.exceptions import MessageRejectedError, SesError
from moto.ses.models import SESBackend, ses_backends

from simulator.adapters.naming import REGION

log = logging.getLogger(__name__)


class SesMail:
    def __init__(self, ses: Any, sender: str) -> None:
        self._ses = ses
        self._sender = sender
        ses.verify_email_identity(EmailAddress=sender)

    @staticmethod
    def _backend() -> SESBackend:
        return ses_backends[DEFAULT_ACCOUNT_ID][REGION]

    def send(self, sender: str, to: str, subject: str, body: str) -> None:
        destinations = {"ToAddresses": [to]}
        try:
            try:
                self._backend().send_email(sender, subject, body, destinations)
            except MessageRejectedError:
                self._ses.verify_email_identity(EmailAddress=sender)
                self._backend().send_email(sender, subject, body, destinations)
        except SesError as exc:
            log.warning("the embedded SES refused an email to %s: %s", to, exc)

    def clear(self) -> None:
        """Forget every email sent (a reset): the embedded SES starts empty, like the sandbox."""
        backend = self._backend()
        backend.sent_messages.clear()
        backend.sent_message_count = 0
