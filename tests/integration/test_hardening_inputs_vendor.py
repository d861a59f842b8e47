"""Vendor routes: `POST /config` as the vendor's docs call it, and unknown fields still ignored
(CONTRACT sections 3 and 15, "Inputs")."""
from __future__ import annotations

import requests
from sandbox_session import API, UNAUTHORIZED, Client, expect, uid


def test_post_config_answers_as_get_does(acme: Client) -> None:
    answer = expect(acme.post("/config", {}), 200)
    assert answer == expect(acme.get("/config"), 200)
    assert answer == {
        "streamingQuoteUrl": "wss://sandbox.bakkt.test/socket/quotes",
        "streamingOrderEntryEventUrl": "wss://sandbox.bakkt.test/socket/order_entry/events",
    }
    assert expect(acme.request("POST", "/config"), 200) == answer


def test_post_config_needs_a_token(acme: Client) -> None:
    response = requests.post(f"{acme.sb.base_url}{API}/config", json={}, timeout=10)
    assert expect(response, 401) == UNAUTHORIZED


def test_vendor_bodies_still_ignore_unknown_fields(acme: Client) -> None:
    batch = {"batchTransactionId": uid("vendor-unknown"), "symbol": "BTCUSD", "type": "NOTIONAL"}
    assert expect(acme.post("/allocation/trade/batch/open", {**batch, "note": "x"}), 200)["request"] == batch
    order = {
        "account": "INV00001", "clientOrderId": "o-1", "symbol": "BTCUSD", "side": "BUY",
        "type": "MARKET", "timeInForce": "IOC", "quantity": "0.001", "memo": 1,
    }  # fmt: skip
    assert "memo" not in expect(acme.post("/orders", order), 201)["request"]
