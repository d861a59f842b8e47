"""Driving an in-process Sandbox the way a client's code would: `requests` and boto3."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import boto3
import requests

from simulator import Sandbox
from simulator.adapters.naming import REGION
from simulator.engine.streams import seeded_uuid

API = "/apex-crypto/api/v2"
CONTROL = "/sandbox/v1"
START = "2026-03-02T14:00:00Z"
"""A Monday, 08:00 CT: an hour before the settlement cutoff, far from maintenance."""
UNAUTHORIZED = {"code": 401, "message": "Unauthorized"}


def uid(name: str) -> str:
    """A stable UUID per name, so two runs send the same ids."""
    return seeded_uuid(0, name)


PROTECTED: list[tuple[str, str]] = [
    ("GET", "/config"),
    ("GET", "/instruments"),
    ("POST", "/accounts"),
    ("GET", "/accounts/INV00001"),
    ("GET", "/accounts/INV00001/status"),
    ("GET", "/positions/INV00001"),
    ("POST", "/allocation/trade/batch/open"),
    ("POST", "/allocation/trade/batch/allocate"),
    ("GET", f"/allocation/trade/batch/allocate/{uid('some-transaction')}"),
    ("POST", "/allocation/trade/batch/close"),
    ("GET", f"/allocation/trade/batch/{uid('some-batch')}"),
    ("POST", "/allocation/gift"),
    ("GET", f"/allocation/gift/{uid('some-transaction')}"),
]
"""Every /apex-crypto/api/v2 call but login, with sample path parameters."""


def control(sb: Sandbox, method: str, path: str, body: Any = None, **query: Any) -> requests.Response:
    return requests.request(method, f"{sb.base_url}{CONTROL}{path}", json=body, params=query or None, timeout=10)


def expect(response: requests.Response, status: int) -> Any:
    assert response.status_code == status, f"{response.request.method} {response.url}: {response.status_code} {response.text}"
    return response.json()


def provision(sb: Sandbox, client_id: str, **settings: Any) -> dict[str, Any]:
    answer: dict[str, Any] = expect(control(sb, "POST", "/clients", {"clientId": client_id, **settings}), 201)
    return answer


def add_accounts(sb: Sandbox, client_id: str, **body: Any) -> list[str]:
    ids: list[str] = expect(control(sb, "POST", f"/clients/{client_id}/accounts", body), 201)["accounts"]
    return ids


def advance(sb: Sandbox, **body: Any) -> dict[str, Any]:
    answer: dict[str, Any] = expect(control(sb, "POST", "/clock/advance", body), 200)
    return answer


def journal(sb: Sandbox, client_id: str, after: int = 0) -> dict[str, Any]:
    answer: dict[str, Any] = expect(control(sb, "GET", "/events", client=client_id, after=after), 200)
    return answer


def journal_envelopes(sb: Sandbox, client_id: str) -> list[dict[str, Any]]:
    return [entry["event"] for entry in journal(sb, client_id)["events"]]


def login(sb: Sandbox, logon_id: str, password: str) -> requests.Response:
    return requests.post(f"{sb.base_url}{API}/login", json={"logonId": logon_id, "password": password}, timeout=10)


@dataclass
class Client:
    """One provisioned client, logged in."""

    sb: Sandbox
    provisioning: dict[str, Any]
    token: str

    @property
    def client_id(self) -> str:
        return str(self.provisioning["clientId"])

    @property
    def queue_url(self) -> str:
        return str(self.provisioning["queueUrl"])

    def request(self, method: str, path: str, body: Any = None, *, raw: bytes | str | None = None) -> requests.Response:
        return requests.request(
            method,
            f"{self.sb.base_url}{API}{path}",
            json=body,
            data=raw,
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=10,
        )

    def get(self, path: str) -> requests.Response:
        return self.request("GET", path)

    def post(self, path: str, body: Any) -> requests.Response:
        return self.request("POST", path, body)

    def open_batch(self, batch_id: str, symbol: str = "BTCUSD", batch_type: str = "NOTIONAL") -> dict[str, Any]:
        body = {"batchTransactionId": batch_id, "symbol": symbol, "type": batch_type}
        answer: dict[str, Any] = expect(self.post("/allocation/trade/batch/open", body), 200)
        return answer

    def allocate(
        self,
        batch_id: str,
        transaction_id: str,
        account: str,
        amount: str,
        side: str = "BUY",
        symbol: str = "BTCUSD",
        **extra: Any,
    ) -> dict[str, Any]:
        body = {
            "account": account,
            "amount": amount,
            "batchTransactionId": batch_id,
            "clientTransactionId": transaction_id,
            "side": side,
            "symbol": symbol,
            **extra,
        }
        answer: dict[str, Any] = expect(self.post("/allocation/trade/batch/allocate", body), 200)
        return answer

    def close_batch(self, batch_id: str, count: int) -> requests.Response:
        return self.post("/allocation/trade/batch/close", {"batchTransactionId": batch_id, "allocations": count})

    def batch(self, batch_id: str) -> requests.Response:
        return self.get(f"/allocation/trade/batch/{batch_id}")

    def allocation(self, transaction_id: str) -> requests.Response:
        return self.get(f"/allocation/trade/batch/allocate/{transaction_id}")

    def holdings(self, account: str) -> dict[str, str]:
        rows = expect(self.get(f"/positions/{account}"), 200)["positions"]
        return {row["currency"]: row["current"] for row in rows}


def connect(sb: Sandbox, client_id: str, *, accounts: dict[str, Any] | None = None, **settings: Any) -> Client:
    """Provision a client, optionally bulk-create investors, and log in."""
    provisioning = provision(sb, client_id, **settings)
    if accounts is not None:
        add_accounts(sb, client_id, **accounts)
    token = expect(login(sb, provisioning["logonId"], provisioning["password"]), 200)["token"]
    return Client(sb, provisioning, token)


def sqs_client() -> Any:
    return boto3.client("sqs", region_name=REGION)


def drain_queue(queue_url: str) -> list[dict[str, Any]]:
    """Every message now in the queue, oldest first, deleted as read: the parsed bodies."""
    sqs = sqs_client()
    bodies: list[dict[str, Any]] = []
    while True:
        answer = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
        messages = answer.get("Messages", [])
        if not messages:
            return bodies
        for message in messages:
            bodies.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])


def list_files(sb: Sandbox, client_id: str) -> list[dict[str, Any]]:
    """`GET /sandbox/v1/files?client=ID`: the client's objects, `{"key", "size", "writtenAt"}`."""
    rows: list[dict[str, Any]] = expect(control(sb, "GET", "/files", client=client_id), 200)["files"]
    return rows


def list_emails(sb: Sandbox, client_id: str, **query: str) -> list[dict[str, Any]]:
    """`GET /sandbox/v1/emails?client=ID[&to=ADDR]`, in sending order."""
    rows: list[dict[str, Any]] = expect(control(sb, "GET", "/emails", client=client_id, **query), 200)["emails"]
    return rows


def s3_text(bucket: str, key: str) -> str:
    """An object of a client's bucket, read with plain boto3 as the client would."""
    body: bytes = boto3.client("s3", region_name=REGION).get_object(Bucket=bucket, Key=key)["Body"].read()
    return body.decode("utf-8")
