"""Control API bodies: unknown fields and non-numbers are refused, bulk creation is capped, and
`s3.failPuts` is checked (CONTRACT sections 12 and 15, "Inputs").

The refusals share one sandbox: each must leave it as it was, which the
tests check where a refusal could have changed something.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sandbox_session import START, control, expect, provision

from simulator import Sandbox

CLIENT = "acme"
ACCOUNTS = f"/clients/{CLIENT}/accounts"
DEPOSIT = f"{ACCOUNTS}/INV00001/deposit"
CLIENT_FIELDS = "clientId, fundingModel, commission, firmAllocationAccount, giftAccount, branding, financeEmails"


@pytest.fixture(scope="module")
def module_sandbox() -> Iterator[Sandbox]:
    with Sandbox(seed=23, start=START) as sb:
        provision(sb, CLIENT)
        expect(control(sb, "POST", f"/clients/{CLIENT}/accounts", {"count": 1}), 201)
        yield sb


def refused(sb: Sandbox, path: str, body: Any) -> str:
    message: str = expect(control(sb, "POST", path, body), 400)["message"]
    return message


# unknown fields


def test_a_misspelt_client_field_is_named_with_the_known_ones(module_sandbox: Sandbox) -> None:
    """The issue's case: `fundingModle: APEX_TPJ` used to provision a NET_SETTLEMENT client."""
    message = refused(module_sandbox, "/clients", {"clientId": "typo", "fundingModle": "APEX_TPJ"})
    assert message == f"fundingModle: unknown field; known fields: {CLIENT_FIELDS}"
    assert provision(module_sandbox, "typo", fundingModel="APEX_TPJ")["clientId"] == "typo"


@pytest.mark.parametrize(
    ("path", "body", "field", "known"),
    [
        ("/clients", {"clientId": "n1", "commission": {"modle": "MARKUP"}}, "commission.modle", "model, bps"),
        ("/clients", {"clientId": "n2", "branding": {"logo": "x"}}, "branding.logo", "logoUrl, ctaUrl, contactEmail"),
        (ACCOUNTS, {"count": 1, "prefx": "VIP"}, "prefx", "count, prefix, holdings, cash, accounts"),
        (ACCOUNTS, {"accounts": [{"id": "n3"}, {"mail": "a@acme.test"}]}, "accounts.1.mail", "id, email, holdings, cash"),
        (DEPOSIT, {"currency": "BTC", "quantity": "1", "memo": "x"}, "memo", "currency, quantity"),
        (f"{ACCOUNTS}/INV00001/withdraw", {"currency": "BTC", "quantity": "1", "qty": "1"}, "qty", "currency, quantity"),
        ("/market/BTCUSD", {"price": "1", "volatilty": 0}, "volatilty", "price, volatility, spreadBps, outage, sizes"),
        ("/faults", {"queue": {"duplicateRate": 1, "maxDelay": 5}}, "queue.maxDelay", "duplicateRate, maxDelaySeconds"),
        ("/faults", {"s3": {"failPut": 1}}, "s3.failPut", "failPuts"),
        ("/faults", {"fill": {"latencyMs": 1}}, "fill", "queue, s3, fills, api"),
        ("/faults", {"api": {"errrorRate": 1}}, "api.errrorRate", "errorRate, status, latencyMs, lostResponseRate"),
        ("/clock/advance", {"seconds": 1, "secs": 1}, "secs", "seconds, to"),
        ("/reset", {"seed": 1, "sede": 2}, "sede", "seed"),
    ],
)
def test_an_unknown_field_is_refused_and_changes_nothing(
    module_sandbox: Sandbox, path: str, body: dict[str, Any], field: str, known: str
) -> None:
    before = snapshot(module_sandbox)
    assert refused(module_sandbox, path, body) == f"{field}: unknown field; known fields: {known}"
    assert snapshot(module_sandbox) == before


