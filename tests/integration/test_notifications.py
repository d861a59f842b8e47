"""Trade confirmations and daily summaries (CONTRACT section 10), read from the mail journal and SES."""
from __future__ import annotations

import boto3
import pytest
from activity import fix_market, give_gift, owner_address, place_order, run_batch
from sandbox_session import REGION, Client, advance, connect, expect, list_emails

from simulator import Sandbox
from simulator.engine.clock import NS_PER_SECOND
from simulator.service.outputs import SES_SEND_INTERVAL_NS, MailJournal

MIXED = [("INV00001", "BUY", "200"), ("INV00002", "SELL", "100.50"), ("INV00003", "BUY", "10")]
SUMMARY_TIME = "2026-03-02T23:05:00.000Z"
"""17:05 CT on the start day (CST, UTC-6)."""


@pytest.fixture
def trading(acme: Client) -> Client:
    fix_market(acme)
    return acme


def sent_through_ses() -> int:
    return int(boto3.client("ses", region_name=REGION).get_send_quota()["SentLast24Hours"])


def emails_to(client: Client, account: str, subject: str) -> list[dict[str, str]]:
    to = owner_address(client, account)
    return [m for m in list_emails(client.sb, client.client_id, to=to) if m["subject"].startswith(subject)]


def test_every_completed_allocation_sends_one_confirmation_with_its_figures(trading: Client) -> None:
    allocations = run_batch(trading, "n-batch", MIXED)
    for (account, side, _), allocation in zip(MIXED, allocations, strict=True):
        (email,) = emails_to(trading, account, "Trade confirmation")
        assert email["subject"] == f"Trade confirmation: {side} BTC"
        assert email["body"] == (
            f"Your allocation {allocation['request']['clientTransactionId']} has been executed.\n"
            f"Side: {side}\nCoin: BTC\nQuantity: {allocation['quantity']}\nPrice: {allocation['price']}\n"
            f"Fee: {allocation['feeApplied']}\nNet money: {allocation['netMoney']}\n"
        )


def test_the_ses_copies_follow_and_a_rejected_allocation_sends_nothing(trading: Client) -> None:
    before = sent_through_ses()
    allocations = run_batch(trading, "n-short", [("INV00001", "BUY", "50"), ("INV00002", "SELL", "1000000")])
    assert [a["status"] for a in allocations] == ["COMPLETE", "REJECTED"]
    assert emails_to(trading, "INV00002", "Trade confirmation") == []
    assert len(emails_to(trading, "INV00001", "Trade confirmation")) == 1
    assert sent_through_ses() == before + 1


def test_an_account_opened_without_an_email_gets_no_confirmation(trading: Client) -> None:
    owner = {"role": "PRIMARY_OWNER"}
    expect(trading.post("/accounts", {"clientAccountId": "OWN1", "owners": [owner], "accountType": "INDIVIDUAL"}), 200)
    (allocation,) = run_batch(trading, "n-own", [("OWN1", "BUY", "25")])
    assert allocation["status"] == "COMPLETE"
    assert [m["subject"] for m in list_emails(trading.sb, "acme")] == []


def test_orders_and_allocations_share_the_confirmation_layout(trading: Client) -> None:
    order = place_order(trading, "n-order", "INV00001", "BUY", "0.01")
    (email,) = emails_to(trading, "INV00001", "Trade confirmation")
    execution = order["executions"][0]
    assert email["body"].splitlines() == [
        f"Your order {order['id']} has been executed.",
        "Side: BUY",
        "Coin: BTC",
        "Quantity: 0.01",
        f"Price: {order['averagePrice']}",
        f"Fee: {execution['commission']}",
        f"Net money: {execution['netMoney']}",
    ]


