"""Daily net settlement end to end: files in the bucket and the finance email (CONTRACT sections 2, 9, 10, 12)."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sandbox_session import (
    Client,
    advance,
    connect,
    control,
    expect,
    list_emails,
    list_files,
    login,
    s3_text,
    uid,
)

from simulator import Sandbox

FINANCE = ["finance@acme.test", "ops@acme.test"]
INVESTORS = {"count": 3, "prefix": "INV", "holdings": {"BTC": "0.5", "ETH": "2"}, "cash": "1000.00"}
DETAIL_HEADER = [
    "Account ID", "Client Order ID", "Execution ID", "Trade Date", "Execution Time", "Side",
    "Symbol", "Last Quantity", "Last Price", "Notional", "Fees", "Total",
]  # fmt: skip
SUMMARY_HEADER = "coin,firm notional,firm qty,allocation qty,diff qty"
SUMMARY_EMPTY = SUMMARY_HEADER + "\nall,0.00,0,0,0\n"


@dataclass(frozen=True)
class Report:
    """One settlement file, read back: the preamble and the table."""

    start: str
    end: str
    net: str
    header: list[str]
    rows: list[list[str]]


def parse(text: str) -> Report:
    assert "\r" not in text
    lines = list(csv.reader(io.StringIO(text)))
    assert [line[0] for line in lines[:3]] == ["From", "To", "Net Settlement"]
    assert lines[3] == []
    return Report(lines[0][1], lines[1][1], lines[2][1], lines[4], lines[5:])


def key(day: str, kind: str) -> str:
    return f"eod_settlement/{day}settlement_{kind}.csv"


def stored(sb: Sandbox, client_id: str, day: str, kind: str) -> str:
    """A file as the sandbox's own record keeps it."""
    files = {f.key: f.body.decode("utf-8") for f in sb.core.files.list(client_id)}
    return files[key(day, kind)]


def preamble(start: str, end: str, net: str) -> str:
    return f"From,{start}\nTo,{end}\nNet Settlement,{net}\n\n"


def settlement_keys(sb: Sandbox, client_id: str) -> list[str]:
    return [f["key"] for f in list_files(sb, client_id) if f["key"].startswith("eod_settlement/")]


def settlement_emails(sb: Sandbox, client_id: str, **query: str) -> list[dict[str, Any]]:
    return [m for m in list_emails(sb, client_id, **query) if m["subject"].startswith("Net settlement")]


def pin_market(sb: Sandbox, symbol: str, price: str) -> dict[str, Any]:
    body = {"price": price, "volatility": 0, "spreadBps": 10}
    answer: dict[str, Any] = expect(control(sb, "POST", f"/market/{symbol}", body), 200)
    return answer


def cash(sb: Sandbox, client_id: str, account: str, action: str, quantity: str) -> None:
    body = {"currency": "USD", "quantity": quantity}
    expect(control(sb, "POST", f"/clients/{client_id}/accounts/{account}/{action}", body), 200)


def relogin(client: Client) -> Client:
    """Tokens live 24 simulated hours: log in again after a long advance."""
    answer = expect(login(client.sb, client.provisioning["logonId"], client.provisioning["password"]), 200)
    return Client(client.sb, client.provisioning, answer["token"])


def run_batch(client: Client, name: str, batch_type: str, symbol: str, allocations: list[dict[str, Any]]) -> list[str]:
    """Open, allocate and close a batch at the current instant; the transaction ids in order."""
    batch_id = uid(f"settlement-{name}")
    assert client.open_batch(batch_id, symbol, batch_type)["status"] == "OPEN"
    transactions = []
    for n, allocation in enumerate(allocations):
        transaction = uid(f"settlement-{name}-{n}")
        assert client.allocate(batch_id, transaction, symbol=symbol, **allocation)["status"] == "PENDING"
        transactions.append(transaction)
    assert expect(client.close_batch(batch_id, len(allocations)), 200)["status"] == "CLOSED"
    return transactions


