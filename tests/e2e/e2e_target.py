"""One way to drive a sandbox end to end, whichever mode serves it.

A `Target` is a base URL and an AWS endpoint: an in-process `Sandbox`
(endpoint None, boto3 reaches moto's in-process mock) or a real
`bakkt-sim serve` subprocess (endpoint = its `aws` URL). Tests use only
`requests` and boto3 through it, so each test is written once and runs in
both modes.
"""
from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import boto3
import requests

from simulator import Sandbox
from simulator.adapters.naming import REGION
from simulator.engine.streams import seeded_uuid

SEED = 11
START = "2026-03-02T14:00:00Z"
"""A Monday, 08:00 CST: an hour before the 09:00 CT settlement cutoff."""
START_MILLIS = "2026-03-02T14:00:00.000Z"
CUTOFF = "2026-03-02T15:00:00Z"
"""09:00 CT on the start day (CST, UTC-6): the settlement files of 2026-03-02 are written then."""
API = "/apex-crypto/api/v2"
CONTROL = "/sandbox/v1"
UNAUTHORIZED = {"code": 401, "message": "Unauthorized"}
DUPLICATE_TRANSACTION = "Duplicate clientTransactionId; the allocation request already exists"
INVESTORS = {"count": 3, "prefix": "INV", "holdings": {"BTC": "0.5"}, "cash": "1000.00"}
READY_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0
HTTP_TIMEOUT = 30.0
RECEIVE_TIMEOUT = 5.0
"""Events are in the queue when the request that published them answers: this only bounds a failing wait."""


def uid(name: str) -> str:
    """A stable UUID per name, so two runs send the same ids."""
    return str(seeded_uuid(0, name))


def expect(response: requests.Response, status: int) -> Any:
    assert response.status_code == status, (
        f"{response.request.method} {response.url}: {response.status_code} {response.text[:500]}"
    )
    return response.json()


def new_session() -> requests.Session:
    """A session that ignores proxy settings of the environment: every target is local."""
    session = requests.Session()
    session.trust_env = False
    return session


@dataclass
class Target:
    """Where the sandbox answers: the API base URL and the AWS endpoint (None in-process)."""

    mode: str
    base_url: str
    aws_endpoint: str | None
    http: requests.Session = field(default_factory=new_session)

    def aws(self, service: str) -> Any:
        return boto3.client(
            service,
            region_name=REGION,
            endpoint_url=self.aws_endpoint,
            aws_access_key_id="x",
            aws_secret_access_key="x",
        )

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
        params: dict[str, Any] | None = None,
        session: requests.Session | None = None,
    ) -> requests.Response:
        http = session if session is not None else self.http
        return http.request(
            method,
            f"{self.base_url}{path}",
            json=body,
            data=data,
            headers=headers,
            params=params,
            timeout=HTTP_TIMEOUT,
        )

    # control API

    def control(self, method: str, path: str, body: Any = None, **query: Any) -> requests.Response:
        return self.request(method, f"{CONTROL}{path}", body, params=query or None)

    def advance(self, **body: Any) -> dict[str, Any]:
        answer: dict[str, Any] = expect(self.control("POST", "/clock/advance", body), 200)
        return answer

    def now(self) -> str:
        return str(expect(self.control("GET", "/clock"), 200)["now"])

    def reset(self, seed: int) -> dict[str, Any]:
        answer: dict[str, Any] = expect(self.control("POST", "/reset", {"seed": seed}), 200)
        return answer

    def journal(self, client_id: str) -> list[dict[str, Any]]:
        """Every envelope of the client's journal (`GET /sandbox/v1/events`), in order."""
        entries = expect(self.control("GET", "/events", client=client_id, after=0, limit=10_000), 200)["events"]
        return [entry["event"] for entry in entries]

    def login(self, logon_id: str, password: str) -> requests.Response:
        return self.request("POST", f"{API}/login", {"logonId": logon_id, "password": password})

    def provision(self, client_id: str, *, accounts: dict[str, Any] | None = None, **settings: Any) -> Client:
        """Provision a client, optionally create investors, and log in."""
        provisioning = expect(self.control("POST", "/clients", {"clientId": client_id, **settings}), 201)
        if accounts is not None:
            expect(self.control("POST", f"/clients/{client_id}/accounts", accounts), 201)
        token = expect(self.login(provisioning["logonId"], provisioning["password"]), 200)["token"]
        return Client(self, provisioning, token)