def test_the_daily_summary_lists_each_investors_transactions_of_the_day(trading: Client) -> None:
    allocations = run_batch(trading, "n-day", MIXED[:2])
    order = place_order(trading, "n-day-order", "INV00001", "SELL", "0.01")
    gift = give_gift(trading, "n-day-gift", "INV00001", "5")
    advance(trading.sb, to=SUMMARY_TIME)
    (summary,) = emails_to(trading, "INV00001", "Daily summary")
    assert (summary["subject"], summary["sentAt"]) == ("Daily summary 2026-03-02", SUMMARY_TIME)
    lines = summary["body"].splitlines()
    assert lines[0] == "Your transactions in account INV00001 on 2026-03-02 (CT):"
    assert len(lines) == 5
    assert lines[2].startswith("- 08:00:00 CT BUY ")
    assert lines[2].endswith(f"(allocation {allocations[0]['request']['clientTransactionId']})")
    assert f"net money {allocations[0]['netMoney']}" in lines[2]
    assert lines[3].startswith("- 08:00:01 CT SELL 0.01 BTC at ") and lines[3].endswith(f"(order {order['id']})")
    assert lines[4] == (
        f"- 08:00:02 CT GIFT {gift['quantity']} BTC at {gift['price']} USD, worth 5.00 USD "
        f"(gift {gift['request']['clientTransactionId']})"
    )
    assert len(emails_to(trading, "INV00002", "Daily summary")) == 1
    assert emails_to(trading, "INV00003", "Daily summary") == []


def test_each_transaction_is_summarized_once_and_after_1705_waits_for_the_next_day(trading: Client) -> None:
    address = owner_address(trading, "INV00001")
    advance(trading.sb, to=SUMMARY_TIME)
    assert list_emails(trading.sb, "acme") == []
    run_batch(trading, "n-late", [("INV00001", "BUY", "20")])
    advance(trading.sb, to="2026-03-04T00:00:00Z")
    summaries = [m for m in list_emails(trading.sb, "acme", to=address) if m["subject"].startswith("Daily summary")]
    assert [(m["subject"], m["sentAt"]) for m in summaries] == [("Daily summary 2026-03-03", "2026-03-03T23:05:00.000Z")]
    assert "- 17:05:00 CT BUY" in summaries[0]["body"]  # at 17:05 itself, after that day's summary


def test_many_investors_get_their_confirmations_at_the_ses_send_rate(sandbox: Sandbox) -> None:
    client = connect(sandbox, "bulk", accounts={"count": 40, "prefix": "INV", "holdings": {"BTC": "1"}})
    fix_market(client)
    before = sent_through_ses()
    run_batch(client, "n-bulk", [(f"INV{n:05d}", "BUY", "10") for n in range(1, 41)])
    assert len(list_emails(sandbox, "bulk")) == 40
    delivered = sent_through_ses() - before
    assert 1 <= delivered < 40
    advance(sandbox, seconds=5)
    assert sent_through_ses() - before == 40


class FakeMail:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def send(self, sender: str, to: str, subject: str, body: str) -> None:
        self.sent.append((to, subject))


def test_deferred_emails_render_once_when_read_and_skip_items_without_an_address() -> None:
    port, rendered = FakeMail(), []

    def render(n: int) -> tuple[str, str, str] | None:
        rendered.append(n)
        return None if n == 1 else (f"i{n}@example.test", f"s{n}", "body")

    journal = MailJournal(port)
    journal.send("acme", "finance@example.test", "first", "text", 0)
    journal.defer("acme", [0, 1, 2], render, 0)
    journal.defer("other", [3], render, 0)
    assert rendered == [] and port.sent == [("finance@example.test", "first")]
    assert [m.to for m in journal.list("acme")] == ["finance@example.test", "i0@example.test", "i2@example.test"]
    assert [m.subject for m in journal.list(to="i3@example.test")] == ["s3"]
    assert journal.list("acme") == journal.sent[:3]
    assert sorted(rendered) == [0, 1, 2, 3]


def test_ses_copies_of_deferred_emails_leave_at_the_send_rate_in_order() -> None:
    port = FakeMail()
    journal = MailJournal(port)
    journal.defer("acme", list(range(30)), lambda n: (f"i{n}@example.test", "s", "b"), 0)
    journal.defer("acme", [30], lambda n: (f"i{n}@example.test", "s", "b"), 0)
    journal.flush(0)
    assert len(port.sent) == 1
    journal.flush(NS_PER_SECOND)
    assert len(port.sent) == NS_PER_SECOND // SES_SEND_INTERVAL_NS + 1
    assert journal.pending_copies() == 31 - len(port.sent)
    journal.flush(30 * SES_SEND_INTERVAL_NS)
    assert [to for to, _ in port.sent] == [f"i{n}@example.test" for n in range(31)]
    assert journal.pending_copies() == 0
