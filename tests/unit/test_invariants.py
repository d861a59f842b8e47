"""The sandbox's invariants, one broken at a time in a real world.

Each world is a shipped scenario replayed on memory ports and kept open, so
a test can break one thing the way a sandbox bug would (a position moved
without its counterpart, a delivery lost, a settlement row edited, a 500
answered) and see the one violation it names, with the values.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest
from test_handlers_world import BATCH_ID, World, allocate_command, open_command

from simulator.domain.batches import AllocationStatus, BatchStatus
from simulator.domain.cash_calls import CashCallStatus
from simulator.domain.fees import Side
from simulator.domain.settlement import FirmTrade
from simulator.replay.loader import load_scenario
from simulator.replay.runner import ScenarioRunner
from simulator.replay.substitution import Substitution
from simulator.sandbox import Sandbox
from simulator.service import batches
from simulator.service.commands import CloseBatch
from simulator.service.control_faults import SetFaults, set_faults
from simulator.service.core import SandboxCore
from simulator.service.faults import ApiFaults, QueueFaults
from simulator.service.invariants import Violation, check_invariants
from simulator.service.state import ClientRecord

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
DETAIL = "eod_settlement/2026-03-03settlement_detail.csv"
SUMMARY = "eod_settlement/2026-03-03settlement_summary.csv"
"""quickstart's trading day, cut at 09:00 CT on March 3."""


@contextmanager
def world_of(name: str) -> Iterator[SandboxCore]:
    """The world of a shipped scenario once its steps have run, still open."""
    scenario = load_scenario(SCENARIOS / f"{name}.yaml")
    with Sandbox(seed=scenario.seed, start=scenario.start, aws="memory", base_url=None) as sandbox:
        runner = ScenarioRunner(scenario, sandbox.runtime, Substitution(scenario.seed))
        runner.setup()
        for step in scenario.steps:
            runner.run_step(step)
        assert runner.failures == []
        yield sandbox.core


@pytest.fixture
def quickstart() -> Iterator[SandboxCore]:
    with world_of("quickstart") as core:
        yield core


def broken(core: SandboxCore, statuses: tuple[int, ...] = ()) -> tuple[list[str], str]:
    """The names of the violations found, and their messages as one text."""
    found = check_invariants(core, statuses)
    return [v.name for v in found], "\n".join(v.message for v in found)


def rewrite(core: SandboxCore, client: ClientRecord, key: str, old: str, new: str) -> None:
    """Edit a file the sandbox wrote, as a bug in its writer would have."""
    (stored,) = [f for f in core.files.list(client.client_id) if f.key == key]
    text = stored.body.decode()
    assert old in text
    core.files.write(client.client_id, client.bucket, key, text.replace(old, new, 1).encode(), core.now)


@pytest.mark.parametrize("name", ["quickstart", "week-bakkt-tpj", "week-apex-tpj", "orders", "gifting", "market-outage"])
def test_a_shipped_scenario_breaks_no_invariant(name: str) -> None:
    with world_of(name) as core:
        assert check_invariants(core, (200, 201, 400, 404)) == []


# conservation


def test_a_position_moved_alone_breaks_coin_conservation(quickstart: SandboxCore) -> None:
    quickstart.clients["acme"].ledger.move_coin("INV00002", "BTC", Decimal("0.00000001"))
    names, message = broken(quickstart)
    assert names == ["coin-conserved"]
    assert message.startswith("client acme: its accounts hold ")
    assert "BTC, but deposits 1.5 + the market 0.02105511 = 1.52105511 (off by 0.00000001)" in message


def test_a_fill_booked_without_its_coin_breaks_coin_conservation(quickstart: SandboxCore) -> None:
    trade = FirmTrade("BTC", Side.SELL, Decimal("0.25"), Decimal("10755.38"), quickstart.now)
    quickstart.clients["acme"].settlement.add_firm_trade(trade)
    names, message = broken(quickstart)
    assert names == ["coin-conserved"]
    assert "the market -0.22894489" in message and "(off by 0.25)" in message


def test_cash_moved_alone_breaks_cash_conservation(quickstart: SandboxCore) -> None:
    quickstart.clients["acme"].ledger.move_cash("INV00003", Decimal("-12.34"))
    names, message = broken(quickstart)
    assert names == ["cash-conserved"]
    assert message == (
        "client acme: its accounts hold 2987.66 USD, but deposits 3000 + paid cash calls 0 = 3000 (off by -12.34)"
    )


def test_a_paid_cash_call_that_moved_no_cash_breaks_cash_conservation() -> None:
    with world_of("week-bakkt-tpj") as core:
        shop = core.clients["shop"]
        paid = [call for call in shop.cash_calls.calls.values() if call.status is CashCallStatus.PAID]
        assert paid
        shop.ledger.move_cash(paid[0].account, -paid[0].cash_delta)
        names, message = broken(core)
        assert names == ["cash-conserved"]
        assert f"(off by {-paid[0].cash_delta})" in message