@pytest.fixture
def acme(sandbox: Sandbox) -> Client:
    """A Net Settlement client with two finance addresses and INV00001..3 (0.5 BTC, 2 ETH each), markets pinned."""
    client = connect(sandbox, "acme", accounts=INVESTORS, financeEmails=FINANCE)
    assert pin_market(sandbox, "BTCUSD", "43000.00")["ask"] == "43021.5"
    assert pin_market(sandbox, "ETHUSD", "2300.00")["bid"] == "2298.85"
    return client


# Every day at 09:00 CT


def test_both_files_arrive_every_day_at_nine_central_even_when_empty(sandbox: Sandbox, acme: Client) -> None:
    advance(sandbox, to="2026-03-02T14:59:59.999Z")
    assert settlement_keys(sandbox, "acme") == []
    assert settlement_emails(sandbox, "acme") == []
    advance(sandbox, to="2026-03-06T15:00:00Z")
    days = [(date(2026, 3, 2) + timedelta(days=n)).isoformat() for n in range(5)]
    listed = {f["key"]: f for f in list_files(sandbox, "acme")}
    assert sorted(listed) == sorted(key(day, kind) for day in days for kind in ("detail", "summary"))
    for day in days:
        start = f"{date.fromisoformat(day) - timedelta(days=1)}T15:00:00Z"
        expected = {
            "detail": preamble(start, f"{day}T15:00:00Z", "0.00") + ",".join(DETAIL_HEADER) + "\n",
            "summary": preamble(start, f"{day}T15:00:00Z", "0.00") + SUMMARY_EMPTY,
        }
        for kind, text in expected.items():
            entry = listed[key(day, kind)]
            assert entry["writtenAt"] == f"{day}T15:00:00.000Z"
            assert s3_text(acme.provisioning["bucket"], entry["key"]) == text
            assert entry["size"] == len(text.encode())
    emails = settlement_emails(sandbox, "acme")
    assert [(m["to"], m["subject"], m["sentAt"]) for m in emails] == [
        (address, f"Net settlement {day}", f"{day}T15:00:00.000Z") for day in days for address in FINANCE
    ]


def test_the_s3_copy_matches_the_sandbox_record(sandbox: Sandbox, acme: Client) -> None:
    cash(sandbox, "acme", "INV00001", "deposit", "25.50")
    body = {"currency": "BTC", "quantity": "0.1"}  # a coin movement is no cash adjustment
    expect(control(sandbox, "POST", "/clients/acme/accounts/INV00002/deposit", body), 200)
    advance(sandbox, to="2026-03-03T15:00:00Z")
    for stored_file in sandbox.core.files.list("acme"):
        assert s3_text(acme.provisioning["bucket"], stored_file.key) == stored_file.body.decode("utf-8")
    # 14:00Z is 08:00 CT: the deposit closes with the window ending 2026-03-02 09:00 CT
    detail = parse(stored(sandbox, "acme", "2026-03-02", "detail"))
    assert detail.net == "-25.50"
    assert [[row[0], *row[3:]] for row in detail.rows] == [
        ["INV00001", "03/02/2026", "2026-03-02T14:00:00.000Z", "DEPOSIT", "USD", "25.5", "1", "25.50", "0.00", "25.50"]
    ]
    assert parse(stored(sandbox, "acme", "2026-03-03", "detail")).net == "0.00"


# The half-open window


