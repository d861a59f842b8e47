"""Same seed, same inputs, same outputs; sandboxes one after another share nothing (CONTRACT sections 1 and 13)."""
from __future__ import annotations

from typing import Any

import requests
from sandbox_session import API, START, advance, control, expect, journal, login, provision, uid

from simulator import Sandbox

Transcript = list[tuple[int, Any]]


def scripted_session(seed: int) -> tuple[Transcript, list[dict[str, Any]]]:
    """One fixed series of requests; every answer, and the journal's envelopes."""
    answers: Transcript = []

    def record(response: requests.Response) -> Any:
        answers.append((response.status_code, response.json()))
        return response.json()

    with Sandbox(seed=seed, start=START) as sb:
        credentials = record(control(sb, "POST", "/clients", {"clientId": "acme"}))
        record(control(sb, "POST", "/clients/acme/accounts", {"count": 3, "holdings": {"BTC": "0.5"}}))
        token = record(login(sb, credentials["logonId"], credentials["password"]))["token"]

        def call(method: str, path: str, body: Any = None) -> Any:
            headers = {"Authorization": token}
            return record(requests.request(method, f"{sb.base_url}{API}{path}", json=body, headers=headers, timeout=10))

        batch = uid("determinism-batch")
        call("POST", "/allocation/trade/batch/open", {"batchTransactionId": batch, "symbol": "BTCUSD", "type": "NOTIONAL"})
        for n, (account, side, amount) in enumerate([("INV00001", "BUY", "200"), ("INV00002", "SELL", "50"), ("nobody", "BUY", "1")]):
            body = {
                "account": account,
                "amount": amount,
                "batchTransactionId": batch,
                "clientTransactionId": uid(f"determinism-{n}"),
                "side": side,
                "symbol": "BTCUSD",
            }
            call("POST", "/allocation/trade/batch/allocate", body)
        call("POST", "/allocation/trade/batch/close", {"batchTransactionId": batch, "allocations": 2})
        record(control(sb, "POST", "/clock/advance", {"seconds": 3600}))
        call("GET", f"/allocation/trade/batch/{batch}")
        for n in range(3):
            call("GET", f"/allocation/trade/batch/allocate/{uid(f'determinism-{n}')}")
        call("GET", "/positions/INV00001")
        call("GET", "/accounts/INV00002")
        record(control(sb, "GET", "/market/BTCUSD"))
        envelopes = [entry["event"] for entry in journal(sb, "acme")["events"]]
    return answers, envelopes


def test_same_seed_same_answers_and_events() -> None:
    first_answers, first_events = scripted_session(seed=42)
    second_answers, second_events = scripted_session(seed=42)
    assert [status for status, _ in first_answers].count(200) >= 10
    assert len(first_events) == 6
    assert second_answers == first_answers
    assert second_events == first_events


def test_a_different_seed_gives_different_ids() -> None:
    answers, events = scripted_session(seed=42)
    other_answers, other_events = scripted_session(seed=43)
    batch_ids = {body["id"] for _, body in answers if isinstance(body, dict) and "allocations" in body}
    other_batch_ids = {body["id"] for _, body in other_answers if isinstance(body, dict) and "allocations" in body}
    assert batch_ids and other_batch_ids and batch_ids.isdisjoint(other_batch_ids)
    assert {e["message_id"] for e in events}.isdisjoint({e["message_id"] for e in other_events})


def test_sandboxes_one_after_another_share_nothing() -> None:
    with Sandbox(seed=7, start=START) as first:
        credentials = provision(first, "acme")
        expect(control(first, "POST", "/clients/acme/accounts", {"count": 1}), 201)
        advance(first, seconds=600)
    with Sandbox(seed=7, start=START) as second:
        assert expect(control(second, "GET", "/clock"), 200)["now"] == "2026-03-02T14:00:00.000Z"
        assert login(second, credentials["logonId"], credentials["password"]).status_code == 401
        assert expect(control(second, "GET", "/events"), 200)["events"] == []
        assert provision(second, "acme") == credentials
