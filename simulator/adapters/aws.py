"""The embedded AWS on moto: S3, SQS and SES for one sandbox.

In-process (`InProcessMoto`), moto's mock intercepts boto3 in the whole
process, so a process holds one moto sandbox at a time (the in-process
router refuses a second); with an endpoint URL (`serve`), the same adapters
talk to moto's threaded server instead (`adapters.moto_server`).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import boto3
import responses
from botocore.config import Config
from moto import mock_aws
from moto.core.models import override_responses_real_send

from simulator.adapters.naming import REGION
from simulator.adapters.s3 import S3Files
from simulator.adapters.ses import SesMail
from simulator.adapters.sqs import SqsQueues
from simulator.service.outputs import SENDER


@cache
def shared_session() -> boto3.session.Session:
    """One session for every sandbox: its loader keeps the service models,
    which take most of the time of building a client."""
    return boto3.session.Session(aws_access_key_id="sandbox", aws_secret_access_key="sandbox", region_name=REGION)


@dataclass
class EmbeddedAws:
    queues: SqsQueues
    files: S3Files
    mail: SesMail

    @classmethod
    def connect(cls, endpoint_url: str | None = None) -> EmbeddedAws:
        session = shared_session()
        config = Config(retries={"max_attempts": 1})

        def client(service: str) -> object:
            return session.client(service, endpoint_url=endpoint_url, config=config)

        return cls(SqsQueues(client("sqs")), S3Files(client("s3")), SesMail(client("ses"), SENDER))

    def clear(self) -> None:
        """Remove the sandbox's queues, buckets and sent emails (a reset)."""
        self.queues.delete_all()
        self.files.delete_all()
        self.mail.clear()


class InProcessMoto:
    """moto's process-wide mock, started and stopped with the one moto sandbox."""

    def __init__(self) -> None:
        self._mock = mock_aws()

    def start(self, unrecognised: responses.RequestsMock) -> EmbeddedAws:
        """Activate the mock (moto starts empty) and connect the adapters to it.

        moto's mock sees every `requests` call first; those not for AWS go
        on to `unrecognised` (the in-process router), not to the network.
        """
        override_responses_real_send(unrecognised)
        self._mock.start()
        return EmbeddedAws.connect()

    def stop(self) -> None:
        self._mock.stop()
        override_responses_real_send(None)