@pytest.mark.parametrize(
    ("close_at", "executed", "window_day", "other_day"),
    [
        ("2026-03-02T14:59:59.750Z", "2026-03-02T15:00:00.000Z", "2026-03-03", "2026-03-02"),  # fills at 09:00:00.000 CT
        ("2026-03-02T14:59:59.749Z", "2026-03-02T14:59:59.999Z", "2026-03-02", "2026-03-03"),
    ],
)
def test_a_fill_exactly_at_the_cutoff_belongs_to_the_next_window(
    sandbox: Sandbox, acme: Client, close_at: str, executed: str, window_day: str, other_day: str
) -> None:
    batch_id = uid("settlement-boundary")
    acme.open_batch(batch_id)
    transaction = uid("settlement-boundary-0")
    acme.allocate(batch_id, transaction, "INV00001", "200")
    advance(sandbox, to=close_at)
    expect(acme.close_batch(batch_id, 1), 200)
    advance(sandbox, to="2026-03-03T15:00:00Z")
    allocation = expect(relogin(acme).allocation(transaction), 200)
    assert allocation["status"] == "COMPLETE"

    detail = parse(stored(sandbox, "acme", window_day, "detail"))
    assert detail.net == "200.00"
    assert [(row[1], row[2], row[4]) for row in detail.rows] == [(transaction, allocation["id"], executed)]
    summary = parse(stored(sandbox, "acme", window_day, "summary"))
    assert [row[0] for row in summary.rows] == ["all", "BTC"]
    assert summary.rows[1][2] == allocation["quantity"]

    empty = parse(stored(sandbox, "acme", other_day, "detail"))
    assert (empty.net, empty.rows) == ("0.00", [])
    assert stored(sandbox, "acme", other_day, "summary").endswith("\n\n" + SUMMARY_EMPTY)


# Daylight saving


@dataclass(frozen=True)
class Switch:
    start: str
    deposits: list[tuple[str, str]]
    """(instant, USD amount), in time order."""
    until: str
    windows: dict[str, tuple[str, str, str]]
    """File date: (From, To, Net Settlement)."""


SWITCHES = {
    "spring-forward": Switch(
        start="2026-03-07T14:00:00Z",
        deposits=[("2026-03-08T13:59:59.999Z", "1.00"), ("2026-03-08T14:00:00Z", "2.00")],  # 08:59:59.999 and 09:00 CDT
        until="2026-03-09T14:00:00Z",
        windows={
            "2026-03-07": ("2026-03-06T15:00:00Z", "2026-03-07T15:00:00Z", "0.00"),
            "2026-03-08": ("2026-03-07T15:00:00Z", "2026-03-08T14:00:00Z", "-1.00"),  # 23 h
            "2026-03-09": ("2026-03-08T14:00:00Z", "2026-03-09T14:00:00Z", "-2.00"),
        },
    ),
    "fall-back": Switch(
        start="2026-10-31T13:00:00Z",
        deposits=[("2026-11-01T14:30:00Z", "1.00"), ("2026-11-01T15:00:00Z", "2.00")],  # 08:30 and 09:00 CST
        until="2026-11-02T15:00:00Z",
        windows={
            "2026-10-31": ("2026-10-30T14:00:00Z", "2026-10-31T14:00:00Z", "0.00"),
            "2026-11-01": ("2026-10-31T14:00:00Z", "2026-11-01T15:00:00Z", "-1.00"),  # 25 h
            "2026-11-02": ("2026-11-01T15:00:00Z", "2026-11-02T15:00:00Z", "-2.00"),
        },
    ),
}


@pytest.fixture
def switch_sandbox(request: pytest.FixtureRequest) -> Iterator[tuple[Sandbox, Switch]]:
    switch = SWITCHES[request.param]
    with Sandbox(seed=7, start=switch.start) as sb:
        yield sb, switch


@pytest.mark.parametrize("switch_sandbox", list(SWITCHES), indirect=True)
def test_windows_across_daylight_saving_switches(switch_sandbox: tuple[Sandbox, Switch]) -> None:
    sb, switch = switch_sandbox
    connect(sb, "acme", accounts={"count": 1})
    for instant, amount in switch.deposits:
        advance(sb, to=instant)
        cash(sb, "acme", "INV00001", "deposit", amount)
    advance(sb, to=switch.until)
    assert settlement_keys(sb, "acme") == sorted(key(day, kind) for day in switch.windows for kind in ("detail", "summary"))
    written = {f["key"]: f["writtenAt"] for f in list_files(sb, "acme")}
    for day, (start, end, net) in switch.windows.items():
        for kind in ("detail", "summary"):
            report = parse(stored(sb, "acme", day, kind))
            assert (report.start, report.end, report.net) == (start, end, net)
            assert written[key(day, kind)] == end.replace("Z", ".000Z")


