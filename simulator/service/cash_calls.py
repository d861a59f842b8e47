"""Cash calls of TPJ clients and their files (CONTRACT section 9).

Executions call `record_execution` and USD adjustments `record_adjustment`
right where they log their settlement entry, so every cash-moving event is
seen exactly once. The schedules `install` sets up then do the rest:

- each call is first tried 60 s after its trade;
- calls that failed are retried at 06:00 and 17:00 CT, and written off at the
  first retry 30 CT calendar days after their trade date;
- the aged TPJ file at 09:30 and 19:30 CT, written every time (empty
  included) so a client can tell "nothing owed" from "no file";
- the cash balance and cash activity reports at 16:40 CT.

NET_SETTLEMENT clients fund trades themselves: they get none of this.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from datetime import time
from decimal import Decimal

from simulator.domain.accounts import AccountKind
from simulator.domain.cash_calls import ActivityType, CashActivity, CashCall
from simulator.domain.decimals import ZERO, format_decimal, format_money
from simulator.domain.settlement import CashMovement, SettlementEntry
from simulator.engine.clock import (
    NS_PER_SECOND,
    central_date,
    central_datetime,
    iso_millis,
    trade_date,
)
from simulator.service.core import SandboxCore
from simulator.service.state import ClientRecord, FundingModel

TPJ_MODELS = frozenset({FundingModel.BAKKT_TPJ, FundingModel.APEX_TPJ})
FIRST_ATTEMPT_DELAY_NS = 60 * NS_PER_SECOND
RETRY_TIMES = (time(6, 0), time(17, 0))
AGING_TIMES = (time(9, 30), time(19, 30))
REPORT_TIME = time(16, 40)

AGED_HEADER = [
    "Account ID", "Client Order ID", "Execution ID", "Trade Date", "Side", "Symbol",
    "Quantity", "Notional", "Amount Due", "Attempts", "Age Days",
]  # fmt: skip
BALANCE_HEADER = ["Account ID", "Unsettled Amount", "Settled Amount"]
ACTIVITY_HEADER = ["Account ID", "Activity Time", "Type", "Reference", "Amount", "Balance"]
ClientJob = Callable[[SandboxCore, ClientRecord, int], None]
DailyJob = Callable[[int], None]
ADJUSTMENTS = {CashMovement.DEPOSIT: ActivityType.DEPOSIT, CashMovement.WITHDRAWAL: ActivityType.WITHDRAWAL}


def is_tpj(client: ClientRecord) -> bool:
    return client.funding_model in TPJ_MODELS


def csv_text(header: list[str], rows: Iterable[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


# hooks


def record_execution(core: SandboxCore, client: ClientRecord, entry: SettlementEntry) -> None:
    """A TPJ investor's execution opens a cash call, first tried 60 s later.

    The Firm Allocation and Gift Accounts are the client's own: their trades
    call no investor's cash.
    """
    if not is_tpj(client) or not client.is_investor(entry.account):
        return
    call = client.cash_calls.add(entry, central_date(entry.executed_ns))
    core.kernel.after(FIRST_ATTEMPT_DELAY_NS, lambda: attempt(core, client, call))


def record_adjustment(core: SandboxCore, client: ClientRecord, entry: SettlementEntry) -> None:
    """A USD deposit or withdrawal (already applied to the cash) is a cash activity."""
    if not is_tpj(client):
        return
    assert isinstance(entry.side, CashMovement), entry
    kind = ADJUSTMENTS[entry.side]
    amount = entry.notional if kind is ActivityType.DEPOSIT else -entry.notional
    _log(core, client, entry.account, kind, entry.execution_id, amount)


def _log(core: SandboxCore, client: ClientRecord, account: str, kind: ActivityType, ref: str, amount: Decimal) -> None:
    """The movement, with the cash as it stands after it."""
    client.cash_calls.record(CashActivity(account, core.now, kind, ref, amount, client.ledger.cash(account)))


# attempts


def attempt(core: SandboxCore, client: ClientRecord, call: CashCall) -> None:
    """Try the call against the investor's cash now; move the cash when it is paid."""
    if not call.attempt(client.ledger.cash(call.account)):
        return
    client.ledger.move_cash(call.account, call.cash_delta)
    client.cash_calls.close(call)
    kind = ActivityType.TPJ_DEBIT if call.is_debit else ActivityType.TPJ_CREDIT
    _log(core, client, call.account, kind, call.id, call.cash_delta)


