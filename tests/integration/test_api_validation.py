"""Malformed requests answer 400 naming the field and change nothing (CONTRACT sections 5 and 13)."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sandbox_session import START, Client, connect, journal, uid

from simulator import Sandbox

OPEN = "/allocation/trade/batch/open"
ALLOCATE = "/allocation/trade/batch/allocate"
CLOSE = "/allocation/trade/batch/close"
VALID_BODIES: dict[str, dict[str, Any]] = {
    OPEN: {"batchTransactionId": uid("v-batch"), "symbol": "BTCUSD", "type": "NOTIONAL"},
    ALLOCATE: {
        "account": "INV00001",
        "amount": "200",
        "batchTransactionId": uid("v-batch"),
        "clientTransactionId": uid("v-transaction"),
        "side": "BUY",
        "symbol": "BTCUSD",
    },
    CLOSE: {"batchTransactionId": uid("v-batch"), "allocations": 1},
}
REQUIRED = [(path, field) for path, body in VALID_BODIES.items() for field in body]
WRONG_VALUES: list[tuple[str, str, Any]] = [
    # wrong types
    (OPEN, "batchTransactionId", 42),
    (OPEN, "symbol", 5),
    (OPEN, "symbol", None),
    (OPEN, "type", ["NOTIONAL"]),
    (ALLOCATE, "amount", 5),
    (ALLOCATE, "amount", 5.5),
    (ALLOCATE, "amount", True),
    (ALLOCATE, "amount", None),
    (ALLOCATE, "account", 123),
    (ALLOCATE, "side", 1),
    (ALLOCATE, "bpsCommission", True),
    (ALLOCATE, "bpsCommission", "10"),
    (ALLOCATE, "bpsCommission", 2.5),
    (ALLOCATE, "fixedCommission", 1),
    (ALLOCATE, "fixedCommission", False),
    (CLOSE, "allocations", "3"),
    (CLOSE, "allocations", True),
    (CLOSE, "allocations", 1.5),
    (CLOSE, "allocations", None),
    (CLOSE, "allocations", [1]),
    # enums
    (ALLOCATE, "side", "HOLD"),
    (ALLOCATE, "side", "buy"),
    (OPEN, "type", "BOTH"),
    (OPEN, "type", "notional"),
    # decimals
    (ALLOCATE, "amount", "1e5"),
    (ALLOCATE, "amount", "1.2.3"),
    (ALLOCATE, "amount", "1234567890123456"),
    (ALLOCATE, "amount", "NaN"),
    (ALLOCATE, "amount", " 1"),
    (ALLOCATE, "amount", "1\n"),
    (ALLOCATE, "amount", ""),
    (ALLOCATE, "amount", "+1"),
    (ALLOCATE, "fixedCommission", "1e2"),
    (ALLOCATE, "fixedCommission", "0.1234567890123456"),
    # identifiers
    (OPEN, "batchTransactionId", "not-a-uuid"),
    (OPEN, "batchTransactionId", ""),
    (OPEN, "batchTransactionId", uid("v-batch") + "0"),
    (OPEN, "batchTransactionId", uid("v-batch") + "\n"),
    (ALLOCATE, "batchTransactionId", "12345"),
    (ALLOCATE, "clientTransactionId", "3b241101-e2bb-4255-8caf-4136c566a96g"),
    (ALLOCATE, "clientTransactionId", uid("v-transaction")[:-1]),
    (CLOSE, "batchTransactionId", "{" + uid("v-batch") + "}"),
]
NOT_OBJECTS: list[bytes] = [b"", b"not json", b"{", b"{'a': 1}", b"[]", b'[{"symbol": "BTCUSD"}]', b'"text"', b"42", b"null", b"\xff\xfe"]


@pytest.fixture(scope="module")
def module_sandbox() -> Iterator[Sandbox]:
    with Sandbox(seed=13, start=START) as sb:
        yield sb


@pytest.fixture(scope="module")
def client(module_sandbox: Sandbox) -> Client:
    return connect(module_sandbox, "acme", accounts={"count": 1, "holdings": {"BTC": "1"}})


def assert_bad_request(client: Client, path: str, *, body: Any = None, raw: bytes | None = None, mentions: str) -> None:
    """400 with `mentions` in the message, no event published, no batch created."""
    before = journal(client.sb, client.client_id)["next"]
    response = client.request("POST", path, body, raw=raw)
    assert response.status_code == 400, response.text
    answer = response.json()
    assert answer["code"] == 400
    assert mentions in answer["message"]
    assert journal(client.sb, client.client_id)["next"] == before
    assert client.batch(VALID_BODIES[OPEN]["batchTransactionId"]).json() == {"code": 400, "message": "Invalid batchTransactionId"}


@pytest.mark.parametrize(("path", "field"), REQUIRED)
def test_a_missing_field_is_named(client: Client, path: str, field: str) -> None:
    body = {key: value for key, value in VALID_BODIES[path].items() if key != field}
    assert_bad_request(client, path, body=body, mentions=field)


@pytest.mark.parametrize(("path", "field", "value"), WRONG_VALUES)
def test_a_wrong_value_is_named(client: Client, path: str, field: str, value: Any) -> None:
    assert_bad_request(client, path, body={**VALID_BODIES[path], field: value}, mentions=field)


@pytest.mark.parametrize("path", sorted(VALID_BODIES))
@pytest.mark.parametrize("raw", NOT_OBJECTS)
def test_a_body_that_is_not_a_json_object_is_400(client: Client, path: str, raw: bytes) -> None:
    assert_bad_request(client, path, raw=raw, mentions="JSON")


def test_the_valid_bodies_are_accepted(client: Client) -> None:
    """The baseline the cases above break one field at a time, on ids of its own."""
    ids = {"batchTransactionId": uid("v-baseline-batch"), "clientTransactionId": uid("v-baseline-transaction")}
    answers = [client.post(path, {**VALID_BODIES[path], **ids}) for path in (OPEN, ALLOCATE, CLOSE)]
    assert [answer.json()["status"] for answer in answers] == ["OPEN", "PENDING", "CLOSED"]
