"""API faults and a client's retry loop that survives them."""
from __future__ import annotations

from typing import Any

from pytest_bdd import given, when

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


@when(allocation_phrase(ALLOCATE + ", once, whatever it answers"))
def allocate_once(bakkt_context: BakktContext, terms: AllocationTerms) -> None:
    """A single attempt whose answer, a fault's 5xx included, is the last answer: for a scenario
    that shows what one fault does."""
    body = terms.body(bakkt_context)
    bakkt_context.last = bakkt_context.send_raw("POST", f"{BATCHES}/allocate", body, bakkt_context.bearer(terms.client))


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
    """The first answer below 500 to the same request sent again and again."""
    met: list[int] = []
    for _ in range(MAX_ATTEMPTS):
        answer = bakkt_context.send_raw(method, path, body, bakkt_context.bearer(client))
        if answer.status < 500:
            return answer
        met.append(answer.status)
    raise AssertionError(f"{method} {path}: no answer but 5xx in {MAX_ATTEMPTS} attempts: {met}")
