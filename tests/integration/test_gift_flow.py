"""Gifts end to end through `requests`, events read from SQS, emails from the journal and SES
(CONTRACT sections 6, 8, 10 and 13)."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from sandbox_session import (
    REGION,
    START,
    Client,
    connect,
    control,
    drain_queue,
    expect,
    journal_envelopes,
    list_emails,
    uid,
)

from simulator import Sandbox

GIFT = "/allocation/gift"
DUPLICATE = "Duplicate clientTransactionId; the allocation request already exists"
INVESTORS = {"count": 2, "prefix": "INV"}
BRANDING = {
    "logoUrl": "https://acme.test/logo.png",
    "ctaUrl": "https://acme.test/trade",
    "contactEmail": "help@acme.test",
}
INSUFFICIENT = "Insufficient inventory to allocate the requested currency"


@pytest.fixture
def acme(sandbox: Sandbox) -> Client:
    """A branded client with INV00001..2 holding nothing, 1 BTC of inventory, and BTC's ask fixed at 43021.5."""
    expect(control(sandbox, "POST", "/market/BTCUSD", {"price": "43000.00", "volatility": 0, "spreadBps": 10}), 200)
    client = connect(sandbox, "acme", accounts=INVESTORS, branding=BRANDING)
    deposit(client, "1")
    return client


def deposit(client: Client, quantity: str) -> None:
    path = f"/clients/{client.client_id}/accounts/GIFT00001/deposit"
    expect(control(client.sb, "POST", path, {"currency": "BTC", "quantity": quantity}), 200)


def gift(client: Client, name: str, account: str = "INV00001", **amount: Any) -> dict[str, Any]:
    body = {"account": account, "clientTransactionId": uid(name), "currency": "BTC", **amount}
    answer: dict[str, Any] = expect(client.post(GIFT, body), 200)
    return answer


def investor_address(client: Client, account: str) -> str:
    address: str = expect(client.get(f"/accounts/{account}"), 200)["request"]["owners"][0]["emailAddress"]
    return address


def sent_through_ses() -> int:
    sent: int = int(boto3.client("ses", region_name=REGION).get_send_quota()["SentLast24Hours"])
    return sent


def test_a_notional_gift_completes_at_the_ask_and_is_published(acme: Client) -> None:
    answer = gift(acme, "g1", notional="5")
    assert list(answer) == ["createdAt", "id", "price", "quantity", "notional", "request", "status"]
    assert (answer["price"], answer["quantity"], answer["notional"], answer["status"]) == (
        "43021.5",
        "0.00011622",
        "5",
        "COMPLETE",
    )
    sent = {"account": "INV00001", "clientTransactionId": uid("g1"), "currency": "BTC", "notional": "5"}
    assert answer["request"] == sent
    assert answer["createdAt"] == "2026-03-02T14:00:00.000Z"
    assert expect(acme.get(f"{GIFT}/{uid('g1')}"), 200) == answer
    assert acme.holdings("INV00001") == {"BTC": "0.00011622"}
    assert acme.holdings("GIFT00001") == {"BTC": "0.99988378"}
    envelopes = drain_queue(acme.queue_url)
    assert [(e["event_type"], e["payload"]) for e in envelopes] == [("allocation/gift/1", answer)]
    assert journal_envelopes(acme.sb, "acme") == envelopes


def test_a_quantity_gift_is_valued_half_even_to_cents(acme: Client) -> None:
    answer = gift(acme, "g2", account="INV00002", quantity="0.03")
    assert (answer["quantity"], answer["notional"]) == ("0.03", "1290.64")
    assert acme.holdings("INV00002") == {"BTC": "0.03"}


def test_the_investor_gets_a_branded_email_through_ses(acme: Client) -> None:
    before = sent_through_ses()
    gift(acme, "g1", notional="5")
    address = investor_address(acme, "INV00001")
    emails = list_emails(acme.sb, "acme", to=address)
    assert [(email["subject"], email["sentAt"]) for email in emails] == [
        ("You received a gift of 0.00011622 BTC", "2026-03-02T14:00:00.000Z")
    ]
    body = emails[0]["body"]
    for text in ("0.00011622 BTC", "5.00 USD", "43021.5 USD per BTC", *BRANDING.values()):
        assert text in body, text
    assert sent_through_ses() == before + 1


def test_a_rejected_gift_is_recorded_published_and_sends_no_email(acme: Client) -> None:
    answer = gift(acme, "g1", quantity="2")
    assert (answer["status"], answer["rejectReason"]) == ("REJECTED", INSUFFICIENT)
    assert not {"price", "quantity", "notional"} & answer.keys()
    assert expect(acme.get(f"{GIFT}/{uid('g1')}"), 200) == answer
    assert [e["payload"] for e in drain_queue(acme.queue_url)] == [answer]
    assert list_emails(acme.sb, "acme") == []
    assert acme.holdings("GIFT00001") == {"BTC": "1"}


