"""Cash calls of TPJ clients end to end: attempts, retries, write-off, buying power,
the aged TPJ file and the cash reports (CONTRACT sections 2, 9, 12)."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sandbox_session import (
    Client,
    advance,
    connect,
    control,
    expect,
    list_files,
    login,
    s3_text,
    uid,
)

from simulator import Sandbox

ORDERS = "/orders"
INVESTORS = {"count": 3, "prefix": "INV", "holdings": {"BTC": "0.5"}, "cash": "1000.00"}
FIXED = {"price": "43000.00", "volatility": 0, "spreadBps": 10}
AGED_HEADER = (
    "Account ID,Client Order ID,Execution ID,Trade Date,Side,Symbol,Quantity,Notional,Amount Due,Attempts,Age Days\n"
)
BALANCE_HEADER = "Account ID,Unsettled Amount,Settled Amount\n"
ACTIVITY_HEADER = "Account ID,Activity Time,Type,Reference,Amount,Balance\n"


def connect_funded(sandbox: Sandbox, client_id: str, funding_model: str) -> Client:
    client = connect(sandbox, client_id, accounts=INVESTORS, fundingModel=funding_model)
    expect(control(sandbox, "POST", "/market/BTCUSD", FIXED), 200)
    return client


@pytest.fixture
def tpj(sandbox: Sandbox) -> Client:
    """A Bakkt Marketplace client; INV00001..3 hold 0.5 BTC and USD 1000.00 each, BTCUSD fixed at 43000."""
    return connect_funded(sandbox, "tpj", "BAKKT_TPJ")


def trade(client: Client, name: str, account: str, quantity: str, side: str = "BUY") -> dict[str, Any]:
    """A MARKET IOC order placed now and filled 250 ms later; its single execution."""
    body = {"account": account, "clientOrderId": uid(name), "symbol": "BTCUSD", "side": side, "quantity": quantity}
    expect(client.post(ORDERS, body | {"type": "MARKET", "timeInForce": "IOC"}), 201)
    advance(client.sb, seconds=0.25)
    order = expect(client.get(f"{ORDERS}/{uid(name)}"), 200)
    assert order["status"] == "COMPLETE" and len(order["executions"]) == 1, order
    execution: dict[str, Any] = order["executions"][0]
    return execution


def relogin(client: Client) -> Client:
    """Tokens live 24 simulated hours: log in again after a long advance."""
    answer = expect(login(client.sb, client.provisioning["logonId"], client.provisioning["password"]), 200)
    return Client(client.sb, client.provisioning, answer["token"])


def balances(client: Client, account: str) -> dict[str, Any]:
    answer: dict[str, Any] = expect(control(client.sb, "GET", f"/clients/{client.client_id}/accounts/{account}"), 200)
    return answer


def cash_of(client: Client, account: str) -> Decimal:
    return Decimal(balances(client, account)["cash"])


def usd(client: Client, account: str, action: str, quantity: str) -> None:
    path = f"/clients/{client.client_id}/accounts/{account}/{action}"
    expect(control(client.sb, "POST", path, {"currency": "USD", "quantity": quantity}), 200)


def file_text(client: Client, key: str) -> str:
    keys = [f["key"] for f in list_files(client.sb, client.client_id)]
    assert key in keys, f"{key} is not among {keys}"
    return s3_text(client.provisioning["bucket"], key)


def keys_under(client: Client, prefix: str) -> list[str]:
    return [f["key"] for f in list_files(client.sb, client.client_id) if f["key"].startswith(prefix)]


def money(value: str | Decimal) -> str:
    return f"{Decimal(value):.2f}"


def aged_row(account: str, name: str, execution: dict[str, Any], attempts: int, age: int) -> str:
    year, month, day = execution["tradeDate"].split("-")
    notional = Decimal(execution["netMoney"]) - Decimal(execution["commission"])
    return (
        f"{account},{uid(name)},{execution['id']},{month}/{day}/{year},BUY,BTC,{execution['quantity']},"
        f"{money(notional)},{money(execution['netMoney'])},{attempts},{age}\n"
    )


# the first attempt, 60 s after the trade


def test_a_buy_is_debited_sixty_seconds_after_the_trade_when_the_cash_covers_it(tpj: Client) -> None:
    execution = trade(tpj, "small-buy", "INV00001", "0.01")
    due = Decimal(execution["netMoney"])
    assert balances(tpj, "INV00001") | {"holdings": None} == {
        "account": "INV00001", "cash": "1000", "unsettledCashCalls": execution["netMoney"],
        "buyingPower": str(Decimal(1000) - due), "holdings": None,
    }  # fmt: skip
    advance(tpj.sb, to="2026-03-02T14:01:00.249Z")
    assert cash_of(tpj, "INV00001") == Decimal(1000)
    advance(tpj.sb, to="2026-03-02T14:01:00.250Z")
    after = balances(tpj, "INV00001")
    assert (Decimal(after["cash"]), after["unsettledCashCalls"], Decimal(after["buyingPower"])) == (
        Decimal(1000) - due, "0", Decimal(1000) - due
    )  # fmt: skip


def test_a_completed_allocation_is_a_cash_call_too(tpj: Client) -> None:
    batch = uid("tpj-batch")
    tpj.open_batch(batch)
    tpj.allocate(batch, uid("tpj-allocation"), "INV00001", "250.00")
    assert expect(tpj.close_batch(batch, 1), 200)["status"] == "CLOSED"
    advance(tpj.sb, seconds=1)
    allocation = expect(tpj.allocation(uid("tpj-allocation")), 200)
    assert allocation["status"] == "COMPLETE"
    assert balances(tpj, "INV00001")["unsettledCashCalls"] == allocation["netMoney"]
    advance(tpj.sb, seconds=60)
    assert cash_of(tpj, "INV00001") == Decimal(1000) - Decimal(allocation["netMoney"])
    assert balances(tpj, "FIRM00001")["unsettledCashCalls"] == "0"


def test_a_sell_is_credited_even_with_no_cash(tpj: Client) -> None:
    usd(tpj, "INV00001", "withdraw", "1000.00")
    execution = trade(tpj, "sell", "INV00001", "0.01", side="SELL")
    assert Decimal(balances(tpj, "INV00001")["buyingPower"]) == Decimal(execution["netMoney"])
    advance(tpj.sb, seconds=60)
    assert cash_of(tpj, "INV00001") == Decimal(execution["netMoney"])
    assert balances(tpj, "INV00001")["unsettledCashCalls"] == "0"


# a day of a call that fails, is listed, and is paid at the 17:00 CT retry


def test_a_failed_buy_is_aged_then_paid_at_the_five_pm_retry_after_a_deposit(tpj: Client) -> None:
    small = trade(tpj, "small", "INV00001", "0.01")
    big = trade(tpj, "big", "INV00002", "0.05")  # about USD 2151: more than the 1000 in cash
    shortfall = Decimal(big["netMoney"]) - Decimal(1000)
    advance(tpj.sb, seconds=60)
    assert balances(tpj, "INV00002")["buyingPower"] == str(-shortfall)

    advance(tpj.sb, to="2026-03-02T15:30:00Z")  # 09:30 CST
    aged = file_text(tpj, "tpj_aging/2026-03-02-0930aged_tpj.csv")
    assert aged == AGED_HEADER + aged_row("INV00002", "big", big, attempts=1, age=0)

    advance(tpj.sb, to="2026-03-02T16:00:00Z")
    usd(tpj, "INV00002", "deposit", str(shortfall))
    advance(tpj.sb, to="2026-03-02T22:40:00Z")  # 16:40 CST: the reports, the call still open
    small_cash = Decimal(1000) - Decimal(small["netMoney"])
    assert file_text(tpj, "cash/2026-03-02cash_balance.csv") == BALANCE_HEADER + (
        f"INV00001,0.00,{money(small_cash)}\n"
        f"INV00002,{money(big['netMoney'])},{money(big['netMoney'])}\n"
        "INV00003,0.00,1000.00\n"
    )
    activity = file_text(tpj, "cash/2026-03-02cash_activity.csv").splitlines()
    assert activity[0] + "\n" == ACTIVITY_HEADER
    debit = f"TPJ_DEBIT,{small['id']},-{money(small['netMoney'])},{money(small_cash)}"
    assert activity[1] == f"INV00001,2026-03-02T14:01:00.250Z,{debit}"
    deposit = activity[2].split(",")
    assert (deposit[0], deposit[1], deposit[2], deposit[4:]) == (
        "INV00002", "2026-03-02T16:00:00.000Z", "DEPOSIT", [money(shortfall), money(big["netMoney"])]
    )  # fmt: skip
    assert len(activity) == 3

    advance(tpj.sb, to="2026-03-02T22:59:59.999Z")
    assert cash_of(tpj, "INV00002") == Decimal(big["netMoney"])
    advance(tpj.sb, to="2026-03-02T23:00:00Z")  # 17:00 CST
    assert balances(tpj, "INV00002") | {"holdings": None} == {
        "account": "INV00002", "cash": "0", "unsettledCashCalls": "0", "buyingPower": "0", "holdings": None
    }  # fmt: skip
    advance(tpj.sb, to="2026-03-03T22:40:00Z")
    assert file_text(tpj, "tpj_aging/2026-03-02-1930aged_tpj.csv") == AGED_HEADER
    assert file_text(tpj, "cash/2026-03-03cash_activity.csv") == ACTIVITY_HEADER + (
        f"INV00002,2026-03-02T23:00:00.000Z,TPJ_DEBIT,{big['id']},-{money(big['netMoney'])},0.00\n"
    )


def test_the_aged_file_is_written_at_0930_and_1930_ct_every_day_even_empty(tpj: Client) -> None:
    advance(tpj.sb, to="2026-03-04T15:30:00Z")
    assert sorted(keys_under(tpj, "tpj_aging/")) == [
        f"tpj_aging/{stamp}aged_tpj.csv"
        for stamp in ("2026-03-02-0930", "2026-03-02-1930", "2026-03-03-0930", "2026-03-03-1930", "2026-03-04-0930")
    ]
    assert sorted(keys_under(tpj, "cash/")) == [
        f"cash/2026-03-0{day}cash_{kind}.csv" for day in (2, 3) for kind in ("activity", "balance")
    ]


# thirty CT calendar days, across the DST switch


def test_an_unpaid_call_is_retried_twice_daily_and_written_off_after_thirty_ct_days(tpj: Client) -> None:
    big = trade(tpj, "unpaid", "INV00003", "0.05")
    # Attempts: the first at 08:01 CT, 17:00 on March 2, two a day March 3 to 31.
    advance(tpj.sb, to="2026-04-01T00:30:00Z")  # 19:30 CDT on March 31
    aged = file_text(tpj, "tpj_aging/2026-03-31-1930aged_tpj.csv")
    assert aged == AGED_HEADER + aged_row("INV00003", "unpaid", big, attempts=2 + 29 * 2, age=29)
    advance(tpj.sb, to="2026-04-01T10:59:59.999Z")
    assert balances(tpj, "INV00003")["unsettledCashCalls"] == big["netMoney"]
    advance(tpj.sb, to="2026-04-01T11:00:00Z")  # 06:00 CDT on April 1: the last try fails, written off
    assert balances(tpj, "INV00003") | {"holdings": None} == {
        "account": "INV00003", "cash": "1000", "unsettledCashCalls": "0", "buyingPower": "1000", "holdings": None
    }  # fmt: skip
    advance(tpj.sb, to="2026-04-01T21:40:00Z")  # 16:40 CDT
    assert file_text(tpj, "tpj_aging/2026-04-01-0930aged_tpj.csv") == AGED_HEADER
    assert file_text(tpj, "cash/2026-04-01cash_activity.csv") == ACTIVITY_HEADER + (
        f"INV00003,2026-04-01T11:00:00.000Z,WRITE_OFF,{big['id']},{money(big['netMoney'])},1000.00\n"
    )


def test_the_retries_land_on_chicago_wall_time_on_both_sides_of_the_dst_switch(tpj: Client) -> None:
    advance(tpj.sb, to="2026-03-06T14:00:00Z")
    tpj = relogin(tpj)
    big = trade(tpj, "weekend", "INV00002", "0.05")
    shortfall = Decimal(big["netMoney"]) - Decimal(1000)
    advance(tpj.sb, to="2026-03-07T22:00:00Z")
    usd(tpj, "INV00002", "deposit", str(shortfall - Decimal("0.01")))  # a cent short at 17:00 CST
    advance(tpj.sb, to="2026-03-07T23:00:00Z")
    assert balances(tpj, "INV00002")["unsettledCashCalls"] == big["netMoney"]
    usd(tpj, "INV00002", "deposit", "0.01")
    advance(tpj.sb, to="2026-03-08T10:59:59.999Z")  # 05:59:59.999 CDT: 12:00 UTC would be 06:00 CST
    assert balances(tpj, "INV00002")["unsettledCashCalls"] == big["netMoney"]
    advance(tpj.sb, to="2026-03-08T11:00:00Z")
    assert balances(tpj, "INV00002")["unsettledCashCalls"] == "0"
    assert cash_of(tpj, "INV00002") == Decimal(0)


# what NET_SETTLEMENT clients keep


def test_a_net_settlement_client_gets_no_cash_calls_and_no_tpj_files(sandbox: Sandbox, tpj: Client) -> None:
    net = connect_funded(sandbox, "net", "NET_SETTLEMENT")
    trade(net, "net-buy", "INV00001", "0.05")
    advance(sandbox, to="2026-03-04T16:00:00Z")
    assert balances(net, "INV00001") | {"holdings": None} == {
        "account": "INV00001", "cash": "1000", "unsettledCashCalls": "0", "buyingPower": "1000", "holdings": None
    }  # fmt: skip
    assert keys_under(net, "tpj_aging/") == keys_under(net, "cash/") == []
    assert keys_under(net, "eod_settlement/") != []
    assert keys_under(tpj, "eod_settlement/") == []
