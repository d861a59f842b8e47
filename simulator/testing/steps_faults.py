"""API faults and a client's retry loop that survives them."""
from __future__ import annotations

from typing import Any

from pytest_bdd import given, then, when

from simulator.testing.context import BATCHES, CONTROL, Answer, BakktContext, Resource
from simulator.testing.grammar import phrase
from simulator.testing.steps_batches import ALLOCATE, AllocationTerms, allocation_phrase

MAX_ATTEMPTS = 50
DUPLICATE = "Duplicate clientTransactionId; the allocation request already exists"


@given(phrase("the API answers {code:d} to {error_percent:d}% of calls and loses {lost_percent:d}% of responses"))
@when(phrase("the API answers {code:d} to {error_percent:d}% of calls and loses {lost_percent:d}% of responses"))
def api_faults(bakkt_context: BakktContext, code: int, error_percent: int, lost_percent: int) -> None:
    """Seeded faults on /apex-crypto calls: an error answer changes nothing; a lost
    response commits the change and then answers 504."""
    body = {"api": {"errorRate": error_percent / 100, "status": code, "lostResponseRate": lost_percent / 100}}
    settings = bakkt_context.control("POST", f"{CONTROL}/faults", body).expect(200)
    assert settings["api"]["status"] == code, f"faults are {settings}"


@given(phrase("the API faults are cleared"))
@when(phrase("the API faults are cleared"))
def api_faults_cleared(bakkt_context: BakktContext) -> None:
    """Back to a reliable API, so the checks that follow see the state as it is."""
    body = {"api": {"errorRate": 0, "lostResponseRate": 0}}
    bakkt_context.control("POST", f"{CONTROL}/faults", body).expect(200)


@when(allocation_phrase(ALLOCATE + ", retrying until it is answered"))
def allocate_with_retries(bakkt_context: BakktContext, terms: AllocationTerms) -> None:
    """A client's retry loop: resend the same body (same clientTransactionId) on every 5xx.
    After a lost response the resend is a duplicate; the client then reads its allocation,
    retrying that read too."""
    client = terms.client
    body = terms.body(bakkt_context)
    answer = retried(bakkt_context, client, "POST", f"{BATCHES}/allocate", body)
    if answer.body.get("rejectReason") == DUPLICATE:
        answer = retried(bakkt_context, client, "GET", Resource.ALLOCATION.path(body["clientTransactionId"]))
    bakkt_context.last = answer


def retried(bakkt_context: BakktContext, client: str, method: str, path: str, body: Any = None) -> Answer:
    """The first answer below 500 to the same request sent again and again; the 5xx met on the
    way are counted."""
    for _ in range(MAX_ATTEMPTS):
        answer = bakkt_context.send_raw(method, path, body, bakkt_context.bearer(client))
        if answer.status < 500:
            return answer
        bakkt_context.faults_met[answer.status] = bakkt_context.faults_met.get(answer.status, 0) + 1
    raise AssertionError(f"{method} {path}: no answer but 5xx in {MAX_ATTEMPTS} attempts: {bakkt_context.faults_met}")


@then(phrase("the retry loops met at least one {code:d} answer"))
def met_fault(bakkt_context: BakktContext, code: int) -> None:
    """The faults really happened, so the scenario proves the retry loop, not luck."""
    assert bakkt_context.faults_met.get(code, 0) >= 1, f"5xx answers met: {bakkt_context.faults_met}"