# batches


def test_an_allocation_left_in_progress_in_a_complete_batch(quickstart: SandboxCore) -> None:
    acme = quickstart.clients["acme"]
    batch_id, batch = next((key, b) for key, b in acme.batches.items() if b.status is BatchStatus.COMPLETE)
    batch.pending[1].status = AllocationStatus.IN_PROGRESS
    names, message = broken(quickstart)
    assert names == ["allocations-terminal"]
    assert message == (
        f"client acme: batch {batch_id} is COMPLETE, 1 of its 4 allocations not terminal"
        f" ({batch.pending[1].client_transaction_id} IN_PROGRESS)"
    )


def closed_batch(world: World) -> None:
    world.run(batches.open_batch, world.client, open_command(BATCH_ID))
    world.run(batches.allocate, world.client, allocate_command(BATCH_ID, "t-1", "INV00001", Side.BUY, "25.00"))
    world.run(batches.close_batch, world.client, CloseBatch(BATCH_ID, 1))


def test_a_batch_waits_for_its_fill_without_breaking_anything() -> None:
    world = World()
    closed_batch(world)
    assert world.client.batches[BATCH_ID].status is BatchStatus.IN_PROGRESS
    assert check_invariants(world.core, ()) == []
    world.advance(1)
    assert world.client.batches[BATCH_ID].status is BatchStatus.COMPLETE
    assert check_invariants(world.core, ()) == []


def test_a_batch_whose_fill_failed_is_stuck(monkeypatch: pytest.MonkeyPatch) -> None:
    def lost(*_: object) -> None:
        raise RuntimeError("a bug in the fill")

    monkeypatch.setattr(batches.BatchProcessing, "_on_fill", lost)
    world = World()
    closed_batch(world)
    world.advance(1)
    names, message = broken(world.core)
    assert names == ["allocations-terminal"]
    assert message == (
        f"client acme: batch {BATCH_ID} is still IN_PROGRESS at 2026-03-02T14:00:01.000Z, its fill due at"
        " 2026-03-02T14:00:00.250Z, 1 of its 1 allocations not terminal (t-1 IN_PROGRESS)"
    )


# settlement files


def test_a_row_whose_total_is_not_its_notional_and_fees(quickstart: SandboxCore) -> None:
    rewrite(quickstart, quickstart.clients["acme"], DETAIL, ",150.50,0.38,150.88\n", ",150.50,0.38,150.89\n")
    names, message = broken(quickstart)
    assert names == ["settlement-rows"]
    assert message.startswith(f"{DETAIL} of client acme: line ")
    assert message.endswith(": Total 150.89, but a BUY of Notional 150.5 and Fees 0.38 totals 150.88")


def test_a_net_settlement_that_is_not_its_rows_net(quickstart: SandboxCore) -> None:
    rewrite(quickstart, quickstart.clients["acme"], DETAIL, "Net Settlement,912.01\n", "Net Settlement,912.10\n")
    names, message = broken(quickstart)
    assert names == ["settlement-rows", "settlement-summary"]
    assert f"{DETAIL} of client acme: Net Settlement 912.1, but its 7 rows net 912.01" in message
    assert f"{SUMMARY} of client acme: Net Settlement 912.01, but the detail's is 912.10" in message


def test_a_detail_file_that_does_not_read(quickstart: SandboxCore) -> None:
    rewrite(quickstart, quickstart.clients["acme"], DETAIL, ",150.50,0.38,150.88\n", ",150.50,0.38,1e2\n")
    names, message = broken(quickstart)
    assert names[0] == "settlement-rows"
    assert f"{DETAIL} of client acme: line " in message and 'Total "1e2" is not a decimal such as 0.5' in message


def test_a_summary_allocation_qty_that_is_not_the_details(quickstart: SandboxCore) -> None:
    rewrite(quickstart, quickstart.clients["acme"], SUMMARY, "BTC,905.82,0.02105511,0.02105511,0", "BTC,905.82,0.02105511,0.02,0")
    names, message = broken(quickstart)
    assert names == ["settlement-summary"] * 3
    assert "allocation qty 0.02 of BTC, but its allocations in the detail net 0.02105511" in message
    assert "diff qty 0 of BTC is not firm qty less allocation qty" in message
    assert "allocation qty 0.02105511 in the `all` row, but the coin rows sum to 0.02" in message


def test_a_summary_without_a_row_for_a_coin_the_detail_trades(quickstart: SandboxCore) -> None:
    rewrite(quickstart, quickstart.clients["acme"], SUMMARY, "BTC,905.82,0.02105511,0.02105511,0\n", "")
    names, message = broken(quickstart)
    assert names == ["settlement-summary"] * 4
    assert message.splitlines()[0] == f"{SUMMARY} of client acme: no row for BTC, which the detail trades"


