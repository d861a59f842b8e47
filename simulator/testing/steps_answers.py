"""The last answer: what the API said to the last action of a When step."""
from __future__ import annotations

from pytest_bdd import then

from simulator.testing.context import BakktContext
from simulator.testing.grammar import phrase


@then(phrase("the last answer is {status:Word}"))
def answer_status(bakkt_context: BakktContext, status: str) -> None:
    """A business answer (HTTP 200) in this status, e.g. PENDING, OPEN, CLOSED."""
    body = bakkt_context.last_answer().expect(200)
    assert body.get("status") == status, f"the answer is {body.get('status')}, expected {status}: {body}"


@then(phrase('the last answer is REJECTED with reason "{reason:Text}"'))
def answer_rejected(bakkt_context: BakktContext, reason: str) -> None:
    """Business rules reject with HTTP 200, status REJECTED and the reason word for word."""
    body = bakkt_context.last_answer().expect(200)
    observed = (body.get("status"), body.get("rejectReason"))
    assert observed == ("REJECTED", reason), f'the answer is {observed}, expected REJECTED "{reason}"'


@then(phrase('the last answer has status {code:d} and message "{message:Text}"'))
def answer_error(bakkt_context: BakktContext, code: int, message: str) -> None:
    """Request errors answer exactly {"code", "message"}, the message word for word."""
    answer = bakkt_context.last_answer()
    expected = {"code": code, "message": message}
    observed = (answer.status, answer.body)
    assert observed == (code, expected), f"answered {observed}, expected {(code, expected)}"


@then(phrase('the last answer has status {code:d} and a message naming "{field:Text}"'))
def answer_error_naming(bakkt_context: BakktContext, code: int, field: str) -> None:
    """A malformed request's message names the field to fix; its wording is free."""
    answer = bakkt_context.last_answer()
    body = answer.expect(code)
    assert body.get("code") == code and field in str(body.get("message")), f"{body} does not name {field!r}"