def retry_failed(core: SandboxCore, client: ClientRecord, now_ns: int) -> None:
    """The twice-daily run: every failed call once more, in trade order; the overdue ones written off."""
    today = central_date(now_ns)
    for call in client.cash_calls.failed():
        attempt(core, client, call)
        if call.write_off_if_overdue(today):
            client.cash_calls.close(call)
            _log(core, client, call.account, ActivityType.WRITE_OFF, call.id, call.amount)


# files


def aged_file(calls: list[CashCall], now_ns: int) -> str:
    today = central_date(now_ns)
    rows = [
        [
            call.account,
            call.entry.client_order_id,
            call.id,
            trade_date(call.entry.executed_ns),
            call.entry.side.value,
            call.entry.symbol,
            format_decimal(call.entry.quantity),
            format_money(call.entry.notional),
            format_money(call.amount),
            str(call.attempts),
            str(call.age_days(today)),
        ]
        for call in calls
    ]
    return csv_text(AGED_HEADER, rows)


def balance_file(client: ClientRecord) -> str:
    unsettled = client.cash_calls.unsettled_by_account()
    investors = sorted(a.id for a in client.accounts.values() if a.kind is AccountKind.INVESTOR)
    rows = [
        [account, format_money(unsettled.get(account, ZERO)), format_money(client.ledger.cash(account))]
        for account in investors
    ]
    return csv_text(BALANCE_HEADER, rows)


def activity_file(activity: list[CashActivity]) -> str:
    rows = [
        [a.account, iso_millis(a.time_ns), a.type.value, a.reference, format_money(a.amount), format_money(a.balance)]
        for a in activity
    ]
    return csv_text(ACTIVITY_HEADER, rows)


def write(core: SandboxCore, client: ClientRecord, key: str, text: str, now_ns: int) -> None:
    core.files.write(client.client_id, client.bucket, key, text.encode(), now_ns)


def write_aged(core: SandboxCore, client: ClientRecord, now_ns: int) -> None:
    stamp = central_datetime(now_ns).strftime("%Y-%m-%d-%H%M")
    write(core, client, f"tpj_aging/{stamp}aged_tpj.csv", aged_file(client.cash_calls.failed(), now_ns), now_ns)


def write_reports(core: SandboxCore, client: ClientRecord, now_ns: int) -> None:
    """Balances as they stand, and the activity of [previous report, now)."""
    day = central_date(now_ns).isoformat()
    write(core, client, f"cash/{day}cash_balance.csv", balance_file(client), now_ns)
    activity = client.cash_calls.cut_activity(now_ns)
    write(core, client, f"cash/{day}cash_activity.csv", activity_file(activity), now_ns)


def install(core: SandboxCore) -> None:
    """The retries, the aged TPJ file and the reconciliation reports, for every TPJ client."""

    def each_tpj(job: ClientJob) -> DailyJob:
        def run(now_ns: int) -> None:
            def for_tpj(client: ClientRecord) -> None:
                if is_tpj(client):
                    job(core, client, now_ns)

            core.for_each_client(job.__name__, for_tpj)

        return run

    for at in RETRY_TIMES:
        core.kernel.daily(at, each_tpj(retry_failed))
    for at in AGING_TIMES:
        core.kernel.daily(at, each_tpj(write_aged))
    core.kernel.daily(REPORT_TIME, each_tpj(write_reports))