def test_allocations_and_gifts_share_the_transaction_ids(acme: Client) -> None:
    batch = uid("shared-batch")
    acme.open_batch(batch)
    allocation = acme.allocate(batch, uid("a1"), "INV00001", "200")
    duplicate = gift(acme, "a1", notional="5")
    assert duplicate == {
        "createdAt": allocation["createdAt"],
        "id": allocation["id"],
        "rejectReason": DUPLICATE,
        "request": {"account": "INV00001", "clientTransactionId": uid("a1"), "currency": "BTC", "notional": "5"},
        "status": "REJECTED",
    }
    first = gift(acme, "g1", notional="5")
    again = acme.allocate(batch, uid("g1"), "INV00002", "300")
    assert (again["id"], again["createdAt"], again["rejectReason"]) == (first["id"], first["createdAt"], DUPLICATE)
    assert expect(acme.get(f"{GIFT}/{uid('a1')}"), 400) == {"code": 400, "message": "Invalid clientTransactionId"}
    assert expect(acme.allocation(uid("g1")), 400) == {"code": 400, "message": "Invalid clientTransactionId"}
    assert expect(acme.batch(batch), 200)["allocations"] == 1
    assert [e["payload"]["status"] for e in journal_envelopes(acme.sb, "acme")] == ["OPEN", "COMPLETE"]


def test_gifts_are_isolated_between_clients(acme: Client) -> None:
    other = connect(acme.sb, "other", accounts=INVESTORS)
    deposit(other, "1")
    first = gift(acme, "g1", notional="5")
    assert expect(other.get(f"{GIFT}/{uid('g1')}"), 400) == {"code": 400, "message": "Invalid clientTransactionId"}
    mine = gift(other, "g1", notional="5")
    assert mine["status"] == "COMPLETE" and mine["id"] != first["id"]


def test_an_account_opened_without_an_email_gets_the_gift_but_no_email(acme: Client) -> None:
    owner = {"role": "PRIMARY_OWNER"}
    expect(acme.post("/accounts", {"clientAccountId": "OWN1", "owners": [owner]}), 200)
    with_email = {**owner, "emailAddress": "ada@example.test"}
    expect(acme.post("/accounts", {"clientAccountId": "OWN2", "owners": [with_email]}), 200)
    assert gift(acme, "g1", account="OWN1", quantity="0.01")["status"] == "COMPLETE"
    assert gift(acme, "g2", account="OWN2", quantity="0.01")["status"] == "COMPLETE"
    assert [email["to"] for email in list_emails(acme.sb, "acme")] == ["ada@example.test"]


@pytest.fixture(scope="module")
def module_sandbox() -> Iterator[Sandbox]:
    with Sandbox(seed=7, start=START) as sb:
        yield sb


@pytest.fixture(scope="module")
def shared(module_sandbox: Sandbox) -> Client:
    client = connect(module_sandbox, "acme", accounts=INVESTORS)
    deposit(client, "1")
    return client


VALID = {"account": "INV00001", "clientTransactionId": uid("bad-input"), "currency": "BTC", "notional": "5"}
MALFORMED: list[tuple[str, Any]] = [
    ("notional", 5),
    ("notional", 5.5),
    ("notional", True),
    ("notional", "1e5"),
    ("notional", "NaN"),
    ("notional", "12,5"),
    ("notional", "1234567890123456"),
    ("quantity", ["1"]),
    ("quantity", " 1"),
    ("clientTransactionId", "not-a-uuid"),
    ("clientTransactionId", 42),
    ("clientTransactionId", None),
    ("account", 123),
    ("account", None),
    ("currency", 5),
    ("currency", {"coin": "BTC"}),
]


@pytest.mark.parametrize(("field", "value"), MALFORMED)
def test_a_malformed_field_is_a_400_naming_it_and_changes_nothing(shared: Client, field: str, value: Any) -> None:
    published = len(journal_envelopes(shared.sb, "acme"))
    answer = expect(shared.post(GIFT, {**VALID, field: value}), 400)
    assert answer["code"] == 400 and field in answer["message"], answer
    assert expect(shared.get(f"{GIFT}/{uid('bad-input')}"), 400)["message"] == "Invalid clientTransactionId"
    assert len(journal_envelopes(shared.sb, "acme")) == published
    assert shared.holdings("GIFT00001") == {"BTC": "1"}


@pytest.mark.parametrize("field", ["account", "clientTransactionId", "currency"])
def test_a_missing_required_field_is_a_400_naming_it(shared: Client, field: str) -> None:
    body = {key: value for key, value in VALID.items() if key != field}
    assert field in expect(shared.post(GIFT, body), 400)["message"]


@pytest.mark.parametrize("raw", [b"", b"not json", b"[]", b'"gift"', b"\xff"])
def test_a_body_that_is_not_a_json_object_is_a_400(shared: Client, raw: bytes) -> None:
    expect(shared.request("POST", GIFT, raw=raw), 400)


@pytest.mark.parametrize(
    ("amounts", "currency", "reason"),
    [
        ({"notional": None}, "BTC", "Invalid gift amount"),
        ({"quantity": "0.001"}, "BTC", "Invalid gift amount"),
        ({"notional": "-99999999999999.9"}, "BTC", "Invalid gift amount"),
        ({"notional": "99999999999999.9"}, "BTC", INSUFFICIENT),
        ({}, "\u20bf", "Invalid currency"),
        ({}, "", "Invalid currency"),
        ({}, "\U0001f4a9" * 100, "Invalid currency"),
    ],
    ids=["neither", "both", "huge-negative", "huge", "unicode", "empty", "long"],
)
def test_well_formed_odd_amounts_and_currencies_are_business_rejects(
    shared: Client, amounts: dict[str, Any], currency: str, reason: str
) -> None:
    body = {**VALID, "clientTransactionId": uid(f"odd-{currency}-{sorted(amounts.items())}"), "currency": currency}
    answer = expect(shared.post(GIFT, body | amounts), 200)
    assert (answer["status"], answer["rejectReason"]) == ("REJECTED", reason)