def test_a_summary_without_the_detail_of_its_day(quickstart: SandboxCore) -> None:
    acme = quickstart.clients["acme"]
    (summary,) = [f for f in quickstart.files.list("acme") if f.key == SUMMARY]
    quickstart.files.write("acme", acme.bucket, "eod_settlement/2026-03-09settlement_summary.csv", summary.body, quickstart.now)
    names, message = broken(quickstart)
    assert (names, message) == (
        ["settlement-summary"],
        "eod_settlement/2026-03-09settlement_summary.csv of client acme: has no detail file of its day",
    )


# deliveries


def test_a_journal_entry_that_never_reached_its_queue(quickstart: SandboxCore) -> None:
    acme = quickstart.clients["acme"]
    entry = next(e for e in quickstart.journal.entries if e.client == "acme" and e.seq > 1)
    delivered = quickstart.outbox.delivered[acme.queue_url]
    delivered[:] = [body for body in delivered if body != entry.envelope]
    names, message = broken(quickstart)
    assert names == ["queue-journal"]
    assert message == (
        f"client acme: 1 journal entries due by 2026-03-03T15:00:00.000Z never reached {acme.queue_url}"
        f" (#{entry.seq} {entry.event_type} {entry.message_id})"
    )


def test_a_message_that_is_no_journal_entry_of_its_queues_client(quickstart: SandboxCore) -> None:
    acme, nofirm = quickstart.clients["acme"], quickstart.clients["nofirm"]
    stray = next(e for e in quickstart.journal.entries if e.client == "nofirm")
    quickstart.outbox.delivered[acme.queue_url].append(stray.envelope)
    names, message = broken(quickstart)
    assert names == ["queue-journal"]
    assert message.startswith(f"client acme's queue {acme.queue_url} got 1 messages no journal entry of it holds ({{")
    assert stray.message_id in message and nofirm.queue_url != acme.queue_url


def test_duplicates_and_a_consumer_taking_its_messages_break_nothing() -> None:
    world = World()
    set_faults(world.core, SetFaults(queue=QueueFaults(duplicate_rate=1.0)))
    closed_batch(world)
    world.advance(1)
    url = world.client.queue_url
    assert len(world.core.outbox.delivered[url]) == 2 * len(world.core.journal.entries)
    world.aws.queues.take(url)
    assert check_invariants(world.core, ()) == []


def test_an_event_delayed_past_the_end_is_not_yet_due() -> None:
    world = World()
    set_faults(world.core, SetFaults(queue=QueueFaults(max_delay_seconds=600)))
    world.run(batches.open_batch, world.client, open_command(BATCH_ID))
    (entry,) = world.core.journal.entries
    assert world.core.outbox.delivered == {} and [e for _, e in world.core.outbox.waiting()] == [entry]
    assert check_invariants(world.core, ()) == []
    world.advance(600)
    assert world.core.outbox.delivered == {world.client.queue_url: [entry.envelope]}
    assert check_invariants(world.core, ()) == []


def test_events_held_back_by_a_queue_that_refuses_are_not_lost(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(queue_url: str, bodies: object) -> None:
        raise OSError("the queue is gone for good")

    world = World()
    monkeypatch.setattr(world.aws.queues, "publish", refuse)
    world.run(batches.open_batch, world.client, open_command(BATCH_ID))
    assert world.core.outbox.refusing(world.client.queue_url)
    assert check_invariants(world.core, ()) == []
    monkeypatch.undo()
    world.advance(1)
    assert not world.core.outbox.refusing(world.client.queue_url)
    assert check_invariants(world.core, ()) == []


# answers


def test_a_5xx_answer_is_a_violation(quickstart: SandboxCore) -> None:
    found = check_invariants(quickstart, (200, 500, 201, 500, 503, 404))
    assert found == [
        Violation("no-5xx", "2 answers had status 500"),
        Violation("no-5xx", "1 answers had status 503"),
    ]


def test_5xx_answers_the_api_faults_gave_are_no_violation() -> None:
    with Sandbox(seed=3, aws="memory", base_url=None) as sandbox:
        client = sandbox.call("POST", "/sandbox/v1/clients", {"clientId": "acme"}).json()
        set_faults(sandbox.core, SetFaults(api=ApiFaults(error_rate=1.0, status=502)))
        credentials = {"logonId": client["logonId"], "password": client["password"]}
        status = sandbox.call("POST", "/apex-crypto/api/v2/login", credentials).status
        assert status == 502
        assert check_invariants(sandbox.core, (201, status)) == []
        assert check_invariants(sandbox.core, (201, status, 502, 500)) == [
            Violation("no-5xx", "1 answers had status 500"),
            Violation("no-5xx", "2 answers had status 502 (the API faults gave 1)"),
        ]
