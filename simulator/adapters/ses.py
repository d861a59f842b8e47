"""Notification emails on the embedded SES.

The sender is verified through boto3 like any client would; messages go
straight to moto's SES backend, the step moto's SendEmail ends with, since a
boto3 round trip costs milliseconds per email and a busy simulated day sends
thousands. The sandbox's mail journal is the truth: an address SES refuses
is logged, never allowed to stop the simulation.
"""
from __future__ import annotations

import logging
from typing import Any

from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.ses.exceptions import SesError
from moto.ses.models import ses_backends

log = logging.getLogger(__name__)
REGION = "us-east-1"


class SesMail:
    def __init__(self, ses: Any, sender: str) -> None:
        ses.verify_email_identity(EmailAddress=sender)

    def send(self, sender: str, to: str, subject: str, body: str) -> None:
        try:
            ses_backends[DEFAULT_ACCOUNT_ID][REGION].send_email(sender, subject, body, {"ToAddresses": [to]})
        except SesError as exc:
            log.warning("the embedded SES refused an email to %s: %s", to, exc)
