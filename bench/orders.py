"""Orders/s through the service path (submit, then fill 250 ms later) and
through in-process HTTP beside a bare `responses` callback in the same run.

Gifts/s are measured the same way when gifting is installed.
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
from simulator.service import orders


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


def command(n: int) -> orders.OrderCommand:
    body = order_body(n)
    return orders.OrderCommand(
        body, body["clientOrderId"], body["account"], "BTCUSD", Side.BUY, OrderType.MARKET, TimeInForce.IOC,
        None, Decimal("25.00"), None, None, None, None, None, None,
    )  # fmt: skip


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
    parser.add_argument("--orders", type=int, default=5_000)
    count = parser.parse_args().orders
    service, filled = service_rate(count)
    bare = bare_rate([order_body(n) for n in range(count)])
    http = http_rate(count)
    report(
        f"orders, {count:,} MARKET IOC notional buys",
        {
            "orders filled": filled,
            "service path orders/s (submit and fill, events and emails included)": f"{service:,.0f}",
            "bare responses callback requests/s": f"{bare:,.0f}",
            "in-process HTTP orders/s": f"{http:,.0f} ({http / bare:.0%})",
        },
    )


if __name__ == "__main__":
    main()