def snapshot(sb: Sandbox) -> dict[str, Any]:
    """What the refused bodies above would have changed: clock, balances, market, faults, clients, accounts."""
    return {
        "clock": control(sb, "GET", "/clock").json(),
        "balances": control(sb, "GET", f"/clients/{CLIENT}/accounts/INV00001").json(),
        "n3": control(sb, "GET", f"/clients/{CLIENT}/accounts/n3").status_code,
        "market": control(sb, "GET", "/market/BTCUSD").json(),
        "faults": control(sb, "POST", "/faults", {}).json(),
        "clients": [control(sb, "GET", "/events", client=client).status_code for client in ("n1", "n2")],
    }


# numbers are JSON numbers


@pytest.mark.parametrize("value", [True, "+10", " 10", "10", "0.5", [1]])
@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/market/BTCUSD", "volatility"),
        ("/market/BTCUSD", "spreadBps"),
        ("/faults", "queue.duplicateRate"),
        ("/faults", "queue.maxDelaySeconds"),
        ("/faults", "s3.failPuts"),
        ("/faults", "fills.latencyMs"),
        ("/faults", "api.errorRate"),
        ("/faults", "api.lostResponseRate"),
        ("/faults", "api.latencyMs"),
        ("/faults", "api.status"),
        ("/clock/advance", "seconds"),
        (ACCOUNTS, "count"),
        ("/clients", "commission.bps"),
        ("/reset", "seed"),
    ],
)
def test_a_number_sent_as_anything_else_is_refused(module_sandbox: Sandbox, path: str, field: str, value: Any) -> None:
    body: dict[str, Any] = {"clientId": "numbers"} if path == "/clients" else {}
    *groups, name = field.split(".")
    target = body
    for group in groups:
        target = target.setdefault(group, {})
    target[name] = value
    assert refused(module_sandbox, path, body).startswith(f"{field}: ")


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/market/BTCUSD", {"volatility": 0.5, "spreadBps": 10}),
        ("/faults", {"queue": {"duplicateRate": 0, "maxDelaySeconds": 1.5}, "api": {"errorRate": 0, "status": 429}}),
        ("/clock/advance", {"seconds": 1.25}),
    ],
)
def test_integers_and_fractions_are_numbers(module_sandbox: Sandbox, path: str, body: dict[str, Any]) -> None:
    expect(control(module_sandbox, "POST", path, body), 200)


@pytest.mark.parametrize("status", [400, 428, 499, 600])
def test_an_api_fault_status_is_429_or_5xx(module_sandbox: Sandbox, status: int) -> None:
    assert refused(module_sandbox, "/faults", {"api": {"status": status}}) == "api.status: must be 429 or a 5xx status"


# bulk account creation


def test_bulk_creation_takes_at_most_ten_thousand_accounts(module_sandbox: Sandbox) -> None:
    provision(module_sandbox, "bulk")
    path = "/clients/bulk/accounts"
    assert refused(module_sandbox, path, {"count": 10_001}).startswith("count: ")
    assert refused(module_sandbox, path, {"accounts": [{}] * 10_001}).startswith("accounts: ")
    created = expect(control(module_sandbox, "POST", path, {"count": 10_000}), 201)["accounts"]
    assert (len(created), created[0], created[-1]) == (10_000, "INV00001", "INV10000")


@pytest.mark.parametrize(
    "body", [{}, {"count": 1, "accounts": [{}]}, {"count": None}, {"accounts": None, "prefix": "X"}]
)
def test_bulk_creation_needs_exactly_one_of_count_and_accounts(module_sandbox: Sandbox, body: dict[str, Any]) -> None:
    assert refused(module_sandbox, ACCOUNTS, body) == 'give exactly one of "count" or "accounts"'


# the s3.failPuts fault


@pytest.mark.parametrize("value", [-1, 1001, 1.5, None])
def test_fail_puts_is_a_whole_number_up_to_a_thousand(module_sandbox: Sandbox, value: Any) -> None:
    assert refused(module_sandbox, "/faults", {"s3": {"failPuts": value}}).startswith("s3.failPuts: ")
