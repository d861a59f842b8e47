"""Control API: clients, investor accounts, balances, and refused advances (CONTRACT sections 3 and 12).

These tests share one sandbox; each works on a client of its own.
"""
from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from sandbox_session import START, Client, add_accounts, connect, control, expect, login, provision, sqs_client

from simulator import Sandbox

_client_numbers = itertools.count(1)


@pytest.fixture(scope="module")
def module_sandbox() -> Iterator[Sandbox]:
    with Sandbox(seed=19, start=START) as sb:
        yield sb


@pytest.fixture
def client(module_sandbox: Sandbox) -> Client:
    """A new client with INV00001..INV00002, each holding 0.5 BTC."""
    return connect(module_sandbox, f"client-{next(_client_numbers)}", accounts={"count": 2, "holdings": {"BTC": "0.5"}})


def accounts_path(client: Client, account: str = "") -> str:
    return f"/clients/{client.client_id}/accounts" + (f"/{account}" if account else "")


# clients


@pytest.mark.parametrize("client_id", ["ab", "a1", "0-x", "acme-prod-2", "a" + "b" * 40])
def test_provisioning_answers_credentials_and_resources(module_sandbox: Sandbox, client_id: str) -> None:
    answer = provision(module_sandbox, client_id)
    assert set(answer) == {"clientId", "logonId", "password", "firmAllocationAccount", "giftAccount", "bucket", "queueUrl"}
    assert answer["clientId"] == client_id
    assert answer["firmAllocationAccount"] and answer["giftAccount"]
    assert sqs_client().get_queue_attributes(QueueUrl=answer["queueUrl"], AttributeNames=["All"])["Attributes"]
    assert expect(login(module_sandbox, answer["logonId"], answer["password"]), 200)["token"]


@pytest.mark.parametrize(
    "client_id",
    ["", "a", "-ab", "Ab", "ab_c", "ab.c", "ab c", "a" + "b" * 41, "\u00fcber", "acme\n", "\nacme", "acme/x", 42, None],
)
def test_a_client_id_off_the_pattern_is_400(module_sandbox: Sandbox, client_id: Any) -> None:
    response = control(module_sandbox, "POST", "/clients", {"clientId": client_id})
    assert expect(response, 400)["code"] == 400
    assert "clientId" in response.json()["message"]


def test_a_duplicate_client_is_400_and_keeps_the_first(module_sandbox: Sandbox) -> None:
    first = provision(module_sandbox, "twice")
    assert expect(control(module_sandbox, "POST", "/clients", {"clientId": "twice"}), 400)["code"] == 400
    assert login(module_sandbox, first["logonId"], first["password"]).status_code == 200


def test_accounts_not_asked_for_are_null(module_sandbox: Sandbox) -> None:
    answer = provision(module_sandbox, "bare", firmAllocationAccount=False, giftAccount=False)
    assert answer["firmAllocationAccount"] is None
    assert answer["giftAccount"] is None


# investor accounts


def test_bulk_accounts_get_generated_ids_per_prefix(module_sandbox: Sandbox) -> None:
    provision(module_sandbox, "bulk")
    assert add_accounts(module_sandbox, "bulk", count=3) == ["INV00001", "INV00002", "INV00003"]
    assert add_accounts(module_sandbox, "bulk", count=2, prefix="INV") == ["INV00004", "INV00005"]
    assert add_accounts(module_sandbox, "bulk", count=1, prefix="VIP") == ["VIP00001"]
    listed = add_accounts(module_sandbox, "bulk", accounts=[{"id": "alice"}, {"id": "bob", "holdings": {"ETH": "2"}}])
    assert listed == ["alice", "bob"]


def test_bulk_accounts_start_with_their_holdings(client: Client) -> None:
    for account in ("INV00001", "INV00002"):
        assert client.holdings(account) == {"BTC": "0.5"}
        assert expect(client.get(f"/accounts/{account}"), 200)["id"] == account


def test_an_existing_account_id_is_400(client: Client) -> None:
    response = control(client.sb, "POST", accounts_path(client), {"accounts": [{"id": "INV00001"}]})
    assert expect(response, 400)["code"] == 400
    assert client.holdings("INV00001") == {"BTC": "0.5"}


# deposits and withdrawals


@pytest.mark.parametrize("account", ["INV00002", "FIRM", "GIFT"])
def test_deposit_and_withdraw_move_the_position(client: Client, account: str) -> None:
    account = {"FIRM": client.provisioning["firmAllocationAccount"], "GIFT": client.provisioning["giftAccount"]}.get(
        account, account
    )
    path = accounts_path(client, account)
    expect(control(client.sb, "POST", f"{path}/deposit", {"currency": "ETH", "quantity": "1.25"}), 200)
    assert client.holdings(account)["ETH"] == "1.25"
    expect(control(client.sb, "POST", f"{path}/withdraw", {"currency": "ETH", "quantity": "0.25"}), 200)
    assert client.holdings(account)["ETH"] == "1"


def test_usd_cash_moves_without_touching_coin(client: Client) -> None:
    path = accounts_path(client, "INV00001")
    expect(control(client.sb, "POST", f"{path}/deposit", {"currency": "USD", "quantity": "250.50"}), 200)
    expect(control(client.sb, "POST", f"{path}/withdraw", {"currency": "USD", "quantity": "50.50"}), 200)
    assert client.holdings("INV00001") == {"BTC": "0.5"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"currency": "BTC", "quantity": 1}, "quantity"),
        ({"currency": "BTC", "quantity": "1e2"}, "quantity"),
        ({"currency": "BTC"}, "quantity"),
        ({"quantity": "1"}, "currency"),
    ],
)
def test_a_malformed_deposit_is_400(client: Client, body: dict[str, Any], field: str) -> None:
    response = control(client.sb, "POST", f"{accounts_path(client, 'INV00001')}/deposit", body)
    assert field in expect(response, 400)["message"]
    assert client.holdings("INV00001") == {"BTC": "0.5"}


# refused advances


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"to": "2026-03-02T13:59:59.999Z"}, "to"),
        ({"to": "2026-03-02T14:00:00"}, "to"),
        ({"to": "soon"}, "to"),
        ({"seconds": -1}, "seconds"),
        ({"seconds": "5"}, "seconds"),
        ({}, "seconds"),
    ],
)
def test_a_bad_advance_is_400_and_keeps_the_clock(module_sandbox: Sandbox, body: dict[str, Any], field: str) -> None:
    before = expect(control(module_sandbox, "GET", "/clock"), 200)
    response = control(module_sandbox, "POST", "/clock/advance", body)
    assert field in expect(response, 400)["message"]
    assert expect(control(module_sandbox, "GET", "/clock"), 200) == before
