"""Control API: market, faults, clock, events and reset (CONTRACT sections 8 and 12).

Each test gets a sandbox of its own: these settings are sandbox-wide."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sandbox_session import START, Client, advance, connect, control, drain_queue, expect, journal, login, provision, uid

from simulator import Sandbox


def publish_open_batches(client: Client, count: int) -> list[str]:
    """Open `count` batches (one OPEN event each); their ids in order."""
    return [client.open_batch(uid(f"{client.client_id}-batch-{n}"))["id"] for n in range(count)]


# market


def book(sb: Sandbox, symbol: str = "BTCUSD") -> dict[str, Any]:
    answer: dict[str, Any] = expect(control(sb, "GET", f"/market/{symbol}"), 200)
    return answer


def test_market_shows_the_bbo_and_its_providers(sandbox: Sandbox) -> None:
    answer = book(sandbox)
    assert {"symbol", "bid", "ask", "bidSize", "askSize", "time", "providers"} <= set(answer)
    assert answer["symbol"] == "BTCUSD"
    assert answer["time"] == "2026-03-02T14:00:00.000Z"
    assert len(answer["providers"]) >= 2
    best_bid = max(Decimal(p["bid"]) for p in answer["providers"])
    best_ask = min(Decimal(p["ask"]) for p in answer["providers"])
    assert (Decimal(answer["bid"]), Decimal(answer["ask"])) == (best_bid, best_ask)
    assert best_bid < Decimal("43000") < best_ask


def test_setting_the_price_moves_the_quotes(sandbox: Sandbox) -> None:
    expect(control(sandbox, "POST", "/market/BTCUSD", {"price": "50000.00", "volatility": 0, "spreadBps": 20}), 200)
    advance(sandbox, seconds=3600)
    answer = book(sandbox)
    bid, ask = Decimal(answer["bid"]), Decimal(answer["ask"])
    assert bid < Decimal("50000") < ask
    assert ask - bid <= Decimal("50000") * 20 / 10_000 + Decimal("0.02")


def test_an_outage_empties_the_book(sandbox: Sandbox) -> None:
    expect(control(sandbox, "POST", "/market/ETHUSD", {"outage": True}), 200)
    answer = book(sandbox, "ETHUSD")
    assert answer["providers"] == []
    assert "bid" not in answer and "ask" not in answer
    expect(control(sandbox, "POST", "/market/ETHUSD", {"outage": False}), 200)
    assert book(sandbox, "ETHUSD")["providers"]


def sizes(answer: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {quote["provider"]: (quote["bidSize"], quote["askSize"]) for quote in answer["providers"]}


def test_pinned_sizes_hold_on_every_refresh_and_carry_over_until_replaced(sandbox: Sandbox) -> None:
    seeded = sizes(book(sandbox))
    pin = {"LP-ALPHA": {"bidSize": "1.25", "askSize": "2.5"}, "LP-CHARLIE": {"askSize": "0.00000001"}}
    pinned = sizes(expect(control(sandbox, "POST", "/market/BTCUSD", {"sizes": pin}), 200))
    assert pinned["LP-ALPHA"] == ("1.25", "2.5")
    assert pinned["LP-CHARLIE"] == (seeded["LP-CHARLIE"][0], "0.00000001")
    assert pinned["LP-BRAVO"] == seeded["LP-BRAVO"]
    advance(sandbox, seconds=5)
    later = sizes(book(sandbox))
    assert later["LP-BRAVO"] != seeded["LP-BRAVO"], "seeded sizes change every refresh"
    assert (later["LP-ALPHA"], later["LP-CHARLIE"][1]) == (("1.25", "2.5"), "0.00000001")
    expect(control(sandbox, "POST", "/market/BTCUSD", {"price": "50000"}), 200)
    assert sizes(book(sandbox))["LP-ALPHA"] == ("1.25", "2.5")
    expect(control(sandbox, "POST", "/market/BTCUSD", {"sizes": {"LP-BRAVO": {"bidSize": "7"}}}), 200)
    replaced = sizes(book(sandbox))
    assert replaced["LP-BRAVO"][0] == "7"
    assert replaced["LP-ALPHA"] != ("1.25", "2.5")
    expect(control(sandbox, "POST", "/market/BTCUSD", {"sizes": {}}), 200)
    assert sizes(book(sandbox))["LP-BRAVO"][0] != "7"


@pytest.mark.parametrize(
    ("pin", "named"),
    [
        ({"LP-DELTA": {"askSize": "1"}}, "sizes.LP-DELTA: no such provider"),
        ({"LP-ALPHA": {"askSize": "0"}}, "sizes.LP-ALPHA.askSize: must be greater than zero"),
        ({"LP-ALPHA": {"bidSize": "0.000000001"}}, "sizes.LP-ALPHA.bidSize: must be greater than zero"),
        ({"LP-ALPHA": {"bidSize": "-1"}}, "sizes.LP-ALPHA.bidSize"),
        ({"LP-ALPHA": {"size": "1"}}, "sizes.LP-ALPHA.size: unknown field"),
    ],
)
def test_a_pinned_size_no_execution_could_take_is_a_400_naming_it_and_changes_nothing(
    sandbox: Sandbox, pin: dict[str, Any], named: str
) -> None:
    before = book(sandbox)
    answer = control(sandbox, "POST", "/market/BTCUSD", {"price": "50000", "sizes": pin})
    assert answer.status_code == 400
    assert answer.json()["message"].startswith(named)
    assert book(sandbox) == before


def test_an_unknown_symbol_is_a_client_error(sandbox: Sandbox) -> None:
    assert 400 <= control(sandbox, "GET", "/market/FOOUSD").status_code < 500
    assert 400 <= control(sandbox, "POST", "/market/FOOUSD", {"price": "1"}).status_code < 500


# faults


def test_duplicate_rate_one_delivers_every_event_twice(acme: Client) -> None:
    expect(control(acme.sb, "POST", "/faults", {"queue": {"duplicateRate": 1.0}}), 200)
    publish_open_batches(acme, 3)
    delivered = drain_queue(acme.queue_url)
    journal_ids = [entry["event"]["message_id"] for entry in journal(acme.sb, "acme")["events"]]
    assert len(journal_ids) == 3
    assert sorted(envelope["message_id"] for envelope in delivered) == sorted(journal_ids * 2)
    by_id = {envelope["message_id"]: envelope for envelope in delivered}
    assert all(envelope == by_id[envelope["message_id"]] for envelope in delivered)


def test_max_delay_publishes_later_in_simulated_time(acme: Client) -> None:
    expect(control(acme.sb, "POST", "/faults", {"queue": {"maxDelaySeconds": 60}}), 200)
    publish_open_batches(acme, 4)
    assert len(journal(acme.sb, "acme")["events"]) == 4
    assert drain_queue(acme.queue_url) == []
    advance(acme.sb, seconds=60)
    delivered = drain_queue(acme.queue_url)
    assert sorted(e["message_id"] for e in delivered) == sorted(
        entry["event"]["message_id"] for entry in journal(acme.sb, "acme")["events"]
    )


def test_faults_off_delivers_each_event_once(acme: Client) -> None:
    publish_open_batches(acme, 3)
    assert len(drain_queue(acme.queue_url)) == 3


# clock


def test_clock_reads_and_advances(sandbox: Sandbox) -> None:
    assert expect(control(sandbox, "GET", "/clock"), 200) == {"now": "2026-03-02T14:00:00.000Z", "mode": "manual"}
    assert advance(sandbox, seconds=90.5)["now"] == "2026-03-02T14:01:30.500Z"
    assert advance(sandbox, to="2026-03-03T09:00:00-06:00")["now"] == "2026-03-03T15:00:00.000Z"
    assert advance(sandbox, seconds=0)["now"] == "2026-03-03T15:00:00.000Z"
    assert advance(sandbox, to="2026-03-03T15:00:00Z")["now"] == "2026-03-03T15:00:00.000Z"
    assert sandbox.now.isoformat() == "2026-03-03T15:00:00+00:00"


def test_an_advance_to_the_past_names_the_problem(sandbox: Sandbox) -> None:
    advance(sandbox, seconds=10)
    response = control(sandbox, "POST", "/clock/advance", {"to": START})
    assert "to" in expect(response, 400)["message"]


def test_sandbox_methods_move_the_same_clock(sandbox: Sandbox) -> None:
    sandbox.advance(seconds=30)
    sandbox.advance_to("2026-03-02T15:00:00Z")
    assert expect(control(sandbox, "GET", "/clock"), 200)["now"] == "2026-03-02T15:00:00.000Z"


# events


def test_events_cursor_reads_each_event_once(acme: Client) -> None:
    publish_open_batches(acme, 3)
    first = journal(acme.sb, "acme")
    assert [entry["seq"] for entry in first["events"]] == [1, 2, 3]
    assert first["next"] == 3
    assert all(entry["client"] == "acme" for entry in first["events"])
    assert journal(acme.sb, "acme", after=first["next"]) == {"events": [], "next": 3}
    assert [entry["seq"] for entry in journal(acme.sb, "acme", after=1)["events"]] == [2, 3]
    acme.open_batch(uid("one-more"))
    later = journal(acme.sb, "acme", after=first["next"])
    assert [entry["seq"] for entry in later["events"]] == [4]
    assert later["next"] == 4


def test_events_of_one_client_only(sandbox: Sandbox) -> None:
    acme, other = connect(sandbox, "acme"), connect(sandbox, "other")
    publish_open_batches(acme, 2)
    publish_open_batches(other, 1)
    assert [entry["seq"] for entry in journal(sandbox, "other")["events"]] == [3]
    everything = expect(control(sandbox, "GET", "/events"), 200)
    assert [(entry["seq"], entry["client"]) for entry in everything["events"]] == [(1, "acme"), (2, "acme"), (3, "other")]


# reset


def test_reset_empties_the_sandbox(acme: Client) -> None:
    publish_open_batches(acme, 1)
    advance(acme.sb, seconds=60)
    expect(control(acme.sb, "POST", "/reset", {}), 200)
    assert expect(control(acme.sb, "GET", "/events"), 200)["events"] == []
    assert login(acme.sb, acme.provisioning["logonId"], acme.provisioning["password"]).status_code == 401
    assert acme.get("/instruments").status_code == 401
    assert provision(acme.sb, "acme")["clientId"] == "acme"
