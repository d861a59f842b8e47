"""The vendor's streams in process: `GET /config` and `sb.stream` (CONTRACT 19).

A client that knows only the vendor's docs calls `/config`, opens the URL it
names with its token, and reads quotes and its order events. Time is
simulated throughout: frames appear when the clock is advanced.
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from sandbox_session import API, START, expect, provision, uid

from simulator import Sandbox
from simulator.api.inprocess_stream import Stream, StreamClosed
from simulator.api.stream_hub import StreamRefused
from simulator.domain.instruments import INSTRUMENTS
from simulator.errors import SandboxError

QUOTE_KEYS = ["symbol", "bid", "bidSize", "ask", "askSize", "price", "timestamp"]


def login(sb: Sandbox, client_id: str, **settings: Any) -> str:
    provisioning = provision(sb, client_id, **settings)
    credentials = {"logonId": provisioning["logonId"], "password": provisioning["password"]}
    token: str = expect(requests.post(f"{sb.base_url}{API}/login", json=credentials, timeout=10), 200)["token"]
    return token


def config(sb: Sandbox, token: str) -> dict[str, str]:
    answer: dict[str, str] = expect(requests.get(f"{sb.base_url}{API}/config", headers={"Authorization": token}, timeout=10), 200)
    return answer


@pytest.fixture
def memory() -> Iterator[Sandbox]:
    with Sandbox(seed=7, start=START, aws="memory", base_url="https://w1.sandbox.test") as sb:
        yield sb


@pytest.fixture
def token(memory: Sandbox) -> str:
    return login(memory, "acme")


def quotes(sb: Sandbox, token: str) -> Stream:
    return sb.stream(config(sb, token)["streamingQuoteUrl"], token)


def test_config_names_both_streams_under_the_base_url(memory: Sandbox, token: str) -> None:
    answer = config(memory, token)
    assert answer == {
        "streamingQuoteUrl": "wss://w1.sandbox.test/socket/quotes",
        "streamingOrderEntryEventUrl": "wss://w1.sandbox.test/socket/order_entry/events",
    }
    posted = requests.post(f"{memory.base_url}{API}/config", json={}, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert expect(posted, 200) == answer, "POST {} as the vendor's docs call it answers the same"


def test_a_stream_needs_a_valid_token_and_a_known_path(memory: Sandbox, token: str) -> None:
    url = config(memory, token)["streamingQuoteUrl"]
    for refused in (None, "", "not-a-token"):
        with pytest.raises(StreamRefused) as caught:
            memory.stream(url, refused)
        assert caught.value.status == 401 and caught.value.message == "Unauthorized"
    with pytest.raises(StreamRefused) as unknown:
        memory.stream("/socket/trades", token)
    assert unknown.value.status == 404
    with pytest.raises(SandboxError, match="not a stream of this sandbox"):
        memory.stream("wss://sandbox.bakkt.test/socket/quotes", token)
    with memory.stream(f"{url}?token={token}") as by_query, memory.stream("/socket/quotes", f"Bearer {token}") as by_header:
        by_query.subscribe(["BTCUSD"])
        by_header.subscribe(["BTCUSD"])
        assert list(by_query) == list(by_header) != []


def test_a_subscribe_answers_the_current_quotes_as_the_market_shows_them(memory: Sandbox, token: str) -> None:
    with quotes(memory, token) as stream:
        assert list(stream) == [], "frames start with the next refresh"
        stream.subscribe(["ETHUSD", "BTCUSD", "ETHUSD"])
        frames = list(stream)
    assert [frame["symbol"] for frame in frames] == ["ETHUSD", "BTCUSD"]
    for frame in frames:
        book = memory.call("GET", f"/sandbox/v1/market/{frame['symbol']}").json()
        assert list(frame) == QUOTE_KEYS
        assert frame == {
            "symbol": book["symbol"],
            "bid": book["bid"],
            "bidSize": book["bidSize"],
            "ask": book["ask"],
            "askSize": book["askSize"],
            "price": book["mid"],
            "timestamp": "2026-03-02T14:00:00.000000000Z",
        }


def test_an_advance_sends_each_symbols_latest_quote_never_a_backlog(memory: Sandbox, token: str) -> None:
    with quotes(memory, token) as stream:
        memory.advance(seconds=0.5)
        assert list(stream) == [], "no refresh within the first second"
        memory.advance(seconds=3600)
        frames = list(stream)
        assert [frame["symbol"] for frame in frames] == list(INSTRUMENTS), "every symbol by default, once each"
        assert {frame["timestamp"] for frame in frames} == {"2026-03-02T15:00:00.000000000Z"}
        memory.advance(seconds=1)
        assert len(list(stream)) == len(INSTRUMENTS), "one frame per symbol per refresh"


def test_a_settings_change_shows_at_once_and_an_outage_without_bid_or_ask(memory: Sandbox, token: str) -> None:
    with quotes(memory, token) as stream:
        stream.subscribe(["BTCUSD"])
        list(stream)
        memory.advance(seconds=0.25)
        memory.call("POST", "/sandbox/v1/market/BTCUSD", {"price": "50000.00", "volatility": 0, "spreadBps": 10})
        (moved,) = list(stream)
        assert (moved["bid"], moved["ask"], moved["price"]) == ("49975", "50025", "50000")
        assert moved["timestamp"] == "2026-03-02T14:00:00.250000000Z", "stamped with the instant the settings changed"
        memory.call("POST", "/sandbox/v1/market/BTCUSD", {"outage": True})
        (outage,) = list(stream)
        assert outage == {"symbol": "BTCUSD", "price": "50000", "timestamp": "2026-03-02T14:00:00.250000000Z"}
        memory.call("POST", "/sandbox/v1/market/ETHUSD", {"price": "2000.00"})
        assert list(stream) == [], "a symbol not subscribed sends nothing"


def place_order(sb: Sandbox, token: str, name: str, side: str = "BUY") -> None:
    body = {"clientOrderId": uid(name), "account": "INV00001", "side": side, "type": "MARKET",
            "timeInForce": "IOC", "symbol": "BTCUSD", "quantity": "0.01"}
    expect(requests.post(f"{sb.base_url}{API}/orders", json=body, headers={"Authorization": token}, timeout=10), 201)


def test_order_events_are_the_clients_own_order_payloads_in_journal_order(memory: Sandbox, token: str) -> None:
    other_token = login(memory, "beta")
    for client_id in ("acme", "beta"):
        memory.call("POST", f"/sandbox/v1/clients/{client_id}/accounts", {"count": 1, "holdings": {"BTC": "1"}, "cash": "100000.00"})
    events_url = config(memory, token)["streamingOrderEntryEventUrl"]
    with memory.stream(events_url, token) as acme_events, memory.stream(events_url, other_token) as beta_events:
        place_order(memory, token, "acme-1")
        place_order(memory, other_token, "beta-1")
        place_order(memory, token, "acme-2", side="SELL")
        memory.advance(seconds=1)
        acme_frames, beta_frames = list(acme_events), list(beta_events)
    journal = memory.call("GET", "/sandbox/v1/events", query={"client": "acme", "after": "0"}).json()["events"]
    expected = [entry["event"]["payload"] for entry in journal if entry["event"]["event_type"] == "order/1"]
    assert acme_frames == expected and len(acme_frames) == 4, "an execution and a completion per order"
    assert {frame["request"]["clientOrderId"] for frame in acme_frames} == {uid("acme-1"), uid("acme-2")}
    assert [frame["request"]["clientOrderId"] for frame in beta_frames] == [uid("beta-1")] * 2
    queued = [event["payload"] for event in memory.events("acme") if event["event_type"] == "order/1"]
    assert acme_frames == queued, "the same payloads as the queue's, in the same order"


def test_a_reset_closes_every_stream_and_the_old_token_opens_none(memory: Sandbox, token: str) -> None:
    stream = quotes(memory, token)
    stream.subscribe(["BTCUSD"])
    memory.call("POST", "/sandbox/v1/reset", {})
    assert len(list(stream)) == 1, "what waited is still read"
    with pytest.raises(StreamClosed) as closed:
        list(stream)
    assert (closed.value.code, closed.value.reason) == (1012, "the sandbox was reset: log in again and reconnect")
    with pytest.raises(StreamRefused):
        memory.stream("/socket/quotes", token)


def test_stopping_the_sandbox_closes_its_streams(token: str, memory: Sandbox) -> None:
    stream = quotes(memory, token)
    memory.stop()
    with pytest.raises(StreamClosed) as closed:
        stream.wait(timeout=30)
    assert closed.value.code == 1001


def test_a_reader_that_never_reads_holds_one_quote_per_symbol(memory: Sandbox, token: str) -> None:
    with quotes(memory, token) as idle, quotes(memory, token) as reader:
        read = 0
        for _ in range(50):
            memory.advance(seconds=7)
            read += len(list(reader))
        assert read == 50 * len(INSTRUMENTS)
        waiting = list(idle)
    assert len(waiting) == len(INSTRUMENTS)
    assert {frame["timestamp"] for frame in waiting} == {"2026-03-02T14:05:50.000000000Z"}


def test_the_same_seed_and_inputs_give_the_same_frames() -> None:
    def run() -> list[dict[str, Any]]:
        with Sandbox(seed=3, start=START, aws="memory", base_url=None) as sb:
            provisioning = sb.call("POST", "/sandbox/v1/clients", {"clientId": "acme"}).json()
            sb.call("POST", "/sandbox/v1/clients/acme/accounts", {"count": 1, "holdings": {"BTC": "1"}, "cash": "1000.00"})
            token = sb.call("POST", f"{API}/login", {"logonId": provisioning["logonId"], "password": provisioning["password"]}).json()["token"]
            frames: list[dict[str, Any]] = []
            with sb.stream("/socket/quotes", token) as stream, sb.stream("/socket/order_entry/events", token) as events:
                stream.subscribe(["BTCUSD", "SOLUSD"])
                for seconds in (0.3, 1, 2.5, 60, 3600):
                    sb.call("POST", f"{API}/orders", {"clientOrderId": uid(f"o{seconds}"), "account": "INV00001", "side": "BUY",
                                                      "type": "MARKET", "timeInForce": "IOC", "symbol": "BTCUSD", "notional": "10"}, token=token)
                    sb.advance(seconds=seconds)
                    frames += [*stream, *events]
            return frames

    first = run()
    assert len(first) > 10
    assert run() == first


def test_quotes_flow_under_the_realtime_clock() -> None:
    with Sandbox(seed=5, start=START, aws="memory", base_url="https://rt.sandbox.test", clock="realtime", speed=50) as sb:
        token = login(sb, "acme")
        with quotes(sb, token) as stream:
            stream.subscribe(["BTCUSD"])
            seen: list[str] = []
            deadline = time.monotonic() + 30
            while len(seen) < 6 and time.monotonic() < deadline:
                seen += [frame["timestamp"] for frame in stream.wait(timeout=1.0)]
    assert len(seen) >= 6, f"in 30 s of wall time at speed 50 only {seen}"
    assert seen == sorted(seen) and len(set(seen)) == len(seen), "each refresh once, in time order"
