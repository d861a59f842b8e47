"""Concurrent requests through a real server leave exact counts (CONTRACT 5 and 13)."""
from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from e2e_target import DUPLICATE_TRANSACTION, Client, Target, expect, new_session, uid

THREADS = 8
PER_THREAD = 200
RACES = 150
ACCOUNTS = {"count": THREADS, "prefix": "INV", "holdings": {"BTC": "1"}}
T = TypeVar("T")


def in_threads(count: int, work: Callable[[int], T]) -> list[T]:
    """Run work(0..count-1) in `count` threads at once; the results in index order."""
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(work, range(count)))


def account(worker: int) -> str:
    return f"INV{worker + 1:05d}"


def allocation_events(target: Target, client_id: str) -> Counter[str]:
    """How many journal events each clientTransactionId has."""
    return Counter(
        event["payload"]["request"]["clientTransactionId"]
        for event in target.journal(client_id)
        if "clientTransactionId" in event["payload"].get("request", {})
    )


def close_and_complete(client: Client, batch: str, count: int) -> None:
    closed = expect(client.close_batch(batch, count), 200)
    assert (closed["status"], closed["allocations"]) == ("CLOSED", count)
    client.target.advance(seconds=1)
    assert expect(client.batch(batch), 200)["status"] == "COMPLETE"


def test_eight_threads_allocating_to_one_batch_leave_exact_counts(server_target: Target) -> None:
    acme = server_target.provision("acme", accounts=ACCOUNTS)
    batch = uid("concurrent-batch")
    acme.open_batch(batch)

    def stream(worker: int) -> list[tuple[int, Any]]:
        session = new_session()
        answers = []
        for n in range(PER_THREAD):
            response = acme.allocate_request(batch, uid(f"concurrent-{worker}-{n}"), account(worker), session=session)
            answers.append((response.status_code, response.json().get("status")))
        return answers

    answers = [answer for answers in in_threads(THREADS, stream) for answer in answers]
    pending = answers.count((200, "PENDING"))
    assert pending == THREADS * PER_THREAD, Counter(answers)
    assert expect(acme.batch(batch), 200)["allocations"] == pending
    close_and_complete(acme, batch, pending)
    events = allocation_events(server_target, "acme")
    assert len(events) == pending and set(events.values()) == {1}, "one COMPLETE event per allocation"


def test_one_transaction_id_raced_from_two_threads_is_accepted_once(server_target: Target) -> None:
    acme = server_target.provision("acme", accounts=ACCOUNTS)
    batch = uid("raced-batch")
    acme.open_batch(batch)
    barrier = threading.Barrier(2, timeout=30)
    raced = [uid(f"raced-{n}") for n in range(RACES)]

    def race(worker: int) -> list[dict[str, Any]]:
        session = new_session()
        answers = []
        for transaction_id in raced:
            barrier.wait()
            answers.append(expect(acme.allocate_request(batch, transaction_id, account(worker), session=session), 200))
        return answers

    first, second = in_threads(2, race)
    for transaction_id, pair in zip(raced, zip(first, second, strict=True), strict=True):
        statuses = sorted(answer["status"] for answer in pair)
        assert statuses == ["PENDING", "REJECTED"], (transaction_id, pair)
        accepted, duplicate = sorted(pair, key=lambda answer: answer["status"])
        assert duplicate["rejectReason"] == DUPLICATE_TRANSACTION
        assert (duplicate["id"], duplicate["createdAt"]) == (accepted["id"], accepted["createdAt"])
        assert expect(acme.allocation(transaction_id), 200) == accepted
    assert max(allocation_events(server_target, "acme").values(), default=0) <= 1
    assert expect(acme.batch(batch), 200)["allocations"] == RACES

    close_and_complete(acme, batch, RACES)
    events = allocation_events(server_target, "acme")
    assert {transaction_id: events[transaction_id] for transaction_id in raced} == dict.fromkeys(raced, 1)