@dataclass
class Client:
    """One provisioned client, logged in, reaching the API and its queue and bucket."""

    target: Target
    provisioning: dict[str, Any]
    token: str

    @property
    def client_id(self) -> str:
        return str(self.provisioning["clientId"])

    @property
    def queue_url(self) -> str:
        return str(self.provisioning["queueUrl"])

    @property
    def bucket(self) -> str:
        return str(self.provisioning["bucket"])

    def request(
        self, method: str, path: str, body: Any = None, *, session: requests.Session | None = None
    ) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token}"}
        return self.target.request(method, f"{API}{path}", body, headers=headers, session=session)

    def get(self, path: str) -> requests.Response:
        return self.request("GET", path)

    def post(self, path: str, body: Any, *, session: requests.Session | None = None) -> requests.Response:
        return self.request("POST", path, body, session=session)

    def open_batch(self, batch_id: str, symbol: str = "BTCUSD", batch_type: str = "NOTIONAL") -> dict[str, Any]:
        body = {"batchTransactionId": batch_id, "symbol": symbol, "type": batch_type}
        answer: dict[str, Any] = expect(self.post("/allocation/trade/batch/open", body), 200)
        return answer

    def allocate_request(
        self,
        batch_id: str,
        transaction_id: str,
        account: str,
        amount: str = "10",
        side: str = "BUY",
        *,
        session: requests.Session | None = None,
    ) -> requests.Response:
        body = {
            "account": account,
            "amount": amount,
            "batchTransactionId": batch_id,
            "clientTransactionId": transaction_id,
            "side": side,
            "symbol": "BTCUSD",
        }
        return self.post("/allocation/trade/batch/allocate", body, session=session)

    def allocate(self, batch_id: str, transaction_id: str, account: str, amount: str = "10", side: str = "BUY") -> Any:
        return expect(self.allocate_request(batch_id, transaction_id, account, amount, side), 200)

    def close_batch(self, batch_id: str, count: int) -> requests.Response:
        return self.post("/allocation/trade/batch/close", {"batchTransactionId": batch_id, "allocations": count})

    def batch(self, batch_id: str) -> requests.Response:
        return self.get(f"/allocation/trade/batch/{batch_id}")

    def allocation(self, transaction_id: str) -> requests.Response:
        return self.get(f"/allocation/trade/batch/allocate/{transaction_id}")

    # the client's AWS resources

    def receive_messages(self, count: int) -> list[dict[str, Any]]:
        """Up to `count` SQS messages, read with long polling (WaitTimeSeconds=1), not deleted."""
        sqs = self.target.aws("sqs")
        messages: list[dict[str, Any]] = []
        deadline = time.monotonic() + RECEIVE_TIMEOUT
        while len(messages) < count and time.monotonic() < deadline:
            answer = sqs.receive_message(
                QueueUrl=self.queue_url, MaxNumberOfMessages=min(10, count - len(messages)), WaitTimeSeconds=1
            )
            messages += answer.get("Messages", [])
        return messages

    def delete_messages(self, messages: list[dict[str, Any]]) -> None:
        sqs = self.target.aws("sqs")
        for message in messages:
            sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])

    def receive(self, count: int) -> list[dict[str, Any]]:
        """Read `count` events from the queue and delete them; the envelopes, in arrival order."""
        messages = self.receive_messages(count)
        self.delete_messages(messages)
        return [json.loads(message["Body"]) for message in messages]

    def queue_is_empty(self) -> bool:
        answer = self.target.aws("sqs").receive_message(QueueUrl=self.queue_url, WaitTimeSeconds=0)
        return not answer.get("Messages")

    def s3_text(self, key: str) -> str:
        body: bytes = self.target.aws("s3").get_object(Bucket=self.bucket, Key=key)["Body"].read()
        return body.decode("utf-8")


@contextmanager
def inprocess_target(seed: int = SEED) -> Iterator[Target]:
    with Sandbox(seed=seed, start=START) as sb:
        yield Target("inprocess", sb.base_url, sb.aws_endpoint)


# `bakkt-sim serve` subprocesses


def bakkt_sim() -> list[str]:
    """The installed console script beside this interpreter, or the module through it."""
    beside = Path(sys.executable).with_name("bakkt-sim")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("bakkt-sim")
    if found is not None:
        return [found]
    return [sys.executable, "-c", "from simulator.cli import main; main()"]


def serve_command(args: Sequence[str]) -> list[str]:
    return [*bakkt_sim(), "serve", *args]


@dataclass
class ServerProcess:
    """A running `bakkt-sim serve`; stderr goes to a file, read when something fails."""

    process: subprocess.Popen[str]
    ready_line: str
    stderr: IO[str]

    @property
    def ready(self) -> dict[str, str]:
        answer: dict[str, str] = json.loads(self.ready_line)
        return answer

    def target(self) -> Target:
        return Target("server", self.ready["api"], self.ready["aws"])

    def fresh_target(self, seed: int = SEED) -> Target:
        """This server reset to an empty sandbox with `seed`; the reset answers the start instant."""
        target = self.target()
        assert target.reset(seed) == {"now": START_MILLIS, "seed": seed}
        return target

    def stderr_text(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read()

    def stop(self, sig: int = signal.SIGTERM) -> int:
        """Send the signal and wait for the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            code = self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"bakkt-sim serve did not stop on signal {sig}:\n{self.stderr_text()}") from None
        finally:
            if self.process.stdout is not None:
                self.process.stdout.close()
        return code

    def kill(self) -> None:
        """kill -9, as a crash would."""
        self.stop(signal.SIGKILL)


def start_server(*args: str) -> ServerProcess:
    """Start `bakkt-sim serve --port 0 ARGS` and wait for its ready line on stdout."""
    stderr = tempfile.TemporaryFile(mode="w+", encoding="utf-8")
    process = subprocess.Popen(
        serve_command(["--port", "0", *args]),
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    readable, _, _ = select.select([process.stdout], [], [], READY_TIMEOUT)
    line = process.stdout.readline() if readable else ""
    server = ServerProcess(process, line, stderr)
    if not line.strip():
        if process.poll() is None:
            server.kill()
        raise AssertionError(f"bakkt-sim serve {' '.join(args)} printed no ready line:\n{server.stderr_text()}")
    return server


@dataclass(frozen=True)
class Refusal:
    code: int
    stdout: str
    stderr: str


def run_serve_expecting_exit(*args: str) -> Refusal:
    """Run `bakkt-sim serve ARGS` that must refuse to start; its exit status and output."""
    done = subprocess.run(serve_command(["--port", "0", *args]), capture_output=True, text=True, timeout=30)
    return Refusal(done.returncode, done.stdout, done.stderr)
