"""With `--db`, what was acknowledged survives kill -9 and a restart (CONTRACT 13).

One server lives through the whole module: it sets up, a client thread
streams allocations while the main thread kills the server mid-stream, and
the restarted server (same --db, no --seed or --start) is checked piece by piece.
"""
from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from e2e_target import CUTOFF, START, Client, ServerProcess, expect, new_session, start_server, uid

STREAM = 3000
KILL_AFTER = 800
"""Acknowledged allocations before the kill; the stream itself would go on to STREAM."""
QA_BATCHES = 6
QA_DELETED = 3
BATCH = uid("durable-batch")
FILES = ("eod_settlement/2026-03-02settlement_detail.csv", "eod_settlement/2026-03-02settlement_summary.csv")
CLOCK = "2026-03-02T15:00:00.000Z"


@dataclass
class Stream:
    """Allocations sent one after another; `acked` holds those answered 200 PENDING."""

    client: Client
    acked: list[str] = field(default_factory=list)
    other_answers: list[str] = field(default_factory=list)
    enough: threading.Event = field(default_factory=threading.Event)
    finished: bool = False

    def run(self) -> None:
        session = new_session()
        for n in range(STREAM):
            transaction_id = uid(f"durable-{n}")
            try:
                response = self.client.allocate_request(BATCH, transaction_id, f"INV{n % 3 + 1:05d}", session=session)
            except requests.RequestException:
                return  # the server is gone
            if response.status_code == 200 and response.json()["status"] == "PENDING":
                self.acked.append(transaction_id)
            else:
                self.other_answers.append(f"{response.status_code} {response.text[:200]}")
            if len(self.acked) >= KILL_AFTER:
                self.enough.set()
        self.finished = True


@dataclass
class BeforeCrash:
    acme: Client
    qa: Client
    files: dict[str, str]
    deleted: set[str]
    kept: set[str]
    qa_journal: list[dict[str, Any]]
    stream: Stream


@dataclass
class AfterRestart:
    before: BeforeCrash
    server: ServerProcess

    def client(self, old: Client) -> Client:
        return on_server(self.server, old)


def on_server(server: ServerProcess, old: Client) -> Client:
    """The same client on a restarted server: same token (the log replays the login),
    and its queue looked up by name on the new AWS endpoint, as a consumer would."""
    target = server.target()
    name = old.queue_url.rsplit("/", 1)[-1]
    queue_url = target.aws("sqs").get_queue_url(QueueName=name)["QueueUrl"]
    return Client(target, {**old.provisioning, "queueUrl": queue_url}, old.token)


def set_up_and_crash(server: ServerProcess) -> BeforeCrash:
    target = server.target()
    acme = target.provision("acme", accounts={"count": 3, "holdings": {"BTC": "1"}})
    qa = target.provision("qa")
    assert target.advance(to=CUTOFF)["now"] == CLOCK
    files = {key: acme.s3_text(key) for key in FILES}

    for n in range(QA_BATCHES):
        qa.open_batch(uid(f"qa-batch-{n}"))
    received = qa.receive_messages(QA_BATCHES)
    assert len(received) == QA_BATCHES
    qa.delete_messages(received[:QA_DELETED])
    message_ids = [json.loads(message["Body"])["message_id"] for message in received]
    qa_journal = target.journal("qa")

    acme.open_batch(BATCH)
    stream = Stream(acme)
    thread = threading.Thread(target=stream.run, name="allocation-stream")
    thread.start()
    assert stream.enough.wait(timeout=60), f"only {len(stream.acked)} acknowledged: {stream.other_answers[:3]}"
    server.kill()
    thread.join(timeout=60)
    assert not thread.is_alive()
    return BeforeCrash(
        acme, qa, files, set(message_ids[:QA_DELETED]), set(message_ids[QA_DELETED:]), qa_journal, stream
    )


@pytest.fixture(scope="module")
def restarted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AfterRestart]:
    db: Path = tmp_path_factory.mktemp("durable") / "x.db"
    first = start_server("--clock", "manual", "--seed", "5", "--start", START, "--db", str(db))
    try:
        before = set_up_and_crash(first)
    finally:
        if first.process.poll() is None:
            first.kill()
    second = start_server("--clock", "manual", "--db", str(db))
    yield AfterRestart(before, second)
    assert second.stop() == 0, second.stderr_text()


def test_the_kill_came_mid_stream(restarted: AfterRestart) -> None:
    stream = restarted.before.stream
    assert not stream.finished and KILL_AFTER <= len(stream.acked) < STREAM
    assert stream.other_answers == []


def test_the_clock_comes_back(restarted: AfterRestart) -> None:
    assert restarted.server.target().now() == CLOCK


def test_every_acknowledged_allocation_is_back_and_the_batch_completes(restarted: AfterRestart) -> None:
    acme = restarted.client(restarted.before.acme)
    acked = restarted.before.stream.acked
    session = new_session()
    for transaction_id in acked:
        answer = expect(acme.request("GET", f"/allocation/trade/batch/allocate/{transaction_id}", session=session), 200)
        assert answer["status"] == "PENDING"
    batch = expect(acme.batch(BATCH), 200)
    assert batch["status"] == "OPEN"
    assert len(acked) <= batch["allocations"] <= len(acked) + 1, "at most the one in flight besides the acknowledged"
    closed = expect(acme.close_batch(BATCH, batch["allocations"]), 200)
    assert closed["status"] == "CLOSED"
    acme.target.advance(seconds=1)
    assert expect(acme.batch(BATCH), 200)["status"] == "COMPLETE"


def test_files_written_before_the_crash_are_in_the_new_s3(restarted: AfterRestart) -> None:
    acme = restarted.client(restarted.before.acme)
    assert restarted.server.ready["aws"] != restarted.before.acme.target.aws_endpoint
    assert {key: acme.s3_text(key) for key in FILES} == restarted.before.files


def test_the_queue_holds_again_exactly_the_events_not_deleted(restarted: AfterRestart) -> None:
    before = restarted.before
    qa = restarted.client(before.qa)
    assert qa.target.journal("qa") == before.qa_journal, "the journal keeps every event once"
    redelivered = qa.receive(len(before.kept))
    assert {body["message_id"] for body in redelivered} == before.kept
    assert not before.deleted & {body["message_id"] for body in redelivered}
    assert qa.queue_is_empty()


def test_an_event_deleted_before_a_reset_does_not_hide_its_namesake_after_it(tmp_path: Path) -> None:
    """A reset to the same seed makes the same message_ids again. The consumer deleted only
    the event from before the reset, so the one after it must be in the queue after a restart."""
    db = str(tmp_path / "x.db")
    first = start_server("--clock", "manual", "--seed", "5", "--db", db)
    try:
        target = first.target()
        before_reset = target.provision("qa")
        before_reset.open_batch(BATCH)
        consumed = [body["message_id"] for body in before_reset.receive(1)]
        target.reset(5)
        after_reset = target.provision("qa")
        after_reset.open_batch(BATCH)
        undeleted = [event["message_id"] for event in target.journal("qa")]
        assert undeleted == consumed, "the same seed gives the same message_id"
    finally:
        first.kill()
    second = start_server("--clock", "manual", "--db", db)
    try:
        qa = on_server(second, after_reset)
        assert [body["message_id"] for body in qa.receive(1)] == undeleted
    finally:
        assert second.stop() == 0, second.stderr_text()
