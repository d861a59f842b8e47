"""A boto3 session made once a moto sandbox exists, before it starts, reaches its mock.

moto hooks botocore when it is first imported, and memory mode never imports
it, so a moto sandbox imports it as soon as it is made: sessions and clients
made from then on (a test suite's, a client library's) reach the mock. A
fresh interpreter makes the order of imports the test's own.
"""
from __future__ import annotations

import subprocess
import sys

CLIENT_CODE = """
import boto3
import simulator
sandbox = simulator.Sandbox(seed=1)
session = boto3.session.Session(aws_access_key_id="x", aws_secret_access_key="x", region_name="us-east-1")
early = session.client("sqs")
with sandbox:
    sandbox.call("POST", "/sandbox/v1/clients", {"clientId": "acme"})
    urls = early.list_queues().get("QueueUrls", []) + session.client("sqs").list_queues().get("QueueUrls", [])
print(sorted(url.rsplit("/", 1)[1] for url in urls))
"""


def test_a_session_made_before_the_sandbox_starts_reaches_the_mock() -> None:
    done = subprocess.run([sys.executable, "-c", CLIENT_CODE], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['bakkt-sandbox-acme-events', 'bakkt-sandbox-acme-events']"