# A trading day


def test_a_trading_day_nets_buys_sells_fees_and_cash(sandbox: Sandbox, acme: Client) -> None:
    advance(sandbox, to="2026-03-02T16:00:00Z")
    # BTC NOTIONAL, net BUY 99.50: the firm buys 0.0023128 at the best ask 43021.5, filled 250 ms later
    notional = run_batch(acme, "notional", "NOTIONAL", "BTCUSD", [
        {"account": "INV00001", "amount": "200"},
        {"account": "INV00002", "amount": "100.50", "side": "SELL", "bpsCommission": 25},
    ])  # fmt: skip
    advance(sandbox, to="2026-03-02T16:00:01Z")
    # BTC QUANTITY, net 0.000005 BUY: under the minimum order, crosses internally at the mid 43000
    crossed = run_batch(acme, "crossed", "QUANTITY", "BTCUSD", [
        {"account": "INV00001", "amount": "0.01"},
        {"account": "INV00003", "amount": "0.009995", "side": "SELL"},
    ])  # fmt: skip
    advance(sandbox, to="2026-03-02T16:00:02Z")
    # ETH QUANTITY SELL 0.5 at the best bid 2298.85
    sold = run_batch(acme, "eth", "QUANTITY", "ETHUSD", [
        {"account": "INV00003", "amount": "0.5", "side": "SELL", "bpsCommission": 10},
    ])  # fmt: skip
    advance(sandbox, to="2026-03-02T16:00:03Z")
    cash(sandbox, "acme", "INV00003", "deposit", "500.00")
    advance(sandbox, to="2026-03-03T02:00:00Z")  # 20:00 CT on March 2, already March 3 in UTC
    cash(sandbox, "acme", "INV00001", "withdraw", "120.25")
    advance(sandbox, to="2026-03-03T15:00:00Z")

    acme = relogin(acme)
    allocations = {t: expect(acme.allocation(t), 200) for t in [*notional, *crossed, *sold]}
    assert {a["status"] for a in allocations.values()} == {"COMPLETE"}

    def trade_rows(executed: str, rows: list[tuple[str, str, str, str, str, str, str, str, str]]) -> list[list[str]]:
        """Rows of one instant: sorted by Execution ID, money checked against the allocation."""
        built = []
        for transaction, account, side, coin, quantity, price, money, fee, total in rows:
            allocation = allocations[transaction]
            assert (allocation["quantity"], allocation["price"]) == (quantity, price)
            assert Decimal(allocation["feeApplied"]) == Decimal(fee)
            assert Decimal(allocation["netMoney"]) == Decimal(total)
            built.append([account, transaction, allocation["id"], "03/02/2026", executed, side, coin,
                          quantity, price, money, fee, total])  # fmt: skip
        return sorted(built, key=lambda row: row[2])

    detail = parse(stored(sandbox, "acme", "2026-03-03", "detail"))
    # BUY 200.00 + 430.00; SELL 100.25 + 429.78 + 1148.27; DEPOSIT 500.00; WITHDRAWAL 120.25
    assert (detail.start, detail.end, detail.net) == ("2026-03-02T15:00:00Z", "2026-03-03T15:00:00Z", "-1428.05")
    assert detail.header == DETAIL_HEADER
    trades = [
        *trade_rows("2026-03-02T16:00:00.250Z", [
            (notional[0], "INV00001", "BUY", "BTC", "0.00464884", "43021.5", "200.00", "0.00", "200.00"),
            (notional[1], "INV00002", "SELL", "BTC", "0.00233604", "43021.5", "100.50", "0.25", "100.25"),
        ]),
        *trade_rows("2026-03-02T16:00:01.000Z", [
            (crossed[0], "INV00001", "BUY", "BTC", "0.01", "43000", "430.00", "0.00", "430.00"),
            (crossed[1], "INV00003", "SELL", "BTC", "0.009995", "43000", "429.78", "0.00", "429.78"),  # 429.785
        ]),
        *trade_rows("2026-03-02T16:00:02.250Z", [
            (sold[0], "INV00003", "SELL", "ETH", "0.5", "2298.85", "1149.42", "1.15", "1148.27"),  # 1149.425
        ]),
    ]  # fmt: skip
    assert detail.rows[:5] == trades
    adjustments = [
        ["INV00003", "03/02/2026", "2026-03-02T16:00:03.000Z", "DEPOSIT", "USD", "500", "1", "500.00", "0.00", "500.00"],
        ["INV00001", "03/03/2026", "2026-03-03T02:00:00.000Z", "WITHDRAWAL", "USD", "120.25", "1", "120.25", "0.00", "120.25"],
    ]
    assert [[row[0], *row[3:]] for row in detail.rows[5:]] == adjustments
    execution_ids = [row[2] for row in detail.rows]
    assert all(execution_ids) and len(set(execution_ids)) == len(execution_ids)

    summary = stored(sandbox, "acme", "2026-03-03", "summary")
    assert summary == preamble("2026-03-02T15:00:00Z", "2026-03-03T15:00:00Z", "-1428.05") + (
        SUMMARY_HEADER + "\n"
        "all,-1049.92,-0.4976872,-0.4976822,-0.000005\n"
        "BTC,99.50,0.0023128,0.0023178,-0.000005\n"
        "ETH,-1149.42,-0.5,-0.5,0\n"
    )
    assert s3_text(acme.provisioning["bucket"], key("2026-03-03", "summary")) == summary

    for address in FINANCE:
        emails = settlement_emails(sandbox, "acme", to=address)
        assert [(m["to"], m["subject"]) for m in emails] == [
            (address, "Net settlement 2026-03-02"),
            (address, "Net settlement 2026-03-03"),
        ]
        assert emails[1]["body"] == summary
        assert emails[1]["sentAt"] == "2026-03-03T15:00:00.000Z"

    advance(sandbox, to="2026-03-04T15:00:00Z")
    following = parse(stored(sandbox, "acme", "2026-03-04", "detail"))
    assert (following.net, following.rows) == ("0.00", [])
    assert stored(sandbox, "acme", "2026-03-04", "summary").endswith("\n\n" + SUMMARY_EMPTY)


# Other funding models


@pytest.mark.parametrize("funding_model", ["BAKKT_TPJ", "APEX_TPJ"])
def test_tpj_clients_get_no_settlement_files_or_emails(sandbox: Sandbox, acme: Client, funding_model: str) -> None:
    tpj = connect(sandbox, "tpj", accounts=INVESTORS, fundingModel=funding_model, financeEmails=["finance@tpj.test"])
    run_batch(tpj, "tpj", "NOTIONAL", "BTCUSD", [{"account": "INV00001", "amount": "200"}])
    cash(sandbox, "tpj", "INV00002", "deposit", "50.00")
    advance(sandbox, to="2026-03-04T15:00:00Z")
    assert expect(relogin(tpj).batch(uid("settlement-tpj")), 200)["status"] == "COMPLETE"
    assert settlement_keys(sandbox, "tpj") == []
    assert settlement_emails(sandbox, "tpj") == []
    assert len(settlement_keys(sandbox, "acme")) == 6  # the cutoffs did run: 2026-03-02 to 2026-03-04
    assert len(settlement_emails(sandbox, "acme")) == 3 * len(FINANCE)
