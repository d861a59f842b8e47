"""The embedded AWS (moto): S3, SQS and SES for one sandbox.

In-process, moto's mock intercepts boto3 in the whole process; with an
endpoint URL, the same adapters talk to moto's threaded server instead.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import boto3
from botocore.config import Config

from simulator.adapters.s3 import S3Files
from simulator.adapters.ses import SesMail
from simulator.adapters.sqs import SqsQueues
from simulator.service.outputs import SENDER

REGION = "us-east-1"


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
