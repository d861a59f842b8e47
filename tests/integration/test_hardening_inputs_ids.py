"""Identifiers that a path names are printable ASCII without `/`, at most 128 characters
(64 for clientOrderId, the reference's limit); otherwise 400 naming the field, 422 on
POST /accounts (CONTRACT section 15, "Inputs").

An id that passes must be reachable: each accepted id is read back through
the path that names it.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from sandbox_session import START, Client, connect, control, expect, uid

from simulator import Sandbox

NOT_PATH_SEGMENTS = ["a/b", "/", "", "a\nb", "tab\there", "nul\x00", "del\x7f", "caf\u00e9", "\U0001f4a9", "x" * 129]
PATH_SEGMENTS = ["a b", "~!@#$%^&*()_+`-={}|[]\\:\";'<>?,.", "%2F", "x" * 64]
GTC = {
    "account": "INV00001", "symbol": "BTCUSD", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
    "price": "1000", "quantity": "0.01",
}  # fmt: skip
OWNER = {"emailAddress": "ada@acme.test"}


@pytest.fixture(scope="module")
def module_sandbox() -> Iterator[Sandbox]:
    with Sandbox(seed=29, start=START) as sb:
        yield sb


@pytest.fixture(scope="module")
def client(module_sandbox: Sandbox) -> Client:
    return connect(module_sandbox, "acme", accounts={"count": 1, "cash": "100000"})


def segment(identifier: str) -> str:
    return quote(identifier, safe="")


# clientOrderId


@pytest.mark.parametrize("order_id", [*NOT_PATH_SEGMENTS, "x" * 65])
def test_an_order_id_that_is_no_path_segment_is_refused(client: Client, order_id: str) -> None:
    response = client.post("/orders", {**GTC, "clientOrderId": order_id})
    assert expect(response, 400)["message"].startswith("clientOrderId: ")


def test_a_gtc_order_with_a_slash_is_refused_rather_than_left_uncancellable(client: Client) -> None:
    """The issue's case: `a/b` rested for good, since no path can name it."""
    assert expect(client.post("/orders", {**GTC, "clientOrderId": "a/b"}), 400) == {
        "code": 400,
        "message": "clientOrderId: must be printable ASCII without /",
    }


@pytest.mark.parametrize("order_id", PATH_SEGMENTS)
def test_an_accepted_order_id_can_be_read_and_cancelled(client: Client, order_id: str) -> None:
    expect(client.post("/orders", {**GTC, "clientOrderId": order_id}), 201)
    assert expect(client.get(f"/orders/{segment(order_id)}"), 200)["request"]["clientOrderId"] == order_id
    expect(client.post(f"/orders/{segment(order_id)}/cancel", {"id": uid(f"cancel {order_id}")}), 200)
    assert expect(client.get(f"/orders/{segment(order_id)}"), 200)["status"] == "COMPLETE"


# account ids: POST /accounts, and the control API's bulk creation


@pytest.mark.parametrize("account_id", NOT_PATH_SEGMENTS)
def test_a_vendor_account_id_that_is_no_path_segment_is_a_422(client: Client, account_id: str) -> None:
    answer = expect(client.post("/accounts", {"clientAccountId": account_id, "owners": [OWNER]}), 422)
    assert [entry["field"] for entry in answer["validationErrors"]] == ["clientAccountId"]


@pytest.mark.parametrize("account_id", [*PATH_SEGMENTS, "y" * 128])
def test_an_accepted_vendor_account_id_can_be_read(client: Client, account_id: str) -> None:
    account_id = f"v-{account_id}"[:128]
    expect(client.post("/accounts", {"clientAccountId": account_id, "owners": [OWNER]}), 200)
    assert expect(client.get(f"/accounts/{segment(account_id)}"), 200)["id"] == account_id
    assert expect(client.get(f"/accounts/{segment(account_id)}/status"), 200)["canTradeCrypto"] is True


@pytest.mark.parametrize("account_id", NOT_PATH_SEGMENTS)
def test_a_control_account_id_that_is_no_path_segment_is_refused(client: Client, account_id: str) -> None:
    response = control(client.sb, "POST", f"/clients/{client.client_id}/accounts", {"accounts": [{"id": account_id}]})
    assert expect(response, 400)["message"].startswith("accounts.0.id: ")


@pytest.mark.parametrize("account_id", [*PATH_SEGMENTS, "z" * 128])
def test_an_accepted_control_account_id_can_be_read(client: Client, account_id: str) -> None:
    account_id = f"c-{account_id}"[:128]
    body = {"accounts": [{"id": account_id, "holdings": {"BTC": "1"}}]}
    assert add(client, body) == [account_id]
    path = f"/clients/{client.client_id}/accounts/{segment(account_id)}"
    assert expect(control(client.sb, "GET", path), 200)["holdings"] == {"BTC": "1"}
    assert expect(control(client.sb, "POST", f"{path}/deposit", {"currency": "BTC", "quantity": "1"}), 200)["holdings"] == {"BTC": "2"}


@pytest.mark.parametrize("prefix", ["a/b", "", "a b", "x" * 21])
def test_a_prefix_off_its_pattern_is_refused(client: Client, prefix: str) -> None:
    response = control(client.sb, "POST", f"/clients/{client.client_id}/accounts", {"count": 1, "prefix": prefix})
    assert expect(response, 400)["message"].startswith("prefix: ")


def add(client: Client, body: dict[str, Any]) -> list[str]:
    ids: list[str] = expect(control(client.sb, "POST", f"/clients/{client.client_id}/accounts", body), 201)["accounts"]
    return ids


def test_an_id_given_twice_in_one_request_is_refused_and_creates_nothing(client: Client) -> None:
    body = {"accounts": [{"id": "twice", "holdings": {"BTC": "1"}}, {"id": "once"}, {"id": "twice"}]}
    response = control(client.sb, "POST", f"/clients/{client.client_id}/accounts", body)
    assert expect(response, 400)["message"] == "accounts: account twice is given twice"
    for account in ("twice", "once"):
        assert control(client.sb, "GET", f"/clients/{client.client_id}/accounts/{account}").status_code == 400


def test_a_generated_id_skips_the_ids_the_same_request_gives(client: Client) -> None:
    """`{}` first would have been DUP00001, then overwritten by the explicit DUP00001 with its holdings."""
    body = {"prefix": "DUP", "accounts": [{"cash": "5"}, {"id": "DUP00001", "holdings": {"BTC": "1"}}]}
    assert add(client, body) == ["DUP00002", "DUP00001"]
    path = f"/clients/{client.client_id}/accounts"
    balances = [expect(control(client.sb, "GET", f"{path}/{account}"), 200) for account in ("DUP00002", "DUP00001")]
    assert [(b["cash"], b["holdings"]) for b in balances] == [("5", {}), ("0", {"BTC": "1"})]


# batch and transaction ids are UUIDs


GIFT = {"account": "INV00001", "currency": "BTC", "notional": "1"}


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/allocation/trade/batch/open", {"batchTransactionId": "a/b", "symbol": "BTCUSD", "type": "NOTIONAL"}, "batchTransactionId"),
        ("/allocation/gift", {**GIFT, "clientTransactionId": "a/b"}, "clientTransactionId"),
    ],
)
def test_batch_and_transaction_ids_are_uuids(client: Client, path: str, body: dict[str, Any], field: str) -> None:
    assert expect(client.post(path, body), 400)["message"].startswith(f"{field}: must be a UUID")
