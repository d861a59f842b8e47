"""Gifts/s and orders/s through the service path, and orders/s through
in-process HTTP beside a bare `responses` callback in the same run.

Each gift and each order goes to its own investor, so every one of them also
generates that investor's identity (for the email) on first use: the figure
is the cold path.
"""
from __future__ import annotations

import argparse
import time
from decimal import Decimal

import requests
from _common import provision, report
from inprocess_http import bare_rate

from simulator import Sandbox
from simulator.domain.fees import Side
from simulator.domain.orders import OrderType, TimeInForce
from simulator.domain.tickets import OrderTicket
from simulator.engine.streams import seeded_uuid
from simulator.service import gifts, orders
from simulator.service.commands import RequestGift, SubmitOrder


def order_body(n: int) -> dict[str, str]:
    return {
        "account": f"INV{n + 1:05d}",
        "clientOrderId": f"bench-{n}",
        "symbol": "BTCUSD",
        "side": "BUY",
        "type": "MARKET",
        "timeInForce": "IOC",
        "notional": "25.00",
    }


def command(n: int) -> SubmitOrder:
    body = order_body(n)
    ticket = OrderTicket(
        "BTCUSD", Side.BUY, OrderType.MARKET, TimeInForce.IOC, None, Decimal("25.00"), None, None, None, None, None, None
    )
    return SubmitOrder(body, body["clientOrderId"], body["account"], ticket)


def gift_rate(count: int) -> tuple[float, int]:
    with Sandbox(seed=1, start="2026-03-02T15:00:00Z") as sb:
        provision(sb, investors=count)
        sb.call("POST", "/sandbox/v1/clients/acme/accounts/GIFT00001/deposit", {"currency": "BTC", "quantity": "100"})
        core = sb.core
        client = core.clients["acme"]
        commands = []
        for n in range(count):
            body = {"account": f"INV{n + 1:05d}", "clientTransactionId": seeded_uuid(0, f"gift-{n}"), "currency": "BTC"}
            request = {**body, "notional": "5.00"}
            commands.append(RequestGift(request, body["account"], body["clientTransactionId"], "BTC", Decimal("5.00"), None))
        started = time.perf_counter()
        with core.kernel.lock:
            for item in commands:
                gifts.request_gift(core, client, item)
            core.kernel.settle()
        rate = count / (time.perf_counter() - started)
        return rate, len(client.gifts)


def service_rate(count: int) -> tuple[float, int]:
    with Sandbox(seed=1, start="2026-03-02T15:00:00Z") as sb:
        provision(sb, investors=count)
        core = sb.core
        client = core.clients["acme"]
        commands = [command(n) for n in range(count)]
        started = time.perf_counter()
        with core.kernel.lock:
            for item in commands:
                orders.submit_order(core, client, item)
            core.kernel.settle()
        sb.advance(1)
        rate = count / (time.perf_counter() - started)
        filled = sum(1 for order in client.orders.values() if order.executions)
        return rate, filled


def http_rate(count: int) -> float:
    with Sandbox(seed=1, start="2026-03-02T15:00:00Z") as sb:
        token = provision(sb, investors=count)
        session = requests.Session()
        session.headers["Authorization"] = token
        url = f"{sb.base_url}/apex-crypto/api/v2/orders"
        bodies = [order_body(n) for n in range(count)]
        started = time.perf_counter()
        for body in bodies:
            assert session.post(url, json=body).status_code == 201
        return count / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=5_000)
    count = parser.parse_args().count
    gift, given = gift_rate(count)
    service, filled = service_rate(count)
    bare = bare_rate([order_body(n) for n in range(count)])
    http = http_rate(count)
    report(
        f"gifts and orders: {count:,} notional gifts of USD 5, {count:,} MARKET IOC notional buys",
        {
            "gifts given": given,
            "service path gifts/s (event and branded email included)": f"{gift:,.0f}",
            "orders filled": filled,
            "service path orders/s (submit and fill, events and emails included)": f"{service:,.0f}",
            "bare responses callback requests/s": f"{bare:,.0f}",
            "in-process HTTP orders/s": f"{http:,.0f} ({http / bare:.0%})",
        },
    )


if __name__ == "__main__":
    main()
