"""Allocate requests/s through `requests` against the in-process Sandbox,
beside a bare `responses` callback returning constant JSON, in one process.

The sandbox runs as `Sandbox()` makes it by default (moto's mock active), and
with `aws="memory"` for comparison. The bare callback and the two sandboxes
take turns for `--rounds` rounds, a fresh sandbox each round; the best round
of each is printed with the spread, since the machine may be shared.

Target: the default sandbox reaches at least 80% of the bare rate.
"""
from __future__ import annotations

import argparse
import time

import requests
import responses
from _common import BATCH_ID, allocation_body, provision, report

from simulator import Sandbox

BARE_URL = "https://bare.test/apex-crypto/api/v2/allocation/trade/batch/allocate"


def bare_rate(bodies: list[dict[str, str]]) -> float:
    answer = b'{"status":"PENDING"}'
    with responses.RequestsMock() as mock:
        mock.add_callback("POST", BARE_URL, callback=lambda _: (200, {"Content-Type": "application/json"}, answer))
        session = requests.Session()
        started = time.perf_counter()
        for body in bodies:
            session.post(BARE_URL, json=body).json()
        return len(bodies) / (time.perf_counter() - started)


def sandbox_rate(bodies: list[dict[str, str]], aws: str) -> float:
    with Sandbox(seed=1, start="2026-03-02T15:00:00Z", aws=aws) as sb:
        token = provision(sb, investors=len(bodies))
        session = requests.Session()
        session.headers["Authorization"] = token
        api = f"{sb.base_url}/apex-crypto/api/v2/allocation/trade/batch"
        session.post(f"{api}/open", json={"batchTransactionId": BATCH_ID, "symbol": "BTCUSD", "type": "NOTIONAL"})
        started = time.perf_counter()
        for body in bodies:
            session.post(f"{api}/allocate", json=body).json()
        rate = len(bodies) / (time.perf_counter() - started)
        pending = session.get(f"{api}/{BATCH_ID}").json()["allocations"]
        assert pending == len(bodies), f"{pending} of {len(bodies)} allocations PENDING"  # a rejected one answers 200 too
        return rate


def spread(rates: list[float]) -> str:
    return f"{max(rates):,.0f} (rounds {min(rates):,.0f} to {max(rates):,.0f})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    bodies = [allocation_body(n) for n in range(options.requests)]
    rates: dict[str, list[float]] = {"bare": [], "moto": [], "memory": []}
    for _ in range(options.rounds):
        rates["bare"].append(bare_rate(bodies))
        rates["moto"].append(sandbox_rate(bodies, "moto"))
        rates["memory"].append(sandbox_rate(bodies, "memory"))
    bare, moto, memory = (max(rates[name]) for name in ("bare", "moto", "memory"))
    report(
        f"in-process HTTP, {options.requests:,} allocate requests, best of {options.rounds} rounds taken in turn",
        {
            "bare responses callback requests/s": spread(rates["bare"]),
            "sandbox allocate requests/s": f"{spread(rates['moto'])}: {moto / bare:.0%} of bare",
            "sandbox (aws='memory') allocate requests/s": f"{spread(rates['memory'])}: {memory / bare:.0%} of bare",
        },
    )


if __name__ == "__main__":
    main()
