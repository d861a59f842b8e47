"""CPU seconds per simulated day with 1,000 resting GTC LIMIT orders, beside the
same advance with no resting orders, in the same process.

The orders spread over every instrument, half BUY below the market and half
SELL above it, from `--nearest` to `--farthest` percent away from the start
mid, so most of them rest for days while the nearest fill as prices move
(each fill is activity: its events, emails and settlement rows). The first
hour after placing them (each order's first look) is not measured: the
figure is the steady cost of orders that rest. The share of Python's cyclic
garbage collector is shown apart: a full collection walks the whole heap of
the process (moto's included), whatever made it due.

Target: at most 0.15 s per simulated day.
"""
from __future__ import annotations

import argparse
import gc
import time
from decimal import ROUND_CEILING, Decimal
from statistics import mean
from typing import Any

from _common import provision, report

from simulator import Sandbox
from simulator.domain.instruments import INSTRUMENTS

START = "2026-03-02T15:00:00Z"
DAY = 86_400
INVESTORS = 100
ORDER_USD = Decimal(100)
HOLDINGS = {instrument.coin: "10000000" for instrument in INSTRUMENTS.values()}


def order_body(n: int, nearest: Decimal, farthest: Decimal) -> dict[str, str]:
    """The n-th resting order: its symbol, side and distance from the mid (in percent) cycle independently."""
    instrument = list(INSTRUMENTS.values())[n % len(INSTRUMENTS)]
    side = "BUY" if n // len(INSTRUMENTS) % 2 == 0 else "SELL"
    away = (nearest + (farthest - nearest) * (n * 7 % 100) / 99) / 100
    factor = 1 - away if side == "BUY" else 1 + away
    limit = (instrument.start_mid * factor).quantize(instrument.minimum_price_increment)
    quantity = (ORDER_USD / limit).quantize(instrument.minimum_quantity_increment, ROUND_CEILING)
    return {
        "account": f"INV{n % INVESTORS + 1:05d}",
        "clientOrderId": f"rest-{n}",
        "symbol": instrument.symbol,
        "side": side,
        "type": "LIMIT",
        "timeInForce": "GTC",
        "quantity": str(max(quantity, instrument.minimum_order_quantity)),
        "price": str(limit),
    }


class CollectorTime:
    """CPU seconds spent in the cyclic garbage collector while installed (gc.callbacks)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._started = 0.0

    def __enter__(self) -> CollectorTime:
        gc.callbacks.append(self._on_collection)
        return self

    def __exit__(self, *_: object) -> None:
        gc.callbacks.remove(self._on_collection)

    def _on_collection(self, phase: str, _: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.process_time()
        else:
            self.seconds += time.process_time() - self._started


def seconds_per_day(bodies: list[dict[str, str]], days: int) -> tuple[list[tuple[float, float]], list[int]]:
    """CPU seconds of each simulated day with these orders placed (and of them, the
    collector's), and the orders still working after it."""
    with Sandbox(seed=1, start=START) as sb:
        token = provision(sb, investors=INVESTORS, holdings=HOLDINGS)
        for body in bodies:
            answer = sb.call("POST", "/apex-crypto/api/v2/orders", body, token=token)
            if answer.status != 201 or not answer.json()["working"]:
                raise SystemExit(f"order {body['clientOrderId']} answered {answer.status}: {answer.json()}")
        sb.advance(3_600)
        client = sb.core.clients["acme"]
        costs, working = [], []
        for _ in range(days):
            started = time.process_time()
            with CollectorTime() as collector:
                sb.advance(DAY)
            costs.append((time.process_time() - started, collector.seconds))
            working.append(len(client.working_orders))
        return costs, working


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=1_000)
    parser.add_argument("--days", type=int, default=5)
    parser.add_argument("--nearest", type=Decimal, default=Decimal(2), help="percent from the mid")
    parser.add_argument("--farthest", type=Decimal, default=Decimal(20), help="percent from the mid")
    options = parser.parse_args()
    bodies = [order_body(n, options.nearest, options.farthest) for n in range(options.orders)]
    resting, working = seconds_per_day(bodies, options.days)
    baseline, _ = seconds_per_day([], options.days)
    report(
        f"resting orders: {options.orders:,} GTC LIMIT orders over {len(INSTRUMENTS)} symbols, "
        f"{options.nearest}% to {options.farthest}% from the mid, {options.days} days",
        {
            "orders still working after each day": ", ".join(f"{n:,}" for n in working),
            "CPU s per simulated day, each day (of which garbage collection)": ", ".join(
                f"{total:.3f} ({collecting:.3f})" for total, collecting in resting
            ),
            "CPU s per simulated day, mean": f"{mean(total for total, _ in resting):.3f}",
            "CPU s per simulated day, mean without garbage collection": f"{mean(t - c for t, c in resting):.3f}",
            "baseline, no resting orders, CPU s per simulated day": f"{mean(total for total, _ in baseline):.3f}",
        },
    )


if __name__ == "__main__":
    main()
