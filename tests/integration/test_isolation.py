"""Clients never see each other (CONTRACT section 3): foreign ids behave as missing ones."""
from __future__ import annotations

from collections.abc import Callable

import pytest
import requests
from sandbox_session import Client, add_accounts, connect, control, expect, uid

from simulator import Sandbox

ALPHA_BATCH = uid("alpha-batch")
ALPHA_TRANSACTION = uid("alpha-transaction")
MISSING = uid("never-used")


@pytest.fixture
def alpha(sandbox: Sandbox) -> Client:
    """A client with an open batch holding one PENDING allocation, and an account only it has."""
    client = connect(sandbox, "alpha", accounts={"count": 1, "holdings": {"BTC": "0.5"}})
    add_accounts(sandbox, "alpha", accounts=[{"id": "alpha-only"}])
    client.open_batch(ALPHA_BATCH)
    assert client.allocate(ALPHA_BATCH, ALPHA_TRANSACTION, "INV00001", "200")["status"] == "PENDING"
    return client


@pytest.fixture
def beta(sandbox: Sandbox, alpha: Client) -> Client:
    return connect(sandbox, "beta", accounts={"count": 1, "holdings": {"BTC": "2"}})


Probe = Callable[[Client, str, str], requests.Response]
PROBES: dict[str, tuple[Probe, str, str]] = {
    "get batch": (lambda c, batch, _: c.batch(batch), ALPHA_BATCH, MISSING),
    "close batch": (lambda c, batch, _: c.close_batch(batch, 1), ALPHA_BATCH, MISSING),
    "get allocation": (lambda c, _, transaction: c.allocation(transaction), ALPHA_TRANSACTION, MISSING),
    "get positions": (lambda c, account, _: c.get(f"/positions/{account}"), "alpha-only", "nobody"),
    "get account": (lambda c, account, _: c.get(f"/accounts/{account}"), "alpha-only", "nobody"),
    "get account status": (lambda c, account, _: c.get(f"/accounts/{account}/status"), "alpha-only", "nobody"),
}


@pytest.mark.parametrize("probe", sorted(PROBES))
def test_foreign_ids_answer_exactly_as_missing_ones(alpha: Client, beta: Client, probe: str) -> None:
    call, foreign, missing = PROBES[probe]
    as_foreign = call(beta, foreign, foreign)
    as_missing = call(beta, missing, missing)
    assert as_foreign.status_code == as_missing.status_code == 400
    assert as_foreign.json() == as_missing.json()


def test_allocating_into_a_foreign_batch_is_rejected_as_a_missing_batch(alpha: Client, beta: Client) -> None:
    into_foreign = beta.allocate(ALPHA_BATCH, uid("beta-1"), "INV00001", "200")
    into_missing = beta.allocate(MISSING, uid("beta-2"), "INV00001", "200")
    for answer in (into_foreign, into_missing):
        assert (answer["status"], answer["rejectReason"]) == ("REJECTED", "Invalid batchTransactionId")
    assert set(into_foreign) == set(into_missing)


def test_allocating_a_foreign_account_is_rejected_as_a_missing_account(alpha: Client, beta: Client) -> None:
    beta.open_batch(uid("beta-batch"))
    foreign = beta.allocate(uid("beta-batch"), uid("beta-1"), "alpha-only", "200")
    missing = beta.allocate(uid("beta-batch"), uid("beta-2"), "nobody", "200")
    assert foreign["rejectReason"] == missing["rejectReason"] == "Invalid account Id"


def test_identifiers_are_per_client(alpha: Client, beta: Client) -> None:
    own = beta.open_batch(ALPHA_BATCH)
    assert own["status"] == "OPEN"
    assert beta.allocate(ALPHA_BATCH, ALPHA_TRANSACTION, "INV00001", "50")["status"] == "PENDING"
    assert expect(beta.close_batch(ALPHA_BATCH, 1), 200)["status"] == "CLOSED"
    theirs = expect(alpha.batch(ALPHA_BATCH), 200)
    assert (theirs["status"], theirs["allocations"]) == ("OPEN", 1)
    assert theirs["id"] != own["id"]
    assert expect(alpha.allocation(ALPHA_TRANSACTION), 200)["request"]["amount"] == "200"


def test_account_ids_repeat_across_clients_independently(alpha: Client, beta: Client) -> None:
    assert alpha.holdings("INV00001") == {"BTC": "0.5"}
    assert beta.holdings("INV00001") == {"BTC": "2"}
    deposit = {"currency": "BTC", "quantity": "1"}
    expect(control(alpha.sb, "POST", "/clients/alpha/accounts/INV00001/deposit", deposit), 200)
    assert alpha.holdings("INV00001") == {"BTC": "1.5"}
    assert beta.holdings("INV00001") == {"BTC": "2"}
    assert alpha.provisioning["firmAllocationAccount"] == beta.provisioning["firmAllocationAccount"]
