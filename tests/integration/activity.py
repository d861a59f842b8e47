"""Investor activity for the email and statement tests: a batch, an order, a gift."""
from __future__ import annotations

from typing import Any

from sandbox_session import Client, advance, control, expect, uid

FIXED_MARKET = {"price": "43000.00", "volatility": 0, "spreadBps": 10}
"""BTC's mid fixed at 43000, LP-ALPHA 10 bps wide: prices the tests can rely on."""


def fix_market(client: Client) -> None:
    expect(control(client.sb, "POST", "/market/BTCUSD", FIXED_MARKET), 200)


def run_batch(client: Client, name: str, allocations: list[tuple[str, str, str]]) -> list[dict[str, Any]]:
    """Open, allocate (account, side, USD amount), close, let it fill: the allocations as GET answers them."""
    batch = uid(name)
    client.open_batch(batch)
    for n, (account, side, amount) in enumerate(allocations):
        client.allocate(batch, uid(f"{name}-{n}"), account, amount, side)
    expect(client.close_batch(batch, len(allocations)), 200)
    advance(client.sb, seconds=1)
    return [expect(client.allocation(uid(f"{name}-{n}")), 200) for n in range(len(allocations))]


def place_order(client: Client, name: str, account: str, side: str, quantity: str) -> dict[str, Any]:
    """A MARKET IOC BTCUSD order, filled within the second that follows."""
    body = {"account": account, "clientOrderId": uid(name), "symbol": "BTCUSD", "side": side}
    expect(client.post("/orders", body | {"type": "MARKET", "timeInForce": "IOC", "quantity": quantity}), 201)
    advance(client.sb, seconds=1)
    answer: dict[str, Any] = expect(client.get(f"/orders/{uid(name)}"), 200)
    return answer


def give_gift(client: Client, name: str, account: str, notional: str) -> dict[str, Any]:
    """A notional BTC gift from the Gift Account, stocked first."""
    deposit = {"currency": "BTC", "quantity": "1"}
    expect(control(client.sb, "POST", f"/clients/{client.client_id}/accounts/GIFT00001/deposit", deposit), 200)
    body = {"account": account, "clientTransactionId": uid(name), "currency": "BTC", "notional": notional}
    answer: dict[str, Any] = expect(client.post("/allocation/gift", body), 200)
    return answer


def owner_address(client: Client, account: str) -> str:
    address: str = expect(client.get(f"/accounts/{account}"), 200)["request"]["owners"][0]["emailAddress"]
    return address
